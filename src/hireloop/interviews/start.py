"""Starting interviews (the seed story): job-linked through an application, or standalone."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.applications.models import Application, ApplicationStatus
from hireloop.applications.service import role_type_for_job
from hireloop.auth.models import User
from hireloop.config import Settings
from hireloop.consent.models import ConsentMethod
from hireloop.consent.notice import notice_version
from hireloop.consent.service import require_consent
from hireloop.db import commit_before_slow_call, utcnow
from hireloop.engine.knowledge import ROLE_TYPES, get_knowledge
from hireloop.engine.planner import build_skill_plan, opening_text
from hireloop.engine.providers import ProviderReply
from hireloop.engine.schema import Difficulty
from hireloop.engine.state import EngineState, QuestionTurn, SkillState
from hireloop.errors import BadRequest, Conflict, Forbidden, InvalidInput, NotFound
from hireloop.interviews import ai, repository
from hireloop.interviews.models import (
    Interview,
    InterviewMessage,
    InterviewSession,
    InterviewStatus,
)
from hireloop.interviews.schemas import InterviewStartRequest
from hireloop.interviews.service import loop_for, question_message
from hireloop.jobs.models import JobPosting, JobStatus
from hireloop.outbox import events
from hireloop.resumes.interviews import NOT_LOOKED_UP, interview_resume
from hireloop.resumes.models import Resume

log = structlog.get_logger(__name__)

MISSING_TARGET = "Either application_id or role_type must be provided"
NOT_AUTHORIZED = "Not authorized to access this application"
JOB_INACTIVE = "Job posting is no longer active"


@dataclass
class StartResult:
    interview: Interview
    session: InterviewSession
    first_question: InterviewMessage
    current_question: InterviewMessage | None
    created: bool


async def start_interview(
    session: AsyncSession,
    user: User,
    data: InterviewStartRequest,
    settings: Settings,
    consent_method: ConsentMethod = ConsentMethod.start,
) -> StartResult:
    log.info(
        "start_interview_request",
        user_id=str(user.id),
        has_application_id=data.application_id is not None,
        has_role_type=data.role_type is not None,
        has_resume_id=data.resume_id is not None,
    )
    if data.resume_id is not None:
        await _check_resume(session, user, data.resume_id)
    if data.application_id is not None:
        return await _start_job_linked(
            session,
            user,
            data.application_id,
            data.resume_id,
            settings,
            consent=(data.consent_notice_version, consent_method),
        )
    if data.role_type is None:
        raise BadRequest(MISSING_TARGET, code="missing_target")
    role_type = get_knowledge().resolve_role(data.role_type)
    if role_type is None:
        raise InvalidInput(
            f"Unknown role_type '{data.role_type}'. Valid role types: {', '.join(ROLE_TYPES)}"
        )
    # The candidate notice, once the request is known to be valid (428 otherwise).
    await require_consent(session, user, settings, data.consent_notice_version, consent_method)
    interview = Interview(
        id=uuid.uuid4(),
        candidate_id=user.id,
        resume_id=data.resume_id,
        role_type=role_type,
        status=InterviewStatus.scheduled,
    )
    ahead = None
    if ai.uses_model(ai.provider_for(settings)):
        ahead = await _word_ahead(session, interview, None, settings)
    result = await _begin(session, interview, job=None, settings=settings, ahead=ahead)
    _log_started(result, job_linked=False)
    return result


async def _check_resume(session: AsyncSession, user: User, resume_id: uuid.UUID) -> None:
    # Loaded whole: it stays in the identity map, so planning the interview reuses it.
    resume = await session.get(Resume, resume_id)
    if resume is None or resume.candidate_id != user.id:
        # Someone else's resume is indistinguishable from a missing one.
        raise NotFound(f"Resume {resume_id} not found")


async def _start_job_linked(
    session: AsyncSession,
    user: User,
    application_id: uuid.UUID,
    resume_id: uuid.UUID | None,
    settings: Settings,
    ahead: _WordedAhead | None = None,
    consent: tuple[str | None, ConsentMethod] = (None, ConsentMethod.start),
) -> StartResult:
    application, active_resume, consented = await repository.application_with_locked_interview(
        session, application_id, notice_version(settings)
    )
    if application is None:
        raise NotFound(f"Application {application_id} not found")
    if application.candidate_id != user.id:
        raise Forbidden(NOT_AUTHORIZED)
    if application.status is ApplicationStatus.withdrawn:
        raise BadRequest("Application has been withdrawn")
    if ahead is None:
        # The candidate notice, once the application is known to be theirs (428 otherwise).
        await require_consent(session, user, settings, *consent, on_record=consented)
    job = application.job_posting
    if ahead is None:  # once per start, not again after the model worded the question
        log.info(
            "interview_start_with_job_context",
            application_id=str(application.id),
            job_posting_id=str(job.id),
        )
    interview = application.interview
    if interview is not None and interview.status is InterviewStatus.in_progress:
        if ahead is not None:  # another start won while the model worded ours
            ai.record_usage(interview, ahead.reply, settings)
        result = await _resume(session, interview)
        _log_started(result, job_linked=True)
        return result
    if interview is not None and interview.status in (
        InterviewStatus.completed,
        InterviewStatus.abandoned,
    ):
        raise Conflict(f"Interview already {interview.status.value}", code="interview_finished")
    if job.status is not JobStatus.active:
        raise BadRequest(JOB_INACTIVE, code="job_not_active")
    role_type = role_type_for_job(job)
    if interview is not None and ahead is None and ai.uses_model(ai.provider_for(settings)):
        draft = Interview(
            id=interview.id,
            candidate_id=interview.candidate_id,
            resume_id=resume_id or interview.resume_id,
            role_type=role_type,
        )
        ahead = await _word_ahead(session, draft, job, settings, active_resume)
        # The locks were let go while the model worked: start again, checking everything.
        return await _start_job_linked(session, user, application_id, resume_id, settings, ahead)
    if interview is None:
        # Applications from before interviews were scheduled at apply time.
        interview = Interview(
            id=uuid.uuid4(),
            candidate_id=user.id,
            job_posting_id=job.id,
            application_id=application.id,
            status=InterviewStatus.scheduled,
            role_type=role_type,
        )
        session.add(interview)
        application.interview = interview
        # Messages and session state refer to it without an ORM relationship, so the
        # interview row must exist before they are inserted.
        await session.flush()
    # The job decides, whatever role_type the client sent.
    interview.role_type = role_type
    interview.job_posting_id = job.id
    if resume_id is not None:
        interview.resume_id = resume_id
    previous = application.status
    application.status = ApplicationStatus.interview_in_progress
    result = await _begin(
        session,
        interview,
        job,
        settings,
        active=active_resume,
        application=application,
        ahead=ahead,
    )
    await events.interview_started(session, interview, application, previous)
    _log_started(result, job_linked=True)
    return result


@dataclass
class _Opening:
    """The planned interview and its first question, before anything is written."""

    state: EngineState
    turn: QuestionTurn
    resume_note: str | None


@dataclass
class _WordedAhead:
    """The first question as a language model worded it before the start took its locks."""

    question_id: str
    turn: QuestionTurn
    reply: ProviderReply[Any]


async def _plan_opening(
    session: AsyncSession,
    interview: Interview,
    job: JobPosting | None,
    settings: Settings,
    active: Resume | object | None,
) -> _Opening:
    kb = get_knowledge()
    now = utcnow()
    required = job.required_skills if job else None
    # The resume given, else the active one (already loaded on the job-linked path).
    resume = await interview_resume(session, interview, required, active)
    plan = build_skill_plan(kb, interview.role_type, required, resume.claims if resume else None)
    state = EngineState(
        skill_plan=plan,
        skill_levels={skill.id: SkillState() for skill in plan},
        phase_history=[
            {"phase": Difficulty.warmup.value, "question_number": 1, "at": now.isoformat()}
        ],
    )
    turn = loop_for(settings).next_question(state, seed=str(interview.id), now=now)
    if turn is None:  # the loader guarantees warm-up questions for every skill
        raise RuntimeError(f"no first question for role {interview.role_type}")
    skill = state.skill(turn.skill_id)
    return _Opening(state, turn, resume.reference(kb, skill) if resume else None)


async def _word_ahead(
    session: AsyncSession,
    draft: Interview,
    job: JobPosting | None,
    settings: Settings,
    active: Resume | object | None = NOT_LOOKED_UP,
) -> _WordedAhead:
    """With a language model: plan the opening, commit to release the locks, and let the
    model word the first question with no transaction open. A slow model then never
    blocks other requests (on SQLite, the whole database); the start takes its locks
    again and checks everything anew. ``draft`` is not in the session (a new interview,
    or a copy of a stored one), because planning records the resume on it."""
    opening = await _plan_opening(session, draft, job, settings, active)
    await commit_before_slow_call(session)  # the model words the first question
    turn, reply = await ai.word_opening_question(settings, draft, opening.state, opening.turn, job)
    assert opening.turn.question_id is not None
    return _WordedAhead(opening.turn.question_id, turn, reply)


async def _begin(
    session: AsyncSession,
    interview: Interview,
    job: JobPosting | None,
    settings: Settings,
    active: Resume | object | None = NOT_LOOKED_UP,
    application: Application | None = None,
    ahead: _WordedAhead | None = None,
) -> StartResult:
    """Move a scheduled interview to in_progress: plan, session state, first question.

    The interview (new, or loaded and changed) and its application are written together
    with the session state and the question, in one round trip on PostgreSQL.
    """
    kb = get_knowledge()
    now = utcnow()
    opening = await _plan_opening(session, interview, job, settings, active)
    state, turn, resume_note = opening.state, opening.turn, opening.resume_note
    skill = state.skill(turn.skill_id)
    if ahead is not None and ahead.question_id == turn.question_id:
        turn, worded = ahead.turn, ahead.reply
    else:  # the built-in engine, or the plan changed meanwhile (e.g. another resume)
        turn, worded = await ai.word_opening_question(settings, interview, state, turn, job)
        if ahead is not None:
            ai.record_usage(interview, ahead.reply, settings)  # paid for, though unused
    ai.record_usage(interview, worded, settings)
    turn = turn.model_copy(
        update={
            "text": opening_text(
                kb,
                interview.role_type,
                skill,
                turn.text,
                job_title=job.title if job else None,
                company=job.company if job else None,
                resume_note=resume_note,
            )
        }
    )
    message = question_message(interview.id, 1, turn, now, worded.metadata())
    if resume_note:
        message.meta = {**message.meta, "resume_reference": True}
    state.cursor.question_message_id = str(message.id)
    row = InterviewSession(id=uuid.uuid4(), interview_id=interview.id, last_activity_at=now)
    repository.store_engine_state(row, state)
    interview.status = InterviewStatus.in_progress
    interview.started_at = now
    await repository.write_start(session, interview, row, message, application)
    return StartResult(interview, row, message, message, created=True)


async def _resume(session: AsyncSession, interview: Interview) -> StartResult:
    """An interview already in progress (e.g. after a disconnect): return it as it stands."""
    state, messages = await repository.started_state(session, interview.id)
    if state is None or not messages:
        raise Conflict("Interview is in progress but has no session state")
    return StartResult(interview, state, messages[0], messages[-1], created=False)


def _log_started(result: StartResult, *, job_linked: bool) -> None:
    log.info(
        "interview_started_successfully",
        interview_id=str(result.interview.id),
        role_type=result.interview.role_type,
        job_linked=job_linked,
        resumed=not result.created,
        first_question_id=str(result.first_question.id),
    )

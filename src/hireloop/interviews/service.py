"""The interview conversation: access, locking and completion.

Answering a question (one turn) is in ``answers``; the list, transcript and results
reads are in ``reads``; the queries, and loading and saving the engine state, are in
``repository``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.applications.models import Application, ApplicationStatus
from hireloop.auth.models import User, UserRole
from hireloop.config import Settings
from hireloop.db import commit_before_slow_call, utcnow
from hireloop.engine.knowledge import get_knowledge
from hireloop.engine.loop import AdaptiveLoop, LoopConfig
from hireloop.engine.planner import skill_questions
from hireloop.engine.providers import BUILTIN
from hireloop.engine.results import AnswerRecord, ResultsData, build_results
from hireloop.engine.schema import Question
from hireloop.engine.state import EngineState, QuestionTurn
from hireloop.errors import Conflict, Forbidden, NotFound
from hireloop.interviews import ai, repository
from hireloop.interviews.models import (
    AssessmentResult,
    Interview,
    InterviewMessage,
    InterviewSession,
    InterviewStatus,
    MessageType,
)
from hireloop.mail import notifications
from hireloop.outbox import events

CLOSING_TEXT = (
    "Thank you, that's the end of the interview. Your answers have been saved and your "
    "per-skill results are ready."
)
NOT_AUTHORIZED = "Not authorized to access this interview"


@dataclass
class TurnResult:
    interview: Interview
    state: InterviewSession
    answer: InterviewMessage
    next_message: InterviewMessage | None


def loop_for(settings: Settings) -> AdaptiveLoop:
    return AdaptiveLoop(
        get_knowledge(),
        LoopConfig(
            min_questions=min(settings.min_questions, settings.max_questions),
            max_questions=settings.max_questions,
            time_limit=timedelta(minutes=settings.time_limit_minutes),
        ),
    )


def can_read(interview: Interview, user: User) -> bool:
    if user.role is UserRole.admin or interview.candidate_id == user.id:
        return True
    job = interview.job_posting
    return user.role is UserRole.recruiter and job is not None and job.owner_id == user.id


async def load_interview(
    session: AsyncSession, interview_id: uuid.UUID, *, for_update: bool = False
) -> Interview:
    interview = await repository.interview_with_state(session, interview_id, for_update=for_update)
    if interview is None:
        raise NotFound(f"Interview {interview_id} not found")
    return interview


async def readable_interview(
    session: AsyncSession, user: User, interview_id: uuid.UUID
) -> Interview:
    interview = await load_interview(session, interview_id)
    if not can_read(interview, user):
        raise Forbidden(NOT_AUTHORIZED)
    return interview  # reads never write: idle interviews are ended by sweep_idle_interviews


async def owned_interview(
    session: AsyncSession,
    user: User,
    interview_id: uuid.UUID,
    settings: Settings,
    *,
    for_update: bool = True,
) -> Interview:
    """The candidate's own interview (locked unless ``for_update`` is off); 403 otherwise."""
    interview = await load_interview(session, interview_id, for_update=for_update)
    if interview.candidate_id != user.id:
        raise Forbidden(NOT_AUTHORIZED)
    expire_if_idle(interview, settings, utcnow())
    return interview


def expire_if_idle(interview: Interview, settings: Settings, now: datetime) -> None:
    """A write to an interview left untouched past the idle limit finds it abandoned (and
    is refused), even before the next sweep records that."""
    row = interview.session
    if interview.status is not InterviewStatus.in_progress or row is None:
        return
    if now - row.last_activity_at > timedelta(minutes=settings.idle_abandon_minutes):
        interview.status = InterviewStatus.abandoned


async def sweep_idle_interviews(session: AsyncSession, settings: Settings, now: datetime) -> int:
    """Mark every interview left without an answer past the idle limit abandoned, in one
    statement; how many. Run by the server every ``idle_sweep_seconds`` and by
    ``hireloop sweep``; safe to run from several processes at once."""
    cutoff = now - timedelta(minutes=settings.idle_abandon_minutes)
    return await repository.abandon_idle(session, cutoff, now)


def require_in_progress(interview: Interview) -> InterviewSession:
    if interview.status is not InterviewStatus.in_progress or interview.session is None:
        raise Conflict(
            f"Interview is not in progress (status: {interview.status.value})",
            code="interview_not_in_progress",
        )
    return interview.session


async def not_current(
    session: AsyncSession, interview_id: uuid.UUID, state: EngineState
) -> Conflict:
    """The 409 for an answer to a question that is no longer the open one (two tabs, a
    burst of parallel requests): it names the question that is."""
    message = await repository.message_by_id(session, state.cursor.question_message_id)
    current = {"id": str(message.id), "text": message.content_text} if message is not None else None
    return Conflict(
        "That question has already been answered; answer the current question instead.",
        code="question_not_current",
        extra={"current_question": current},
    )


def current_question(state: EngineState) -> Question:
    cursor = state.cursor
    assert cursor.skill_id is not None and cursor.question_id is not None
    planned = state.skill(cursor.skill_id)
    for question in skill_questions(get_knowledge(), planned):
        if question.id == cursor.question_id:
            return question
    raise LookupError(f"question {cursor.question_id} is not in the knowledge packs")


def question_message(
    interview_id: uuid.UUID,
    sequence_number: int,
    turn: QuestionTurn,
    now: datetime,
    ai_meta: dict[str, object] | None = None,
) -> InterviewMessage:
    return InterviewMessage(
        id=uuid.uuid4(),
        interview_id=interview_id,
        sequence_number=sequence_number,
        message_type=MessageType.ai_question,
        content_text=turn.text,
        meta={**turn.metadata(), **(ai_meta or {})},
        created_at=now,
    )


def results_for(
    interview: Interview, state: EngineState, answers: dict[str, AnswerRecord], settings: Settings
) -> ResultsData:
    job = interview.job_posting
    return build_results(
        state,
        answers,
        job.experience_level.value if job else None,
        planned_questions=settings.max_questions,
        min_questions=min(settings.min_questions, settings.max_questions),
    )


async def complete_interview(
    session: AsyncSession, interview: Interview, settings: Settings, *, reason: str
) -> InterviewMessage:
    """Close the transcript, store the results and move the application on."""
    row = require_in_progress(interview)
    state = repository.engine_state(row)
    results = results_for(
        interview, state, await repository.answer_records(session, interview.id), settings
    )
    # A model may word strengths and growth areas; scores and levels stay the engine's.
    worded, wording, reply = await ai.word_results(
        ai.provider_for(settings),
        settings,
        interview,
        state,
        results,
        job=interview.job_posting,
        deadline=ai.turn_deadline(settings),
    )
    if reply is not None:
        ai.record_usage(interview, reply, settings)
    closing_number = await repository.last_sequence(session, interview.id) + 1
    return await write_completion(
        session, interview, row, worded, wording, reason=reason, sequence_number=closing_number
    )


async def write_completion(
    session: AsyncSession,
    interview: Interview,
    row: InterviewSession,
    results: ResultsData,
    wording: dict[str, object],
    *,
    reason: str,
    sequence_number: int,
) -> InterviewMessage:
    """Store the results and the closing message; the interview is completed."""
    now = utcnow()
    produced = {"evaluations": results.judged_by, "wording": _wording_engine(wording)}
    session.add(
        AssessmentResult(
            interview_id=interview.id,
            overall_score=results.overall_score,
            skill_results=[r.model_dump(mode="json") for r in results.skill_results],
            strengths=results.strengths,
            growth_areas=results.growth_areas,
            insufficient_evidence=results.insufficient_evidence,
            recommendation=results.recommendation,
            integrity_flags=results.integrity_flags,
            coverage=results.coverage.model_dump(),
            confidence=results.confidence,
            review_reasons=results.review_reasons,
            evaluator_version=results.evaluator_version,
            produced_by=produced,
            generated_at=now,
            engine=_engine_of(produced, interview.ai_provider),
            model=interview.ai_model_used,
        )
    )
    closing = InterviewMessage(
        id=uuid.uuid4(),
        interview_id=interview.id,
        sequence_number=sequence_number,
        message_type=MessageType.ai_closing,
        content_text=CLOSING_TEXT,
        meta={"stop_reason": reason, "results_wording": wording},
        created_at=now,
    )
    session.add(closing)
    interview.status = InterviewStatus.completed
    interview.completed_at = now
    started = interview.started_at or now
    interview.duration_seconds = int((now - started).total_seconds())
    row.last_activity_at = now
    if interview.application_id is not None:
        application = await session.get(Application, interview.application_id)
        if application is not None and application.status in (
            ApplicationStatus.interview_scheduled,
            ApplicationStatus.interview_in_progress,
        ):
            previous = application.status
            application.status = ApplicationStatus.interview_completed
            await events.application_status_changed(session, application, previous)
        # The candidate's email goes out with this transaction, or not at all.
        await notifications.interview_completed(session, interview)
    await session.flush()
    await events.interview_completed(session, interview, results)
    return closing


def _wording_engine(wording: dict[str, object]) -> str:
    if wording.get("provider") in (None, BUILTIN) or wording.get("skipped"):
        return BUILTIN
    return BUILTIN if wording.get("fallback") else str(wording["provider"])


def _engine_of(produced: dict[str, Any], provider: str) -> str:
    """Which engine produced the results: the model, the built-in engine, or both."""
    by_model = sum(n for judge, n in produced["evaluations"].items() if judge != BUILTIN)
    by_builtin = produced["evaluations"].get(BUILTIN, 0)
    if by_model == 0 and produced["wording"] == BUILTIN:
        return BUILTIN
    if by_builtin == 0:
        return provider
    return f"{provider}+{BUILTIN}"


async def finish_by_candidate(
    session: AsyncSession, user: User, interview_id: uuid.UUID, settings: Settings
) -> Interview:
    """POST /complete: idempotent; a completed interview is returned as it is.

    With a language model the results are worded with no transaction open, as answers
    are (see ``answers``); if an answer was taken meanwhile they are built again.
    """
    reason = "completed_by_candidate"
    interview = await owned_interview(session, user, interview_id, settings)
    if interview.status is InterviewStatus.completed:
        return interview
    provider = ai.provider_for(settings)
    if ai.uses_model(provider):
        state = repository.engine_state(require_in_progress(interview))
        sequence = await repository.last_sequence(session, interview.id)
        results = results_for(
            interview, state, await repository.answer_records(session, interview.id), settings
        )
        await commit_before_slow_call(session)  # the model words the results
        worded, wording, reply = await ai.word_results(
            provider,
            settings,
            interview,
            state,
            results,
            job=interview.job_posting,
            deadline=ai.turn_deadline(settings),
        )
        # Reloaded whole: if an answer came in meanwhile, the results are built again
        # from the state as it is now.
        interview = await owned_interview(session, user, interview_id, settings)
        if reply is not None:
            ai.record_usage(interview, reply, settings)
        if interview.status is InterviewStatus.completed:
            return interview  # the last answer, taken meanwhile, completed it
        if await repository.last_sequence(session, interview.id) == sequence:
            row = require_in_progress(interview)
            closing_number = sequence + 1
            await write_completion(
                session,
                interview,
                row,
                worded,
                wording,
                reason=reason,
                sequence_number=closing_number,
            )
            return interview
    await complete_interview(session, interview, settings, reason=reason)
    return interview


async def abandon(
    session: AsyncSession, user: User, interview_id: uuid.UUID, settings: Settings
) -> Interview:
    interview = await owned_interview(session, user, interview_id, settings)
    if interview.status is InterviewStatus.completed:
        raise Conflict("Interview is already completed", code="interview_completed")
    interview.status = InterviewStatus.abandoned
    await session.flush()
    return interview

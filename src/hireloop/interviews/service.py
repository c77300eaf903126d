"""The interview conversation: answers, follow-ups, completion, access and reads.

Answers to one interview are processed strictly one at a time: the interview row is
locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite transactions begin IMMEDIATE),
so sequence numbers stay contiguous across concurrent requests and server processes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from hireloop.applications.models import Application, ApplicationStatus
from hireloop.auth.models import User, UserRole
from hireloop.config import Settings
from hireloop.db import utcnow
from hireloop.engine.knowledge import get_knowledge
from hireloop.engine.loop import AdaptiveLoop, EngineState, LoopConfig
from hireloop.engine.planner import skill_questions
from hireloop.engine.providers import TranscriptEntry
from hireloop.engine.results import AnswerRecord, build_results
from hireloop.engine.schema import Question
from hireloop.engine.state import QuestionTurn
from hireloop.errors import Conflict, Forbidden, NotFound
from hireloop.interviews import ai
from hireloop.interviews.models import (
    AssessmentResult,
    Interview,
    InterviewMessage,
    InterviewSession,
    InterviewStatus,
    MessageType,
)

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


def engine_state(row: InterviewSession) -> EngineState:
    return EngineState.model_validate(row, from_attributes=True)


def store_engine_state(row: InterviewSession, state: EngineState) -> None:
    dumped = state.model_dump(mode="json")
    for field in EngineState.model_fields:
        setattr(row, field, dumped[field])


def can_read(interview: Interview, user: User) -> bool:
    if user.role is UserRole.admin or interview.candidate_id == user.id:
        return True
    job = interview.job_posting
    return user.role is UserRole.recruiter and job is not None and job.owner_id == user.id


async def load_interview(
    session: AsyncSession, interview_id: uuid.UUID, *, for_update: bool = False
) -> Interview:
    stmt = (
        select(Interview)
        .where(Interview.id == interview_id)
        .options(joinedload(Interview.session), joinedload(Interview.job_posting))
    )
    if for_update:
        stmt = stmt.with_for_update(of=Interview).execution_options(populate_existing=True)
    interview = await session.scalar(stmt)
    if interview is None:
        raise NotFound(f"Interview {interview_id} not found")
    return interview


async def readable_interview(
    session: AsyncSession, user: User, interview_id: uuid.UUID, settings: Settings
) -> Interview:
    interview = await load_interview(session, interview_id)
    if not can_read(interview, user):
        raise Forbidden(NOT_AUTHORIZED)
    expire_if_idle(interview, settings, utcnow())
    return interview


async def owned_interview_for_update(
    session: AsyncSession, user: User, interview_id: uuid.UUID, settings: Settings
) -> Interview:
    interview = await load_interview(session, interview_id, for_update=True)
    if interview.candidate_id != user.id:
        raise Forbidden(NOT_AUTHORIZED)
    expire_if_idle(interview, settings, utcnow())
    return interview


def expire_if_idle(interview: Interview, settings: Settings, now: datetime) -> None:
    """Interviews left untouched past the idle limit become abandoned (checked lazily)."""
    row = interview.session
    if interview.status is not InterviewStatus.in_progress or row is None:
        return
    if now - row.last_activity_at > timedelta(minutes=settings.idle_abandon_minutes):
        interview.status = InterviewStatus.abandoned


def _require_in_progress(interview: Interview) -> InterviewSession:
    if interview.status is not InterviewStatus.in_progress or interview.session is None:
        raise Conflict(f"Interview is not in progress (status: {interview.status.value})")
    return interview.session


def current_question(state: EngineState) -> Question:
    cursor = state.cursor
    assert cursor.skill_id is not None and cursor.question_id is not None
    planned = state.skill(cursor.skill_id)
    for question in skill_questions(get_knowledge(), planned):
        if question.id == cursor.question_id:
            return question
    raise LookupError(f"question {cursor.question_id} is not in the knowledge packs")


async def _last_sequence(session: AsyncSession, interview_id: uuid.UUID) -> int:
    last = await session.scalar(
        select(func.max(InterviewMessage.sequence_number)).where(
            InterviewMessage.interview_id == interview_id
        )
    )
    return int(last or 0)


async def _message_at(
    session: AsyncSession, interview_id: uuid.UUID, sequence_number: int
) -> InterviewMessage | None:
    return await session.scalar(
        select(InterviewMessage).where(
            InterviewMessage.interview_id == interview_id,
            InterviewMessage.sequence_number == sequence_number,
        )
    )


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


async def submit_answer(
    session: AsyncSession,
    user: User,
    interview_id: uuid.UUID,
    content: str,
    idempotency_key: str | None,
    settings: Settings,
) -> TurnResult:
    interview = await owned_interview_for_update(session, user, interview_id, settings)
    if idempotency_key is not None:
        previous = await session.scalar(
            select(InterviewMessage).where(
                InterviewMessage.interview_id == interview.id,
                InterviewMessage.idempotency_key == idempotency_key,
            )
        )
        if previous is not None:  # a client retry: replay the stored turn, add nothing
            reply = await _message_at(session, interview.id, previous.sequence_number + 1)
            assert interview.session is not None
            return TurnResult(interview, interview.session, previous, reply)
    row = _require_in_progress(interview)
    state = engine_state(row)
    loop = loop_for(settings)
    now = utcnow()
    question = current_question(state)
    sequence = await _last_sequence(session, interview.id)
    # The model (if one is configured) words and evaluates; the loop still decides.
    provider = ai.provider_for(settings)
    recent = await ai.recent_transcript(session, interview.id) if ai.uses_model(provider) else []
    evaluated = await ai.evaluate(
        session, provider, settings, interview, state, question, content, recent
    )
    evaluation = evaluated.value
    answer = InterviewMessage(
        id=uuid.uuid4(),
        interview_id=interview.id,
        sequence_number=sequence + 1,
        message_type=MessageType.candidate_response,
        content_text=content,
        meta={
            "skill_area": state.cursor.skill_id,
            "question_id": question.id,
            "question_message_id": state.cursor.question_message_id,
            "is_followup_answer": state.cursor.followup_asked,
            "evaluation": evaluation.model_dump(mode="json"),
            "engine": evaluated.answered_by,
            **evaluated.metadata(),
        },
        idempotency_key=idempotency_key,
        created_at=now,
    )
    session.add(answer)
    followup_due = loop.record_answer(state, evaluation, answer_message_id=str(answer.id), now=now)
    if followup_due:
        state.cursor.followup_of_message_id = str(answer.id)
        turn: QuestionTurn | None = loop.followup(state, question)
        stop = None
    else:
        state.cursor.followup_of_message_id = None
        stop = loop.stop_reason(state, started_at=interview.started_at or now, now=now)
        turn = None if stop else loop.next_question(state, seed=str(interview.id), now=now)
    if turn is not None:
        turn, ai_meta = await ai.word_question(
            provider,
            settings,
            interview,
            state,
            turn,
            current_question(state),
            job=interview.job_posting,
            transcript=[*recent, TranscriptEntry(speaker="candidate", text=content)][
                -ai.TRANSCRIPT_MESSAGES :
            ],
        )
        reply = question_message(interview.id, sequence + 2, turn, now, ai_meta)
        state.cursor.question_message_id = str(reply.id)
        session.add(reply)
        store_engine_state(row, state)
        row.last_activity_at = now
        await session.flush()
        return TurnResult(interview, row, answer, reply)
    store_engine_state(row, state)
    await session.flush()
    closing = await complete_interview(session, interview, settings, reason=stop or "nothing_left")
    return TurnResult(interview, row, answer, closing)


async def complete_interview(
    session: AsyncSession, interview: Interview, settings: Settings, *, reason: str
) -> InterviewMessage:
    """Close the transcript, store the results and move the application on."""
    row = _require_in_progress(interview)
    now = utcnow()
    state = engine_state(row)
    messages = await session.scalars(
        select(InterviewMessage).where(
            InterviewMessage.interview_id == interview.id,
            InterviewMessage.message_type == MessageType.candidate_response,
        )
    )
    answers = {
        str(m.id): AnswerRecord(str(m.id), m.content_text, m.meta.get("evaluation", {}))
        for m in messages
    }
    job = interview.job_posting
    results = build_results(state, answers, job.experience_level.value if job else None)
    # A model may word strengths and growth areas; scores and levels stay the engine's.
    results, wording = await ai.word_results(
        ai.provider_for(settings), settings, interview, state, results, job=job
    )
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
            generated_at=now,
            engine=interview.ai_provider,
            model=interview.ai_model_used,
        )
    )
    closing = InterviewMessage(
        id=uuid.uuid4(),
        interview_id=interview.id,
        sequence_number=await _last_sequence(session, interview.id) + 1,
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
            application.status = ApplicationStatus.interview_completed
    await session.flush()
    return closing


async def finish_by_candidate(
    session: AsyncSession, user: User, interview_id: uuid.UUID, settings: Settings
) -> Interview:
    """POST /complete: idempotent; a completed interview is returned as it is."""
    interview = await owned_interview_for_update(session, user, interview_id, settings)
    if interview.status is InterviewStatus.completed:
        return interview
    await complete_interview(session, interview, settings, reason="completed_by_candidate")
    return interview


async def abandon(
    session: AsyncSession, user: User, interview_id: uuid.UUID, settings: Settings
) -> Interview:
    interview = await owned_interview_for_update(session, user, interview_id, settings)
    if interview.status is InterviewStatus.completed:
        raise Conflict("Interview is already completed")
    interview.status = InterviewStatus.abandoned
    await session.flush()
    return interview

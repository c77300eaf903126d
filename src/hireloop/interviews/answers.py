"""One turn of the interview: the candidate answers the open question (SPEC §4).

The adaptive loop decides what follows; the configured provider evaluates the answer and
words what the loop chose. Each turn is written under the interview's lock (``SELECT …
FOR UPDATE`` on PostgreSQL; SQLite transactions begin IMMEDIATE), so answers to one
interview are taken one at a time and sequence numbers stay contiguous across requests
and server processes.

A language model's calls can take seconds, so with a model the turn holds no transaction
while they run: it reads what it needs under the lock, commits (which releases the lock,
and on SQLite the write lock of the whole database, so other people's requests do not
wait on this model call), calls the model, then locks the interview again and writes only
if no other answer was accepted meanwhile (409 otherwise). With the built-in engine a
turn is one short transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.auth.models import User
from hireloop.config import Settings
from hireloop.db import commit_before_slow_call, utcnow
from hireloop.engine.providers import (
    InterviewProvider,
    ProviderReply,
    QuestionStream,
    ResumeSummary,
    TranscriptEntry,
)
from hireloop.engine.results import AnswerRecord, ResultsData
from hireloop.engine.state import EngineState, QuestionTurn
from hireloop.errors import Conflict
from hireloop.interviews import ai
from hireloop.interviews.models import (
    Interview,
    InterviewMessage,
    InterviewStatus,
    MessageType,
)
from hireloop.interviews.repository import (
    answer_record,
    answer_records,
    engine_state,
    last_sequence,
    message_at,
    message_with_key,
    relock_interview,
    store_engine_state,
)
from hireloop.interviews.service import (
    TurnResult,
    current_question,
    loop_for,
    not_current,
    owned_interview,
    question_message,
    require_in_progress,
    results_for,
    write_completion,
)

ANSWERED_MEANWHILE = (
    "Another answer to this question was accepted first. "
    "Reload the interview to see the current question."
)


@dataclass
class _Turn:
    """What one answer leads to, decided before anything is written."""

    answer: InterviewMessage
    state: EngineState
    next_question: QuestionTurn | None = None
    next_question_meta: dict[str, object] = field(default_factory=dict)
    stop: str | None = None
    results: ResultsData | None = None
    results_wording: dict[str, object] = field(default_factory=dict)
    replies: list[ProviderReply[Any]] = field(default_factory=list)


async def submit_answer(
    session: AsyncSession,
    user: User,
    interview_id: uuid.UUID,
    content: str,
    idempotency_key: str | None,
    settings: Settings,
    stream: QuestionStream | None = None,
    *,
    question_id: uuid.UUID | None = None,
    answer_meta: dict[str, Any] | None = None,
) -> TurnResult:
    """Take the answer to the open question; return it with the next question, or with
    the closing message when the interview ends. ``stream`` sees the next question word by
    word while it is worded (before the turn is written). ``answer_meta`` is stored with
    the answer (e.g. that it was spoken, and whether its transcript was edited)."""
    interview = await owned_interview(session, user, interview_id, settings)
    opened = await _open_turn(session, interview, idempotency_key, question_id)
    if isinstance(opened, TurnResult):
        return opened
    state = opened
    provider = ai.provider_for(settings)
    with_model = ai.uses_model(provider)
    sequence = await last_sequence(session, interview.id)
    inputs = _TurnInputs(
        provider=provider,
        settings=settings,
        interview=interview,
        state=state,
        content=content,
        idempotency_key=idempotency_key,
        sequence=sequence,
        recent=await ai.recent_transcript(session, interview.id) if with_model else [],
        original_answer=await ai.followed_up_answer(session, state),
        resume=await ai.resume_summary(session, interview) if with_model else None,
        deadline=ai.turn_deadline(settings),
        stream=stream,
        answer_meta=answer_meta or {},
    )
    if with_model:
        await commit_before_slow_call(session)  # the model judges and words next
    turn = await _decide(inputs)
    if turn.stop is not None:
        earlier = await answer_records(session, interview.id)
        if with_model:
            await commit_before_slow_call(session)  # the model words the results
        results = results_for(
            interview, turn.state, {**earlier, **_as_record(turn.answer)}, settings
        )
        worded, turn.results_wording, reply = await ai.word_results(
            provider,
            settings,
            interview,
            turn.state,
            results,
            job=interview.job_posting,
            deadline=inputs.deadline,
        )
        turn.results = worded
        turn.replies += [reply] if reply is not None else []
    if with_model:
        # Locked again. The session state read before is still current unless another
        # turn was written meanwhile, which the sequence check below refuses.
        await relock_interview(session, interview)
        # Whatever happened meanwhile, the model's calls cost what they cost: they count.
        _record_usage(interview, turn, settings)
        replayed = await _replay(session, interview, idempotency_key)  # a retry won the race
        if replayed is not None:
            return replayed
        ended = interview.status is not InterviewStatus.in_progress
        if ended or await last_sequence(session, interview.id) != sequence:
            await session.commit()  # keeps the usage; the answer is refused
            require_in_progress(interview)  # its own 409 when the interview has ended
            raise Conflict(ANSWERED_MEANWHILE, code="answer_already_recorded")
    else:
        _record_usage(interview, turn, settings)
    return await _write(session, interview, turn, sequence)


async def check_answerable(
    session: AsyncSession,
    user: User,
    interview_id: uuid.UUID,
    idempotency_key: str | None,
    settings: Settings,
    question_id: uuid.UUID | None,
) -> None:
    """Refuse now what ``submit_answer`` would refuse at once (someone else's interview, an
    ended one, a question already answered), so a streamed turn can answer with a plain
    HTTP error before its stream begins. Nothing is written."""
    interview = await owned_interview(session, user, interview_id, settings, for_update=False)
    await _open_turn(session, interview, idempotency_key, question_id)


async def _open_turn(
    session: AsyncSession,
    interview: Interview,
    idempotency_key: str | None,
    question_id: uuid.UUID | None,
) -> TurnResult | EngineState:
    """The stored turn when this is a retry; otherwise the engine's state, once the answer
    is known to be for the open question of an interview in progress."""
    replayed = await _replay(session, interview, idempotency_key)
    if replayed is not None:
        return replayed
    state = engine_state(require_in_progress(interview))
    if question_id is not None and str(question_id) != state.cursor.question_message_id:
        raise await not_current(session, interview.id, state)
    return state


async def _replay(
    session: AsyncSession, interview: Interview, idempotency_key: str | None
) -> TurnResult | None:
    """A client's retry of an answer already taken: the stored turn, nothing added."""
    if idempotency_key is None:
        return None
    previous = await message_with_key(session, interview.id, idempotency_key)
    if previous is None:
        return None
    reply = await message_at(session, interview.id, previous.sequence_number + 1)
    assert interview.session is not None
    return TurnResult(interview, interview.session, previous, reply)


@dataclass(frozen=True)
class _TurnInputs:
    """Everything a turn decides from, read under the interview's lock."""

    provider: InterviewProvider
    settings: Settings
    interview: Interview
    state: EngineState
    content: str
    idempotency_key: str | None
    sequence: int
    recent: list[TranscriptEntry]
    original_answer: str | None  # the answer a follow-up follows up
    resume: ResumeSummary | None
    deadline: float  # when the turn's model calls must be done (time.monotonic())
    stream: QuestionStream | None  # where the next question is shown as it is worded
    answer_meta: dict[str, Any]  # stored with the answer as given


async def _decide(inputs: _TurnInputs) -> _Turn:
    """Evaluate the answer and let the loop choose what follows; no database access."""
    provider, settings, interview, state = (
        inputs.provider,
        inputs.settings,
        inputs.interview,
        inputs.state,
    )
    content, sequence, recent = inputs.content, inputs.sequence, inputs.recent
    loop = loop_for(settings)
    now = utcnow()
    question = current_question(state)
    evaluated = await ai.evaluate(
        provider,
        settings,
        interview,
        state,
        question,
        content,
        recent,
        inputs.original_answer,
        resume=inputs.resume,
        deadline=inputs.deadline,
    )
    answer_id = uuid.uuid4()
    evaluation = evaluated.value.for_messages(str(answer_id), state.cursor.followup_of_message_id)
    answer = InterviewMessage(
        id=answer_id,
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
            **inputs.answer_meta,
        },
        idempotency_key=inputs.idempotency_key,
        created_at=now,
    )
    turn = _Turn(answer=answer, state=state, replies=[evaluated])
    started_at = interview.started_at or now
    wants_followup = loop.record_answer(
        state, evaluation, answer_message_id=str(answer.id), now=now
    )
    # Once time is up the answer is the last one, as the page's countdown told the
    # candidate: no follow-up, however thin it was.
    if wants_followup and not loop.time_is_up(started_at=started_at, now=now):
        state.cursor.followup_of_message_id = str(answer.id)
        following: QuestionTurn | None = loop.followup(state, question)
    else:
        state.cursor.followup_of_message_id = None
        turn.stop = loop.stop_reason(state, started_at=started_at, now=now)
        following = (
            None if turn.stop else loop.next_question(state, seed=str(interview.id), now=now)
        )
        if following is None and turn.stop is None:
            turn.stop = "nothing_left"
    if following is not None:
        worded, reply = await ai.word_question(
            provider,
            settings,
            interview,
            state,
            following,
            current_question(state),
            job=interview.job_posting,
            resume=inputs.resume,
            deadline=inputs.deadline,
            stream=inputs.stream,
            transcript=[*recent, TranscriptEntry(speaker="candidate", text=content)][
                -ai.TRANSCRIPT_MESSAGES :
            ],
        )
        turn.next_question, turn.next_question_meta = worded, reply.metadata()
        turn.replies.append(reply)
    return turn


def _as_record(answer: InterviewMessage) -> dict[str, AnswerRecord]:
    return {str(answer.id): answer_record(answer)}


def _record_usage(interview: Interview, turn: _Turn, settings: Settings) -> None:
    for reply in turn.replies:
        ai.record_usage(interview, reply, settings)


async def _write(
    session: AsyncSession, interview: Interview, turn: _Turn, sequence: int
) -> TurnResult:
    """Store the answer and what follows it, under the interview's lock."""
    row = require_in_progress(interview)
    session.add(turn.answer)
    if turn.next_question is not None:
        reply = question_message(
            interview.id,
            sequence + 2,
            turn.next_question,
            turn.answer.created_at,
            turn.next_question_meta,
        )
        turn.state.cursor.question_message_id = str(reply.id)
        session.add(reply)
        store_engine_state(row, turn.state)
        row.last_activity_at = turn.answer.created_at
        await session.flush()
        return TurnResult(interview, row, turn.answer, reply)
    assert turn.results is not None and turn.stop is not None
    store_engine_state(row, turn.state)
    closing = await write_completion(
        session,
        interview,
        row,
        turn.results,
        turn.results_wording,
        reason=turn.stop,
        sequence_number=sequence + 2,
    )
    return TurnResult(interview, row, turn.answer, closing)

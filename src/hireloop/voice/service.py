"""Voice answers: a recording becomes a transcript the candidate confirms (or corrects),
and the confirmed text is the answer, taken by the same turn as a typed one.

Nothing about the interview changes until the transcript is confirmed: a failed upload,
a bad recording or a speech server that is down leaves the question open, to be
recorded again or typed. Audio files follow their transaction (removed if the row is
not written; removed after the commit that drops them).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from starlette.datastructures import UploadFile

from hireloop.auth.models import User
from hireloop.config import Settings
from hireloop.db import commit_before_slow_call, on_outcome, utcnow
from hireloop.errors import Forbidden, NotFound
from hireloop.interviews import answers, repository
from hireloop.interviews.models import AnswerMode, Interview, MessageType
from hireloop.interviews.service import (
    NOT_AUTHORIZED,
    TurnResult,
    not_current,
    owned_interview,
    readable_interview,
    require_in_progress,
)
from hireloop.jobs.models import JobPosting
from hireloop.voice.audio import TRY_AGAIN, AudioRejected, AudioTooLarge, inspect_audio
from hireloop.voice.models import VoiceAnswer
from hireloop.voice.provider import VoiceNotOffered, speech_provider
from hireloop.voice.storage import AudioStorage

log = structlog.get_logger(__name__)

_READ_CHUNK = 64 * 1024


def voice_offered(settings: Settings, job: JobPosting | None) -> bool:
    """Voice is offered when a speech server is configured and the job allows it."""
    return settings.speech_enabled and (job is None or job.voice_allowed)


def require_voice(settings: Settings, interview: Interview) -> None:
    if not settings.speech_enabled:
        speech_provider(settings)  # raises the plain "not available here" 409
    if not voice_offered(settings, interview.job_posting):
        raise VoiceNotOffered(
            "This job takes typed answers only. Type your answer instead.",
            code="voice_not_allowed",
        )


async def read_recording(upload: UploadFile, limit: int) -> bytes:
    """The upload's bytes; 413 as soon as it is larger than ``limit``."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await upload.read(_READ_CHUNK):
        size += len(chunk)
        if size > limit:
            raise AudioTooLarge(
                f"The recording is larger than {limit // 1024} KB. "
                "Give a shorter answer, or type it instead."
            )
        chunks.append(chunk)
    return b"".join(chunks)


async def transcribe_upload(
    session: AsyncSession,
    user: User,
    interview_id: uuid.UUID,
    settings: Settings,
    audio: UploadFile,
    *,
    question_id: uuid.UUID | None,
) -> VoiceAnswer:
    """An uploaded recording (API or page), read within the size limit and transcribed."""
    data = await read_recording(audio, settings.speech_max_bytes)
    return await transcribe_answer(
        session,
        user,
        interview_id,
        settings,
        data=data,
        content_type=audio.content_type,
        question_id=question_id,
    )


async def transcribe_answer(
    session: AsyncSession,
    user: User,
    interview_id: uuid.UUID,
    settings: Settings,
    *,
    data: bytes,
    content_type: str | None,
    question_id: uuid.UUID | None,
) -> VoiceAnswer:
    """Check and transcribe a recorded answer to the open question; keep it as a draft."""
    interview = await owned_interview(session, user, interview_id, settings, for_update=False)
    state = repository.engine_state(require_in_progress(interview))
    require_voice(settings, interview)
    open_id = state.cursor.question_message_id
    if question_id is not None and str(question_id) != open_id:
        raise await not_current(session, interview.id, state)
    assert open_id is not None
    # Reading a large file's frames takes a while in Python: off the event loop.
    info = await asyncio.to_thread(
        inspect_audio,
        data,
        content_type,
        max_bytes=settings.speech_max_bytes,
        max_seconds=settings.speech_max_seconds,
    )
    provider = speech_provider(settings)
    await commit_before_slow_call(session)  # the speech server may take seconds
    transcript = await provider.transcribe(
        data, f"answer.{info.kind.extension}", info.kind.content_type
    )
    if not transcript.text:
        raise AudioRejected(
            f"No speech was heard in the recording. {TRY_AGAIN}", code="audio_silent"
        )
    storage = AudioStorage.of(settings)
    key = await storage.save(data, info.kind)
    on_outcome(session, rolled_back=lambda: storage.delete_now(key))
    draft = VoiceAnswer(
        id=uuid.uuid4(),
        interview_id=interview.id,
        question_message_id=uuid.UUID(open_id),
        transcript=transcript.text,
        content_type=info.kind.content_type,
        size=len(data),
        duration_seconds=info.duration_seconds,
        storage_key=key,
    )
    session.add(draft)
    if interview.answer_mode is not AnswerMode.voice:
        interview.answer_mode = AnswerMode.voice
    await session.flush()
    log.info(
        "voice_answer_transcribed",
        interview_id=str(interview.id),
        kind=info.kind.value,
        size=len(data),
        speech_seconds=round(transcript.seconds, 3),
    )
    return draft


async def confirm_answer(
    session: AsyncSession,
    user: User,
    interview_id: uuid.UUID,
    voice_answer_id: uuid.UUID,
    content: str,
    settings: Settings,
) -> TurnResult:
    """The confirmed (possibly corrected) transcript as the answer to its question.

    A repeated confirmation returns the turn it made (the idempotency key is the voice
    answer's id), so a client may safely retry after a lost response.
    """
    draft = await _draft_of(session, user, interview_id, voice_answer_id)
    edited = _normalised(content) != _normalised(draft.transcript)
    turn = await answers.submit_answer(
        session,
        user,
        interview_id,
        content,
        f"voice:{voice_answer_id}",
        settings,
        question_id=draft.question_message_id,
        answer_meta={
            "input": "voice",
            "transcript_edited": edited,
            "voice_answer_id": str(voice_answer_id),
        },
    )
    await session.refresh(draft)  # the turn may have committed meanwhile (a model call)
    if draft.confirmed_at is None:
        _keep_or_delete(session, draft, settings, turn, edited)
        await session.flush()
    return turn


def _keep_or_delete(
    session: AsyncSession, draft: VoiceAnswer, settings: Settings, turn: TurnResult, edited: bool
) -> None:
    now = utcnow()
    draft.answer_message_id = turn.answer.id
    draft.confirmed_at = now
    draft.edited = edited
    if settings.speech_keep_audio_days and draft.storage_key:
        draft.keep_until = now + timedelta(days=settings.speech_keep_audio_days)
        return
    key = draft.storage_key
    draft.storage_key = None
    if key:
        storage = AudioStorage.of(settings)
        on_outcome(session, committed=lambda: storage.delete_now(key))


async def choose_mode(
    session: AsyncSession, interview: Interview, wanted: AnswerMode, settings: Settings
) -> None:
    """The mode chosen at the start: voice when offered, typing otherwise."""
    if wanted is not AnswerMode.voice or not settings.speech_enabled:
        return
    # The start may write its rows outside the unit of work (write_together) and may not
    # carry the posting loaded: read the posting, and write the mode with a statement.
    job = (
        await session.get(JobPosting, interview.job_posting_id)
        if interview.job_posting_id
        else None
    )
    if voice_offered(settings, job) and interview.answer_mode is not AnswerMode.voice:
        await session.execute(
            update(Interview)
            .where(Interview.id == interview.id)
            .values(answer_mode=AnswerMode.voice)
            .execution_options(synchronize_session=False)
        )
        set_committed_value(interview, "answer_mode", AnswerMode.voice)


async def switch_mode(
    session: AsyncSession,
    user: User,
    interview_id: uuid.UUID,
    mode: AnswerMode,
    settings: Settings,
) -> Interview:
    """Answer by voice or by typing from now on (typing is always possible)."""
    interview = await owned_interview(session, user, interview_id, settings)
    if mode is AnswerMode.voice:
        require_voice(settings, interview)
    if interview.answer_mode is not mode:
        interview.answer_mode = mode
        await session.flush()
    return interview


async def question_audio(
    session: AsyncSession,
    user: User,
    interview_id: uuid.UUID,
    message_id: uuid.UUID,
    settings: Settings,
) -> AsyncIterator[bytes]:
    """A question spoken, streamed as the speech server produces it.

    The first chunk is awaited here, so a server that fails to start is a 503 answer
    rather than a broken stream.
    """
    interview = await readable_interview(session, user, interview_id)
    require_voice(settings, interview)
    message = await repository.message_by_id(session, str(message_id))
    if (
        message is None
        or message.interview_id != interview.id
        or message.message_type is MessageType.candidate_response
    ):
        raise NotFound(f"Question {message_id} not found in this interview")
    text = message.content_text
    await session.commit()  # no transaction stays open while the audio streams
    chunks = speech_provider(settings).speak(text)
    first = await anext(chunks, b"")
    return _prepend(first, chunks)


async def _prepend(first: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    if first:
        yield first
    async for chunk in rest:
        yield chunk


async def recording(
    session: AsyncSession,
    user: User,
    interview_id: uuid.UUID,
    voice_answer_id: uuid.UUID,
    settings: Settings,
) -> tuple[bytes, str]:
    """A kept recording, for the candidate or the job's recruiter (404 once deleted)."""
    interview = await readable_interview(session, user, interview_id)
    draft = await session.get(VoiceAnswer, voice_answer_id)
    if draft is None or draft.interview_id != interview.id or draft.storage_key is None:
        raise NotFound("This recording is not kept")
    data = await AudioStorage.of(settings).read(draft.storage_key)
    if data is None:
        raise NotFound("This recording is not kept")
    return data, draft.content_type


async def voice_answers_of(session: AsyncSession, interview_id: uuid.UUID) -> list[VoiceAnswer]:
    """An interview's confirmed voice answers, oldest first."""
    return list(
        await session.scalars(
            select(VoiceAnswer)
            .where(VoiceAnswer.interview_id == interview_id, VoiceAnswer.confirmed_at.is_not(None))
            .order_by(VoiceAnswer.created_at)
        )
    )


async def _draft_of(
    session: AsyncSession, user: User, interview_id: uuid.UUID, voice_answer_id: uuid.UUID
) -> VoiceAnswer:
    interview = await readable_interview(session, user, interview_id)
    if interview.candidate_id != user.id:
        raise Forbidden(NOT_AUTHORIZED)
    draft = await session.get(VoiceAnswer, voice_answer_id)
    if draft is None or draft.interview_id != interview.id:
        raise NotFound(f"Voice answer {voice_answer_id} not found")
    return draft


def _normalised(text: str) -> str:
    return " ".join(text.split())

"""Voice answers over the API: record → transcript → confirm; questions spoken."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile
from fastapi.responses import StreamingResponse

from hireloop.auth.dependencies import CurrentUser
from hireloop.config import settings_of
from hireloop.db import SessionDep
from hireloop.errors import error_responses
from hireloop.interviews.router import turn_response
from hireloop.interviews.schemas import AnswerResponse, InterviewRead
from hireloop.ratelimit import limit_answers
from hireloop.voice import service
from hireloop.voice.provider import SPEECH_CONTENT_TYPE
from hireloop.voice.schemas import AnswerModeUpdate, VoiceAnswerConfirm, VoiceAnswerRead

router = APIRouter(prefix="/interviews", tags=["voice"])

_AUDIO_ERRORS = error_responses(401, 403, 404, 409, 413, 415, 422, 429, 503)


@router.post(
    "/{interview_id}/voice-answers",
    status_code=201,
    responses=_AUDIO_ERRORS,
    dependencies=[Depends(limit_answers)],  # the same limit as answers
)
async def upload_voice_answer(
    interview_id: uuid.UUID,
    audio: Annotated[
        UploadFile,
        File(description="the recording: WebM/Opus, Ogg, WAV, MP3, M4A or FLAC"),
    ],
    user: CurrentUser,
    session: SessionDep,
    request: Request,
    question_id: Annotated[uuid.UUID | None, Form()] = None,
) -> VoiceAnswerRead:
    """Record an answer to the current question; get its transcript to check.

    Nothing is answered yet: show the transcript, let the candidate correct it, then
    `POST …/voice-answers/{id}/confirm`. A refused recording leaves the question open, to
    be recorded again or typed: 422 `audio_empty` / `audio_silent` / `audio_truncated`,
    415 `audio_unsupported` (the file's bytes decide, not its declared type), 413
    `audio_too_long` (over `HIRELOOP_SPEECH_MAX_BYTES` or `…_MAX_SECONDS`), 503
    `speech_unavailable` (the speech server failed or timed out; `Retry-After`); 409
    `voice_not_offered` / `voice_not_allowed`, and as for typed answers.
    """
    settings = settings_of(request)
    draft = await service.transcribe_upload(
        session, user, interview_id, settings, audio, question_id=question_id
    )
    return VoiceAnswerRead.model_validate(draft)


@router.post(
    "/{interview_id}/voice-answers/{voice_answer_id}/confirm",
    responses=error_responses(401, 403, 404, 409, 422, 429),
    dependencies=[Depends(limit_answers)],
)
async def confirm_voice_answer(
    interview_id: uuid.UUID,
    voice_answer_id: uuid.UUID,
    data: VoiceAnswerConfirm,
    user: CurrentUser,
    session: SessionDep,
    request: Request,
) -> AnswerResponse:
    """Send the transcript (as corrected) as the answer; get the next question.

    The answer is judged on this text, exactly as a typed answer; the transcript records
    that it was spoken (`metadata.input = "voice"`) and whether it was edited
    (`metadata.transcript_edited`). Confirming again returns the same turn.
    """
    settings = settings_of(request)
    turn = await service.confirm_answer(
        session, user, interview_id, voice_answer_id, data.content, settings
    )
    return turn_response(turn, user, settings)


@router.get(
    "/{interview_id}/messages/{message_id}/speech",
    responses={
        **_AUDIO_ERRORS,
        200: {"content": {SPEECH_CONTENT_TYPE: {}}, "description": "the question, spoken (MP3)"},
    },
    dependencies=[Depends(limit_answers)],
    response_class=StreamingResponse,
)
async def question_speech(
    interview_id: uuid.UUID,
    message_id: uuid.UUID,
    user: CurrentUser,
    session: SessionDep,
    request: Request,
) -> StreamingResponse:
    """A question of the interview, spoken; streamed as the speech server makes it."""
    chunks = await service.question_audio(
        session, user, interview_id, message_id, settings_of(request)
    )
    return spoken(chunks)


def spoken(chunks: AsyncIterator[bytes]) -> StreamingResponse:
    """A question's speech streamed to the page or API client (it never changes)."""
    return StreamingResponse(
        chunks, media_type=SPEECH_CONTENT_TYPE, headers={"Cache-Control": "private, max-age=3600"}
    )


@router.get(
    "/{interview_id}/voice-answers/{voice_answer_id}/audio",
    responses={
        **error_responses(401, 403, 404, 422),
        200: {"content": {"audio/*": {}}, "description": "the recording as uploaded"},
    },
    response_class=Response,
)
async def voice_answer_audio(
    interview_id: uuid.UUID,
    voice_answer_id: uuid.UUID,
    user: CurrentUser,
    session: SessionDep,
    request: Request,
) -> Response:
    """A recorded answer, while it is kept (`HIRELOOP_SPEECH_KEEP_AUDIO_DAYS`): for the
    candidate and the job's recruiter. 404 once deleted."""
    data, content_type = await service.recording(
        session, user, interview_id, voice_answer_id, settings_of(request)
    )
    return Response(data, media_type=content_type, headers={"Cache-Control": "private, no-store"})


@router.put("/{interview_id}/answer-mode", responses=error_responses(401, 403, 404, 409, 422, 503))
async def set_answer_mode(
    interview_id: uuid.UUID,
    data: AnswerModeUpdate,
    user: CurrentUser,
    session: SessionDep,
    request: Request,
) -> InterviewRead:
    """Switch between voice and typing, before or during the interview (typing always
    works; voice needs a speech server and a job that allows it: 409 otherwise)."""
    interview = await service.switch_mode(
        session, user, interview_id, data.answer_mode, settings_of(request)
    )
    return InterviewRead.model_validate(interview)

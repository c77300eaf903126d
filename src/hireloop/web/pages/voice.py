"""The interview page's voice routes (session cookie + CSRF header, as the page's other
calls): the question spoken, a recording transcribed, a transcript confirmed, and the
switch between voice and typing. The rules are the API's (hireloop.voice.service)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from hireloop.config import settings_of
from hireloop.db import SessionDep
from hireloop.errors import InvalidInput
from hireloop.interviews.models import AnswerMode
from hireloop.interviews.schemas import ANSWER_MAX_CHARS
from hireloop.voice import service
from hireloop.voice.router import spoken
from hireloop.voice.schemas import VoiceAnswerConfirm
from hireloop.web.forms import read_form
from hireloop.web.pages.interviews import page_turn
from hireloop.web.rendering import PageRoute, redirect
from hireloop.web.session import AnswerLimited, CsrfChecked, PageUser

router = APIRouter(route_class=PageRoute, include_in_schema=False)
NO_STORE = {"Cache-Control": "no-store"}


@router.get(
    "/interviews/{interview_id}/questions/{message_id}/speech", dependencies=[AnswerLimited]
)
async def question_speech(
    interview_id: uuid.UUID,
    message_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    user: PageUser,
) -> Response:
    chunks = await service.question_audio(
        session, user, interview_id, message_id, settings_of(request)
    )
    return spoken(chunks)


@router.post("/interviews/{interview_id}/voice-answers", dependencies=[CsrfChecked, AnswerLimited])
async def transcribe(
    interview_id: uuid.UUID, request: Request, session: SessionDep, user: PageUser
) -> Response:
    settings = settings_of(request)
    form = await request.form()
    audio = form.get("audio")
    question = form.get("question_id")
    if audio is None or isinstance(audio, str):
        raise InvalidInput("Record an answer first.", code="audio_empty")
    try:
        question_id = uuid.UUID(question) if isinstance(question, str) and question else None
    except ValueError:
        raise InvalidInput("This page is out of date: reload it.") from None
    draft = await service.transcribe_upload(
        session, user, interview_id, settings, audio, question_id=question_id
    )
    return JSONResponse(
        {"id": str(draft.id), "transcript": draft.transcript}, status_code=201, headers=NO_STORE
    )


@router.post(
    "/interviews/{interview_id}/voice-answers/{voice_answer_id}/confirm",
    dependencies=[CsrfChecked, AnswerLimited],
)
async def confirm(
    interview_id: uuid.UUID,
    voice_answer_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    user: PageUser,
) -> Response:
    settings = settings_of(request)
    form = await read_form(request)
    try:
        data = VoiceAnswerConfirm(content=form.get("content", ""))
    except ValidationError:
        raise InvalidInput(
            f"Write an answer (up to {ANSWER_MAX_CHARS} characters) before sending."
        ) from None
    turn = await service.confirm_answer(
        session, user, interview_id, voice_answer_id, data.content, settings
    )
    return JSONResponse(page_turn(turn, interview_id, settings), headers=NO_STORE)


@router.post("/interviews/{interview_id}/answer-mode", dependencies=[CsrfChecked])
async def answer_mode(
    interview_id: uuid.UUID, request: Request, session: SessionDep, user: PageUser
) -> Response:
    form = await read_form(request)
    try:
        mode = AnswerMode(form.get("answer_mode", ""))
    except ValueError:
        raise InvalidInput("Choose voice or text.") from None
    await service.switch_mode(session, user, interview_id, mode, settings_of(request))
    if request.headers.get("X-Requested-With") == "fetch":
        return JSONResponse({"answer_mode": mode.value}, headers=NO_STORE)
    return redirect(f"/interviews/{interview_id}")


@router.get("/interviews/{interview_id}/voice-answers/{voice_answer_id}/audio")
async def recording(
    interview_id: uuid.UUID,
    voice_answer_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    user: PageUser,
) -> Response:
    """A kept recording, played from the transcript (the candidate, the job's recruiter)."""
    data, content_type = await service.recording(
        session, user, interview_id, voice_answer_id, settings_of(request)
    )
    return Response(data, media_type=content_type, headers={"Cache-Control": "private, no-store"})

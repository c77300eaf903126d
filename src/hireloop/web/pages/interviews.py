"""The interview page (chat, progress, answer, finish) and the results page."""

from __future__ import annotations

import json
import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from hireloop.applications import oversight
from hireloop.applications.schemas import HUMAN_REVIEW_MESSAGE_MAX
from hireloop.auth.models import User
from hireloop.config import Settings, settings_of
from hireloop.db import SessionDep, utcnow
from hireloop.engine.knowledge import get_knowledge
from hireloop.errors import Forbidden
from hireloop.interviews import answers, reads, repository, service
from hireloop.interviews.briefing import briefing_for, clock_for
from hireloop.interviews.models import Interview, InterviewStatus, MessageType
from hireloop.interviews.schemas import ANSWER_MAX_CHARS, AnswerCreate
from hireloop.interviews.service import NOT_AUTHORIZED, TurnResult
from hireloop.interviews.streaming import stream_turn
from hireloop.voice import service as voice
from hireloop.web.confirmation import ConfirmPage, finish_question, is_confirmed
from hireloop.web.forms import read_form
from hireloop.web.pages.privacy import consent_context, consent_needed
from hireloop.web.rendering import PageRoute, redirect, render
from hireloop.web.results_view import BAR_UNITS, flags_of, growth_of, skill_rows
from hireloop.web.session import AnswerLimited, CsrfChecked, PageUser

router = APIRouter(route_class=PageRoute, include_in_schema=False)
# Long enough for any interview: max_questions (≤ 50) questions, answers, follow-ups.
TRANSCRIPT_LIMIT = 200


def _wants_json(request: Request) -> bool:
    """The page's script submits answers with fetch and asks for JSON back."""
    return request.headers.get("X-Requested-With") == "fetch"


def role_name(role_type: str) -> str:
    role = get_knowledge().roles.get(role_type)
    return role.name if role else role_type


async def interview_context(
    request: Request, session: SessionDep, user: User, interview: Interview
) -> dict[str, Any]:
    settings = settings_of(request)
    _, messages = await reads.transcript(session, user, interview.id, 0, TRANSCRIPT_LIMIT)
    progress = (
        reads.progress_of(repository.engine_state(interview.session), settings)
        if interview.session
        else None
    )
    current = await repository.open_question(session, interview)
    return {
        "interview": interview,
        "role_name": role_name(interview.role_type),
        "job": interview.job_posting,
        "messages": messages,
        "current_question": current,
        "progress": progress,
        "is_candidate": interview.candidate_id == user.id,
        # The candidate can answer: the form, the finish button and the script are shown.
        "active": interview.candidate_id == user.id
        and interview.status is InterviewStatus.in_progress,
        "briefing": briefing_for(settings, interview.role_type, interview.job_posting)
        if interview.status is InterviewStatus.scheduled
        else None,
        "clock": clock_for(interview, settings, utcnow())
        if interview.status is InterviewStatus.in_progress
        else None,
        **consent_context(
            request,
            interview.status is InterviewStatus.scheduled
            and await consent_needed(request, session, user),
        ),
        "voice_offered": voice.voice_offered(settings, interview.job_posting),
        # Recordings kept for review, by voice answer id: played from the transcript.
        "kept_recordings": {
            str(kept.id): str(kept.id)
            for kept in await voice.voice_answers_of(session, interview.id)
            if kept.storage_key
        },
        "idempotency_key": str(uuid.uuid4()),
        "error": None,
        "draft": "",
    }


@router.get("/interviews/{interview_id}")
async def interview_page(
    interview_id: uuid.UUID, request: Request, session: SessionDep, user: PageUser
) -> Response:
    interview = await service.readable_interview(session, user, interview_id)
    if interview.status is InterviewStatus.completed:
        return redirect(f"/interviews/{interview.id}/results")
    context = await interview_context(request, session, user, interview)
    response = render(request, "interviews/interview.html", context)
    if context["voice_offered"] and context["active"]:
        # Only this page may use the microphone (every other page: none at all).
        response.headers["permissions-policy"] = MICROPHONE_HERE
    return response


MICROPHONE_HERE = "camera=(), microphone=(self), geolocation=()"


@router.post("/interviews/{interview_id}/answer", dependencies=[CsrfChecked, AnswerLimited])
async def answer(
    interview_id: uuid.UUID, request: Request, session: SessionDep, user: PageUser
) -> Response:
    form = await read_form(request)
    settings = settings_of(request)
    try:
        data = AnswerCreate.model_validate(
            {
                "content": form.get("content", ""),
                "question_id": form.get("question_id", ""),
                "idempotency_key": form.get("idempotency_key") or None,
            }
        )
    except ValidationError as error:
        fields = {str(e["loc"][0]) for e in error.errors() if e["loc"]}
        message = (
            "This page is out of date: reload it to see the current question."
            if fields == {"question_id"}
            else f"Write an answer (up to {ANSWER_MAX_CHARS} characters) before sending."
        )
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=422)
        interview = await service.readable_interview(session, user, interview_id)
        context = await interview_context(request, session, user, interview)
        context.update(error=message, draft=form.get("content", ""))
        return render(request, "interviews/interview.html", context, status_code=422)
    if "text/event-stream" in request.headers.get("accept", ""):
        return await stream_turn(
            request,
            session,
            user,
            interview_id,
            data,
            data.idempotency_key,
            settings,
            lambda result: json.dumps(page_turn(result, interview_id, settings)),
        )
    turn = await answers.submit_answer(
        session,
        user,
        interview_id,
        data.content,
        data.idempotency_key,
        settings,
        question_id=data.question_id,
    )
    if not _wants_json(request):
        done = turn.interview.status is InterviewStatus.completed
        return redirect(
            f"/interviews/{interview_id}/results" if done else f"/interviews/{interview_id}"
        )
    return JSONResponse(
        page_turn(turn, interview_id, settings), headers={"Cache-Control": "no-store"}
    )


def page_turn(turn: TurnResult, interview_id: uuid.UUID, settings: Settings) -> dict[str, Any]:
    """What the page's script needs after a turn."""
    progress = reads.progress_of(repository.engine_state(turn.state), settings)
    nxt = turn.next_message
    question = None
    if nxt is not None and nxt.message_type is MessageType.ai_question:
        question = {
            "id": str(nxt.id),
            "text": nxt.content_text,
            "skill_name": nxt.meta.get("skill_name", ""),
            "difficulty": nxt.meta.get("difficulty_level", ""),
        }
    return {
        "answer": {"id": str(turn.answer.id), "text": turn.answer.content_text},
        "next_question": question,
        "progress": progress.model_dump(mode="json"),
        "complete": turn.interview.status is InterviewStatus.completed,
        "results_url": f"/interviews/{interview_id}/results",
    }


@router.post("/interviews/{interview_id}/finish", dependencies=[CsrfChecked])
async def finish(
    interview_id: uuid.UUID, request: Request, session: SessionDep, user: PageUser
) -> Response:
    settings = settings_of(request)
    if not is_confirmed(await read_form(request)):
        interview = await service.readable_interview(session, user, interview_id)
        if interview.candidate_id != user.id:
            raise Forbidden(NOT_AUTHORIZED)
        if interview.status is InterviewStatus.in_progress and interview.session:
            # Posted without the dialog (no JavaScript): ask on a page of its own first.
            progress = reads.progress_of(repository.engine_state(interview.session), settings)
            question = finish_question(
                progress.question_number - 1, progress.max_questions, interview.job_posting
            )
            page = ConfirmPage(
                question,
                action_url=f"/interviews/{interview_id}/finish",
                cancel_url=f"/interviews/{interview_id}",
            )
            return render(request, "confirm.html", {"confirm": page})
    # Otherwise finishing is idempotent (completed) or refused (not under way).
    await service.finish_by_candidate(session, user, interview_id, settings)
    return redirect(f"/interviews/{interview_id}/results")


def results_context(interview: Interview, result: Any) -> dict[str, Any]:
    return {
        "interview": interview,
        "role_name": role_name(interview.role_type),
        "job": interview.job_posting,
        "result": result,
        "skills": skill_rows(result.skill_results),
        "bar_units": BAR_UNITS,
        "flags": flags_of(result),
        "growth": growth_of(result),
    }


@router.get("/interviews/{interview_id}/results")
async def results_page(
    interview_id: uuid.UUID, request: Request, session: SessionDep, user: PageUser
) -> Response:
    interview = await service.readable_interview(session, user, interview_id)
    if interview.status is InterviewStatus.in_progress:
        return redirect(f"/interviews/{interview.id}")
    result = await reads.results_of(session, user, interview, via="page")
    context = results_context(interview, result)
    # "What happens next" follows the application: reviewed, decided or withdrawn.
    application = await reads.application_of(session, interview)
    context["application"] = application
    # Human oversight: the candidate may ask for a person to review this result.
    context["human_review"] = (
        await oversight.request_of(session, application.id) if application else None
    )
    context["review_message_max"] = HUMAN_REVIEW_MESSAGE_MAX
    return render(request, "interviews/results.html", context)


@router.get("/interviews/{interview_id}/transcript")
async def transcript_page(
    interview_id: uuid.UUID, request: Request, session: SessionDep, user: PageUser
) -> Response:
    """The whole conversation, read-only (also after the interview has ended)."""
    interview = await service.readable_interview(session, user, interview_id)
    context = await interview_context(request, session, user, interview)
    return render(request, "interviews/interview.html", context)

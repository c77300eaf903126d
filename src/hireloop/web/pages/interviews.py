"""The interview page (chat, progress, answer, finish) and the results page."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from hireloop.auth.models import User
from hireloop.config import Settings
from hireloop.db import SessionDep
from hireloop.engine.knowledge import get_knowledge
from hireloop.interviews import answers, reads, service
from hireloop.interviews.models import Interview, InterviewStatus, MessageType
from hireloop.interviews.router import progress_of
from hireloop.interviews.schemas import AnswerCreate
from hireloop.web.charts import CHART, skill_bars
from hireloop.web.forms import read_form
from hireloop.web.rendering import PageRoute, redirect, render
from hireloop.web.session import AnswerLimited, CsrfChecked, PageUser

router = APIRouter(route_class=PageRoute, include_in_schema=False)
# Long enough for any interview: max_questions (≤ 50) questions, answers, follow-ups.
TRANSCRIPT_LIMIT = 200


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _wants_json(request: Request) -> bool:
    """The page's script submits answers with fetch and asks for JSON back."""
    return request.headers.get("X-Requested-With") == "fetch"


def role_name(role_type: str) -> str:
    role = get_knowledge().roles.get(role_type)
    return role.name if role else role_type


async def interview_context(
    request: Request, session: SessionDep, user: User, interview: Interview
) -> dict[str, Any]:
    settings = _settings(request)
    _, messages = await reads.transcript(session, user, interview.id, settings, 0, TRANSCRIPT_LIMIT)
    progress = (
        progress_of(service.engine_state(interview.session), settings)
        if interview.session
        else None
    )
    questions = [m for m in messages if m.message_type is MessageType.ai_question]
    return {
        "interview": interview,
        "role_name": role_name(interview.role_type),
        "job": interview.job_posting,
        "messages": messages,
        "current_question": questions[-1] if questions else None,
        "progress": progress,
        "is_candidate": interview.candidate_id == user.id,
        # The candidate can answer: the form, the finish button and the script are shown.
        "active": interview.candidate_id == user.id
        and interview.status is InterviewStatus.in_progress,
        "idempotency_key": str(uuid.uuid4()),
        "error": None,
        "draft": "",
    }


@router.get("/interviews/{interview_id}")
async def interview_page(
    interview_id: uuid.UUID, request: Request, session: SessionDep, user: PageUser
) -> Response:
    interview = await service.readable_interview(session, user, interview_id, _settings(request))
    if interview.status is InterviewStatus.completed:
        return redirect(f"/interviews/{interview.id}/results")
    context = await interview_context(request, session, user, interview)
    return render(request, "interviews/interview.html", context)


@router.post("/interviews/{interview_id}/answer", dependencies=[CsrfChecked, AnswerLimited])
async def answer(
    interview_id: uuid.UUID, request: Request, session: SessionDep, user: PageUser
) -> Response:
    form = await read_form(request)
    settings = _settings(request)
    try:
        data = AnswerCreate.model_validate(
            {
                "content": form.get("content", "").strip(),
                "idempotency_key": form.get("idempotency_key") or None,
            }
        )
    except ValidationError:
        message = "Write an answer (up to 5000 characters) before sending."
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=422)
        interview = await service.readable_interview(session, user, interview_id, settings)
        context = await interview_context(request, session, user, interview)
        context.update(error=message, draft=form.get("content", ""))
        return render(request, "interviews/interview.html", context, status_code=422)
    turn = await answers.submit_answer(
        session, user, interview_id, data.content, data.idempotency_key, settings
    )
    complete = turn.interview.status is InterviewStatus.completed
    results_url = f"/interviews/{interview_id}/results"
    if not _wants_json(request):
        return redirect(results_url if complete else f"/interviews/{interview_id}")
    progress = progress_of(service.engine_state(turn.state), settings)
    nxt = turn.next_message
    question = None
    if nxt is not None and nxt.message_type is MessageType.ai_question:
        question = {
            "id": str(nxt.id),
            "text": nxt.content_text,
            "skill_name": nxt.meta.get("skill_name", ""),
            "difficulty": nxt.meta.get("difficulty_level", ""),
        }
    return JSONResponse(
        {
            "answer": {"id": str(turn.answer.id), "text": turn.answer.content_text},
            "next_question": question,
            "progress": progress.model_dump(mode="json"),
            "complete": complete,
            "results_url": results_url,
        },
        headers={"Cache-Control": "no-store"},
    )


@router.post("/interviews/{interview_id}/finish", dependencies=[CsrfChecked])
async def finish(
    interview_id: uuid.UUID, request: Request, session: SessionDep, user: PageUser
) -> Response:
    await service.finish_by_candidate(session, user, interview_id, _settings(request))
    return redirect(f"/interviews/{interview_id}/results")


def results_context(interview: Interview, result: Any) -> dict[str, Any]:
    bars, height = skill_bars(result.skill_results)
    return {
        "interview": interview,
        "role_name": role_name(interview.role_type),
        "job": interview.job_posting,
        "result": result,
        "bars": bars,
        "chart": {**CHART, "height": height},
    }


@router.get("/interviews/{interview_id}/results")
async def results_page(
    interview_id: uuid.UUID, request: Request, session: SessionDep, user: PageUser
) -> Response:
    settings = _settings(request)
    interview = await service.readable_interview(session, user, interview_id, settings)
    if interview.status is InterviewStatus.in_progress:
        return redirect(f"/interviews/{interview.id}")
    interview, result = await reads.get_results(session, user, interview_id, settings)
    return render(request, "interviews/results.html", results_context(interview, result))


@router.get("/interviews/{interview_id}/transcript")
async def transcript_page(
    interview_id: uuid.UUID, request: Request, session: SessionDep, user: PageUser
) -> Response:
    """The whole conversation, read-only (also after the interview has ended)."""
    interview = await service.readable_interview(session, user, interview_id, _settings(request))
    context = await interview_context(request, session, user, interview)
    return render(request, "interviews/interview.html", context)

"""A candidate's own pages: applications (start, continue, withdraw) and practice."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from hireloop.applications import service as applications
from hireloop.config import settings_of
from hireloop.db import SessionDep
from hireloop.engine.knowledge import ROLE_TYPES, get_knowledge
from hireloop.errors import DomainError
from hireloop.interviews import reads as interviews
from hireloop.interviews import start
from hireloop.interviews.briefing import briefing_for
from hireloop.interviews.schemas import InterviewStartRequest
from hireloop.web.confirmation import ConfirmPage, is_confirmed, withdraw_question
from hireloop.web.forms import read_form
from hireloop.web.rendering import PageRoute, page_number, pager, redirect, render
from hireloop.web.session import CsrfChecked, PageUser, StartLimited

router = APIRouter(route_class=PageRoute, include_in_schema=False)
PAGE_SIZE = 20


def role_choices() -> list[tuple[str, str]]:
    roles = get_knowledge().roles
    return [
        (role_id, roles[role_id].name if role_id in roles else role_id) for role_id in ROLE_TYPES
    ]


@router.get("/applications")
async def my_applications(request: Request, session: SessionDep, user: PageUser) -> Response:
    page = page_number(request)
    items, total = await applications.list_mine(session, user, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    context = {
        "applications": items,
        "total": total,
        **pager(page, total, PAGE_SIZE, lambda number: f"/applications?page={number}"),
    }
    return render(request, "candidate/applications.html", context)


@router.post("/applications/{application_id}/start", dependencies=[CsrfChecked, StartLimited])
async def start_job_interview(
    application_id: uuid.UUID, request: Request, session: SessionDep, user: PageUser
) -> Response:
    """Starts the application's interview, or resumes it if it is already under way."""
    result = await start.start_interview(
        session, user, InterviewStartRequest(application_id=application_id), settings_of(request)
    )
    return redirect(f"/interviews/{result.interview.id}")


@router.post("/applications/{application_id}/withdraw", dependencies=[CsrfChecked])
async def withdraw(
    application_id: uuid.UUID, request: Request, session: SessionDep, user: PageUser
) -> Response:
    if not is_confirmed(await read_form(request)):
        # Posted without the dialog (no JavaScript): ask on a page of its own first.
        application = await applications.withdrawable(session, user, application_id)
        page = ConfirmPage(
            withdraw_question(application),
            action_url=f"/applications/{application_id}/withdraw",
            cancel_url="/applications",
        )
        return render(request, "confirm.html", {"confirm": page})
    await applications.withdraw(session, user, application_id)
    return redirect("/applications", notice="withdrawn")


@router.get("/practice")
async def practice_page(request: Request, session: SessionDep, user: PageUser) -> Response:
    items, _total = await interviews.list_mine(session, user, 0, 50)
    context = {
        "roles": role_choices(),
        "interviews": items,
        "error": None,
        "selected": "",
        "briefing": briefing_for(settings_of(request), None, None),
    }
    return render(request, "candidate/practice.html", context)


@router.post("/practice", dependencies=[CsrfChecked, StartLimited])
async def start_practice(request: Request, session: SessionDep, user: PageUser) -> Response:
    form = await read_form(request)
    role_type = form.get("role_type", "")
    try:
        # Built from the form like any API model: its rules (length, blank) apply here too.
        data = InterviewStartRequest(role_type=role_type or None)
        result = await start.start_interview(session, user, data, settings_of(request))
    except (DomainError, ValidationError) as exc:
        status = exc.status_code if isinstance(exc, DomainError) else 422
        items, _total = await interviews.list_mine(session, user, 0, 50)
        context = {
            "roles": role_choices(),
            "interviews": items,
            "error": exc.detail
            if isinstance(exc, DomainError) and status not in (400, 422)
            else "Choose a role type from the list.",
            "selected": role_type[:100],
            "briefing": briefing_for(settings_of(request), None, None),
        }
        return render(request, "candidate/practice.html", context, status_code=status)
    return redirect(f"/interviews/{result.interview.id}")

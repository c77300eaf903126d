"""A candidate's own pages: applications (start, continue, withdraw) and practice."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from hireloop.applications import oversight
from hireloop.applications import service as applications
from hireloop.applications.schemas import HUMAN_REVIEW_MESSAGE_MAX, HumanReviewCreate
from hireloop.config import settings_of
from hireloop.consent.models import ConsentMethod
from hireloop.consent.notice import NOTICE_URL
from hireloop.db import SessionDep
from hireloop.engine.knowledge import ROLE_TYPES, get_knowledge
from hireloop.errors import Conflict, DomainError, InvalidInput, PreconditionRequired
from hireloop.interviews import reads as interviews
from hireloop.interviews import start
from hireloop.interviews.briefing import briefing_for
from hireloop.interviews.models import AnswerMode
from hireloop.interviews.schemas import InterviewStartRequest
from hireloop.voice import service as voice
from hireloop.web.confirmation import ConfirmPage, is_confirmed, withdraw_question
from hireloop.web.forms import read_form
from hireloop.web.pages.privacy import consent_context, consent_needed
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
    """Starts the application's interview, or resumes it if it is already under way.

    Without the candidate notice accepted (the form's box, or earlier), the candidate is
    sent to the notice, and back to their applications once they accept it."""
    form = await read_form(request)
    try:
        data = InterviewStartRequest(
            application_id=application_id,
            consent_notice_version=form.get("consent_notice_version") or None,
        )
    except ValidationError:
        return redirect(NOTICE_URL + "?next=/applications", notice="consent_first")
    settings = settings_of(request)
    try:
        result = await start.start_interview(session, user, data, settings, ConsentMethod.page)
    except PreconditionRequired:
        return redirect(NOTICE_URL + "?next=/applications", notice="consent_first")
    wanted = AnswerMode.voice if form.get("answer_mode") == "voice" else AnswerMode.text
    await voice.choose_mode(session, result.interview, wanted, settings)
    return redirect(f"/interviews/{result.interview.id}")


@router.post("/applications/{application_id}/human-review", dependencies=[CsrfChecked])
async def request_human_review(
    application_id: uuid.UUID, request: Request, session: SessionDep, user: PageUser
) -> Response:
    """The candidate asks for a person to review their job interview result."""
    form = await read_form(request)
    try:
        data = HumanReviewCreate(message=form.get("message") or None)
    except ValidationError:
        raise InvalidInput(
            f"Keep the message to {HUMAN_REVIEW_MESSAGE_MAX} characters or fewer."
        ) from None
    await oversight.request_review(session, user, application_id, data.message)
    application = await applications.get_application(session, user, application_id)
    target = (
        f"/interviews/{application.interview_id}/results#human-review"
        if application.interview_id
        else "/applications"
    )
    return redirect(target, notice="review_requested")


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
        **consent_context(request, await consent_needed(request, session, user)),
    }
    return render(request, "candidate/practice.html", context)


@router.post("/practice", dependencies=[CsrfChecked, StartLimited])
async def start_practice(request: Request, session: SessionDep, user: PageUser) -> Response:
    form = await read_form(request)
    role_type = form.get("role_type", "")
    try:
        # Built from the form like any API model: its rules (length, blank) apply here too.
        data = InterviewStartRequest(
            role_type=role_type or None,
            consent_notice_version=form.get("consent_notice_version") or None,
        )
        result = await start.start_interview(
            session, user, data, settings_of(request), ConsentMethod.page
        )
    except (DomainError, ValidationError) as exc:
        status = exc.status_code if isinstance(exc, DomainError) else 422
        items, _total = await interviews.list_mine(session, user, 0, 50)
        context = {
            "roles": role_choices(),
            "interviews": items,
            "error": _practice_error(exc, status),
            "selected": role_type[:100],
            "briefing": briefing_for(settings_of(request), None, None),
            **consent_context(request, await consent_needed(request, session, user)),
        }
        return render(request, "candidate/practice.html", context, status_code=status)
    return redirect(f"/interviews/{result.interview.id}")


def _practice_error(exc: DomainError | ValidationError, status: int) -> str:
    if isinstance(exc, PreconditionRequired):
        return "Tick the box to accept the candidate notice, then start."
    if isinstance(exc, Conflict) and exc.code == "notice_version_outdated":
        return "The candidate notice changed: reload this page, read it and accept it again."
    if isinstance(exc, DomainError) and status not in (400, 422):
        return exc.detail
    return "Choose a role type from the list."

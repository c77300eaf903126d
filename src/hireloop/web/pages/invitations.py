"""Invitations on the web: the recruiter's invite page for a posting, and the page an
invitee lands on from the email (register or sign in, then apply and interview).

A link that cannot be used gets a page saying why: not valid (tampered, or its posting
deleted), expired, already used, or withdrawn by the recruiter.
"""

from __future__ import annotations

import re
import uuid

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from hireloop.applications import service as applications
from hireloop.auth.models import UserRole
from hireloop.config import settings_of
from hireloop.db import SessionDep, utcnow
from hireloop.interviews.briefing import briefing_for
from hireloop.invitations import service
from hireloop.invitations.schemas import MAX_PER_REQUEST, InvitationCreate
from hireloop.invitations.service import InvitationRefused
from hireloop.web.forms import read_form
from hireloop.web.rendering import PageRoute, redirect, render
from hireloop.web.session import CsrfChecked, OptionalUser, PageRecruiter, PageUser

router = APIRouter(route_class=PageRoute, include_in_schema=False)
_SEPARATORS = re.compile(r"[\s,;]+")
_TITLES = {
    "invalid": "This invitation link is not valid",
    "expired": "This invitation has expired",
    "used": "This invitation has already been used",
    "withdrawn": "This invitation was withdrawn",
}


async def _invite_page(
    request: Request,
    session: SessionDep,
    user: PageRecruiter,
    job_id: uuid.UUID,
    *,
    emails: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    job, invitations, total = await service.list_for_job(session, user, job_id)
    now = utcnow()
    context = {
        "job": job,
        "invitations": [(item, item.state(now)) for item in invitations],
        "total": total,
        "emails": emails,
        "error": error,
        "max_per_request": MAX_PER_REQUEST,
        "valid_days": settings_of(request).invitation_valid_days,
    }
    return render(request, "recruiter/invitations.html", context, status_code=status_code)


@router.get("/recruiter/jobs/{job_id}/invitations")
async def invitations_page(
    job_id: uuid.UUID, request: Request, session: SessionDep, user: PageRecruiter
) -> Response:
    return await _invite_page(request, session, user, job_id)


@router.post("/recruiter/jobs/{job_id}/invitations", dependencies=[CsrfChecked])
async def send_invitations(
    job_id: uuid.UUID, request: Request, session: SessionDep, user: PageRecruiter
) -> Response:
    form = await read_form(request)
    typed = form.get("emails", "")
    addresses = [item for item in _SEPARATORS.split(typed) if item]
    try:
        data = InvitationCreate(emails=addresses)
    except ValidationError as exc:
        return await _invite_page(
            request,
            session,
            user,
            job_id,
            emails=typed,
            error=_form_error(exc, addresses),
            status_code=422,
        )
    base = str(request.base_url).rstrip("/")
    result = await service.invite(session, user, job_id, data.emails, settings_of(request), base)
    notice = "invitations_sent" if not result.already_invited else "invitations_some_waiting"
    if not result.invited:
        notice = "invitations_all_waiting"
    return redirect(f"/recruiter/jobs/{job_id}/invitations", notice=notice)


@router.post(
    "/recruiter/jobs/{job_id}/invitations/{invitation_id}/withdraw", dependencies=[CsrfChecked]
)
async def withdraw_invitation(
    job_id: uuid.UUID,
    invitation_id: uuid.UUID,
    session: SessionDep,
    user: PageRecruiter,
) -> Response:
    await service.withdraw(session, user, job_id, invitation_id)
    return redirect(f"/recruiter/jobs/{job_id}/invitations", notice="invitation_withdrawn")


def _form_error(exc: ValidationError, addresses: list[str]) -> str:
    if not addresses:
        return "Enter at least one email address."
    if len(addresses) > MAX_PER_REQUEST:
        return f"Invite at most {MAX_PER_REQUEST} people at once."
    for error in exc.errors():
        location = error.get("loc", ())
        if len(location) >= 2 and isinstance(location[1], int):
            return f"“{addresses[location[1]]}” is not an email address. Correct it and send again."
    return "Check the addresses and send again."


def _refusal_page(request: Request, refusal: InvitationRefused) -> Response:
    context = {"title": _TITLES[refusal.problem], "message": refusal.detail}
    return render(request, "invitations/problem.html", context, status_code=refusal.status_code)


@router.get("/invitations/{token}")
async def invitation_landing(
    token: str, request: Request, session: SessionDep, user: OptionalUser
) -> Response:
    settings = settings_of(request)
    try:
        _invitation, job = await service.open_invitation(session, settings, token)
    except InvitationRefused as refusal:
        return _refusal_page(request, refusal)
    application = None
    if user is not None and user.role is UserRole.candidate:
        application = await applications.mine_for_job(session, user, job.id)
    context = {
        "job": job,
        "token": token,
        "here": f"/invitations/{token}",
        "application": application,
        "briefing": briefing_for(settings, applications.role_type_for_job(job), job),
    }
    return render(request, "invitations/landing.html", context)


@router.post("/invitations/{token}/accept", dependencies=[CsrfChecked])
async def accept_invitation(
    token: str, request: Request, session: SessionDep, user: PageUser
) -> Response:
    try:
        application = await service.accept(session, settings_of(request), user, token)
    except InvitationRefused as refusal:
        return _refusal_page(request, refusal)
    return redirect(f"/applications#application-{application.id}", notice="invitation_accepted")

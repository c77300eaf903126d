"""The candidate notice as a page, and accepting it there."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from hireloop.auth.models import User, UserRole
from hireloop.config import settings_of
from hireloop.consent import service as consent
from hireloop.consent.models import ConsentMethod
from hireloop.consent.notice import NOTICE_URL, build_notice, notice_version
from hireloop.db import SessionDep
from hireloop.errors import Conflict
from hireloop.web.forms import read_form
from hireloop.web.rendering import PageRoute, redirect, render, safe_next
from hireloop.web.session import CsrfChecked, OptionalUser, PageUser

router = APIRouter(route_class=PageRoute, include_in_schema=False)

OUTDATED = (
    "The notice changed while you were reading it. Read the current version below and "
    "accept it again."
)


async def consent_needed(request: Request, session: SessionDep, user: User | None) -> bool:
    """A candidate must accept the current notice before their next interview starts."""
    if user is None or user.role is not UserRole.candidate:
        return False
    if not settings_of(request).consent_required:
        return False
    return await consent.current_consent(session, user.id, settings_of(request)) is None


def consent_context(request: Request, needed: bool) -> dict[str, Any]:
    """What a start form needs to ask for consent inline (see privacy/_consent_field.html)."""
    return {
        "consent_needed": needed,
        "notice_version": notice_version(settings_of(request)),
        "notice_url": NOTICE_URL,
    }


async def _page(
    request: Request,
    session: SessionDep,
    user: User | None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    accepted = None
    if user is not None:
        accepted = await consent.current_consent(session, user.id, settings_of(request))
    context = {
        "notice_doc": build_notice(settings_of(request)),
        "accepted": accepted,
        "can_accept": user is not None and user.role is UserRole.candidate,
        "next_url": safe_next(request.query_params.get("next"), ""),
        "error": error,
    }
    return render(request, "privacy/notice.html", context, status_code=status_code)


@router.get(NOTICE_URL)
async def notice_page(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    return await _page(request, session, user)


@router.post(NOTICE_URL, dependencies=[CsrfChecked])
async def accept_notice(request: Request, session: SessionDep, user: PageUser) -> Response:
    form = await read_form(request)
    if user.role is not UserRole.candidate:
        return await _page(request, session, user, "Only candidates accept the notice.", 403)
    if form.get("agree") != "yes":
        message = "Tick the box to say you have read the notice and accept it."
        return await _page(request, session, user, message, 422)
    try:
        await consent.accept(
            session, user, form.get("notice_version", ""), ConsentMethod.page, settings_of(request)
        )
    except Conflict:
        return await _page(request, session, user, OUTDATED, 409)
    target = safe_next(form.get("next"), "")
    if target:
        return redirect(target, notice="consent_accepted")
    return redirect(NOTICE_URL, notice="consent_accepted")

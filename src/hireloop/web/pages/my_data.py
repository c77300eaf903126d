"""A person's data from the profile page: download it all, or delete the account.

The rules live in ``hireloop.privacy``; this module turns the forms into calls and the
refusals into messages on the page.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from hireloop.auth.models import UserRole
from hireloop.config import settings_of
from hireloop.db import SessionDep
from hireloop.errors import DomainError
from hireloop.privacy import erasure
from hireloop.privacy.export import build_export
from hireloop.privacy.router import zip_response
from hireloop.ratelimit import check_account_attempt
from hireloop.web.forms import read_form
from hireloop.web.rendering import PageRoute, redirect, render
from hireloop.web.session import SESSION_COOKIE, CsrfChecked, PageUser

router = APIRouter(route_class=PageRoute, include_in_schema=False)

DELETE_URL = "/profile/delete"


@router.get("/profile/export")
async def download_my_data(request: Request, session: SessionDep, user: PageUser) -> Response:
    """The same archive as ``GET /api/v1/me/export``."""
    return zip_response(await build_export(session, user, user, settings_of(request)))


def _render_confirm(request: Request, error: str | None = None, status_code: int = 200) -> Response:
    errors = {"password": error} if error else {}
    return render(
        request, "profile/confirm_erase.html", {"errors": errors}, status_code=status_code
    )


@router.get(DELETE_URL)
async def confirm_delete_account(request: Request, user: PageUser) -> Response:
    """What goes, what stays, and the password to confirm; staff are sent to an admin."""
    if user.role is not UserRole.candidate:
        raise erasure.staff_refusal()
    return _render_confirm(request)


@router.post(DELETE_URL, dependencies=[CsrfChecked])
async def delete_account(request: Request, session: SessionDep, user: PageUser) -> Response:
    form = await read_form(request)
    password = form.get("password", "")
    if not password:
        return _render_confirm(request, "Enter your password to confirm.", 422)
    await check_account_attempt(request, user.email)
    try:
        await erasure.erase_own_account(session, user, password, settings_of(request))
    except DomainError as exc:
        if exc.code != "wrong_password":
            raise
        return _render_confirm(request, exc.detail, exc.status_code)
    response = redirect("/login", notice="account_deleted")
    # The account and its sessions are gone: only the browser's cookie is left to drop.
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax", path="/")
    return response

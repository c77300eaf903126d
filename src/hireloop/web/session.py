"""Browser sessions and CSRF protection for the web pages.

The session cookie holds the same signed JWT the API issues (HttpOnly, SameSite=Lax,
Secure over https), so deactivating a user ends their web session too. Every
state-changing request must carry a CSRF token: an HMAC of a random per-browser cookie,
sent back in the form field ``csrf_token`` (or the ``X-CSRF-Token`` header).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Request, Response

from hireloop.auth.models import User, UserRole, UserStatus
from hireloop.auth.security import create_access_token, decode_access_token
from hireloop.config import Settings
from hireloop.db import SessionDep
from hireloop.errors import Forbidden
from hireloop.ratelimit import check_answer, check_interview_start

SESSION_COOKIE = "hireloop_session"
CSRF_COOKIE = "hireloop_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FAILED = "This form has expired or did not come from Hireloop. Reload the page and try again."


class LoginRequired(Exception):
    """Raised by page dependencies; PageRoute answers with a redirect to the login page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _secure(request: Request) -> bool:
    # Behind a TLS-terminating proxy uvicorn's proxy_headers make this "https" too.
    return request.url.scheme == "https"


def start_session(request: Request, response: Response, user: User) -> None:
    settings = _settings(request)
    response.set_cookie(
        SESSION_COOKIE,
        create_access_token(settings, user.id, user.role),
        max_age=settings.access_token_minutes * 60,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )


def end_session(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, samesite="lax", secure=_secure(request), path="/"
    )


def _csrf_signature(request: Request, nonce: str) -> str:
    key = _settings(request).jwt_secret_value().encode()
    return hmac.new(key, b"csrf:" + nonce.encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The token to embed in forms; creates the browser's CSRF cookie when missing."""
    nonce = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf_nonce", None)
    if nonce is None:
        nonce = secrets.token_urlsafe(32)
        request.state.new_csrf_nonce = nonce  # set on the response by render()
    return _csrf_signature(request, nonce)


def set_csrf_cookie(request: Request, response: Response) -> None:
    nonce = getattr(request.state, "new_csrf_nonce", None)
    if nonce is not None:
        response.set_cookie(
            CSRF_COOKIE, nonce, httponly=True, samesite="lax", secure=_secure(request), path="/"
        )


async def verify_csrf(request: Request) -> None:
    """Dependency for every state-changing page route."""
    nonce = request.cookies.get(CSRF_COOKIE)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not nonce or not sent or not hmac.compare_digest(sent, _csrf_signature(request, nonce)):
        raise Forbidden(CSRF_FAILED)


async def optional_user(request: Request, session: SessionDep) -> User | None:
    """The signed-in user, or None; also remembered on request.state for the templates."""
    request.state.user = None
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    user_id = decode_access_token(_settings(request), token)
    if user_id is None:
        return None
    user = await session.get(User, user_id)
    if user is None or user.status is not UserStatus.active:
        return None
    request.state.user = user
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]


async def page_user(request: Request, user: OptionalUser) -> User:
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        # A POST cannot be replayed after logging in; send the user home instead.
        raise LoginRequired(target if request.method == "GET" else "/")
    return user


PageUser = Annotated[User, Depends(page_user)]


async def page_recruiter(user: PageUser) -> User:
    if user.role not in (UserRole.recruiter, UserRole.admin):
        raise Forbidden("This page is for recruiters. You are signed in as a candidate.")
    return user


PageRecruiter = Annotated[User, Depends(page_recruiter)]
CsrfChecked = Depends(verify_csrf)


async def _page_start_limit(request: Request, user: PageUser) -> None:
    await check_interview_start(request, user)


async def _page_answer_limit(request: Request, user: PageUser) -> None:
    await check_answer(request, user)


# The API's per-user limits on interview starts and answers, on the pages that do the
# same (one counter per user, whichever way they come).
StartLimited = Depends(_page_start_limit)
AnswerLimited = Depends(_page_answer_limit)

"""Browser sessions and CSRF protection for the web pages.

The session cookie holds the same signed token the API issues (HttpOnly, SameSite=Lax,
Secure over https), checked the same way (auth.sessions): logging out, signing out
everywhere, a new password or deactivation end the web session on the server too.

Every state-changing request must carry a CSRF token, sent back in the form field
``csrf_token`` (or the ``X-CSRF-Token`` header). Signed in, the token is an HMAC of the
session's id: it dies with the session, and no token from before a login (or from
another account's session) is accepted after it. Signed out, it is an HMAC of a random
per-browser cookie, replaced at every login and logout.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.auth.dependencies import resolve_user
from hireloop.auth.models import User, UserRole
from hireloop.auth.security import AccessClaims
from hireloop.auth.sessions import issue_token, sign_out
from hireloop.config import settings_of
from hireloop.db import SessionDep
from hireloop.errors import DomainError, Forbidden
from hireloop.ratelimit import check_answer, check_interview_start
from hireloop.security.guard import body_refusal

SESSION_COOKIE = "hireloop_session"
CSRF_COOKIE = "hireloop_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FAILED = "This form has expired or did not come from Hireloop. Reload the page and try again."


class LoginRequired(Exception):
    """Raised by page dependencies; PageRoute answers with a redirect to the login page."""

    def __init__(self, next_url: str, *, expired: bool = False) -> None:
        super().__init__(next_url)
        self.next_url = next_url
        self.expired = expired  # the session ran out (the login page says so)


def _page_of(request: Request) -> str:
    """The page a form was posted from: its Referer when it is ours, else home."""
    referer = request.headers.get("referer", "")
    parsed = urlsplit(referer)
    if parsed.netloc and parsed.netloc != request.url.netloc:
        return "/"
    return parsed.path or "/"


def _secure(request: Request) -> bool:
    # Behind a TLS-terminating proxy listed in HIRELOOP_TRUSTED_PROXIES this is "https"
    # too (security.proxies.TrustedProxyMiddleware applies its X-Forwarded-Proto).
    return request.url.scheme == "https"


def start_session(
    request: Request, response: Response, user: User, session_id: uuid.UUID | None = None
) -> None:
    """Sign the browser in: a new session (or a fresh token for ``session_id``)."""
    settings = settings_of(request)
    response.set_cookie(
        SESSION_COOKIE,
        issue_token(settings, user, session_id),
        max_age=settings.access_token_minutes * 60,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    _forget_csrf_cookie(request, response)  # signed in, forms use the session's token


async def end_session(request: Request, response: Response, session: AsyncSession) -> None:
    """Sign the browser out, and end its session on the server (copies of the cookie die)."""
    claims = current_session(request)
    if claims is not None:
        await sign_out(session, claims)
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, samesite="lax", secure=_secure(request), path="/"
    )
    _forget_csrf_cookie(request, response)


def current_session(request: Request) -> AccessClaims | None:
    """The signed-in session of this request (after optional_user ran), or None."""
    claims: AccessClaims | None = getattr(request.state, "session_claims", None)
    return claims


def _forget_csrf_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        CSRF_COOKIE, httponly=True, samesite="lax", secure=_secure(request), path="/"
    )


def _csrf_signature(request: Request, subject: bytes) -> str:
    key = settings_of(request).jwt_secret_value().encode()
    return hmac.new(key, b"csrf:" + subject, hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The token to embed in forms: the session's when signed in; otherwise the
    browser's, creating its CSRF cookie when missing."""
    claims = current_session(request)
    if claims is not None:
        return _csrf_signature(request, b"session:" + claims.session_id.bytes)
    nonce = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf_nonce", None)
    if nonce is None:
        nonce = secrets.token_urlsafe(32)
        request.state.new_csrf_nonce = nonce  # set on the response by render()
    return _csrf_signature(request, b"browser:" + nonce.encode())


def set_csrf_cookie(request: Request, response: Response) -> None:
    nonce = getattr(request.state, "new_csrf_nonce", None)
    if nonce is not None:
        response.set_cookie(
            CSRF_COOKIE, nonce, httponly=True, samesite="lax", secure=_secure(request), path="/"
        )


class BodyTooLarge(DomainError):
    """A page's form was larger than the server takes (security.guard.RequestGuardMiddleware)."""

    status_code = 413
    code = "body_too_large"


async def check_csrf(request: Request) -> None:
    """Refuse a state-changing page request without the right token (once the signed-in
    user, if any, is known: see verify_csrf)."""
    refused = body_refusal(request)
    if refused is not None:
        raise BodyTooLarge(refused)  # the form never arrived; say so, not "expired"
    claims = current_session(request)
    nonce = request.cookies.get(CSRF_COOKIE)
    if claims is not None:
        expected: str | None = _csrf_signature(request, b"session:" + claims.session_id.bytes)
    else:
        expected = _csrf_signature(request, b"browser:" + nonce.encode()) if nonce else None
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(sent, expected):
        if claims is None and SESSION_COOKIE in request.cookies:
            # The form came from a session that has since expired or been signed out:
            # nothing is done; the person signs in again and comes back to the page.
            raise LoginRequired(_page_of(request), expired=True)
        raise Forbidden(CSRF_FAILED)


async def optional_user(request: Request, session: SessionDep) -> User | None:
    """The signed-in user, or None; found the API's way (auth.dependencies.resolve_user),
    from the session cookie instead of a bearer token."""
    return await resolve_user(request, session, request.cookies.get(SESSION_COOKIE))


OptionalUser = Annotated[User | None, Depends(optional_user)]


async def page_user(request: Request, user: OptionalUser) -> User:
    if user is None:
        if request.method == "GET":
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        else:
            # A POST cannot be replayed after logging in: back to the page it came from
            # (an interview's answer form returns to the interview, draft kept in the page).
            target = _page_of(request)
        expired = SESSION_COOKIE in request.cookies  # signed in before, not any more
        raise LoginRequired(target, expired=expired)
    return user


PageUser = Annotated[User, Depends(page_user)]


async def page_recruiter(user: PageUser) -> User:
    if user.role not in (UserRole.recruiter, UserRole.admin):
        raise Forbidden("This page is for recruiters. You are signed in as a candidate.")
    return user


PageRecruiter = Annotated[User, Depends(page_recruiter)]


async def page_admin(user: PageUser) -> User:
    if user.role is not UserRole.admin:
        raise Forbidden("This page is for admins.")
    return user


PageAdmin = Annotated[User, Depends(page_admin)]


async def verify_csrf(request: Request, _user: OptionalUser) -> None:
    """Dependency for every state-changing page route."""
    await check_csrf(request)


CsrfChecked = Depends(verify_csrf)


async def _page_start_limit(request: Request, user: PageUser) -> None:
    await check_interview_start(request, user)


async def _page_answer_limit(request: Request, user: PageUser) -> None:
    await check_answer(request, user)


# The API's per-user limits on interview starts and answers, on the pages that do the
# same (one counter per user, whichever way they come).
StartLimited = Depends(_page_start_limit)
AnswerLimited = Depends(_page_answer_limit)

"""Register, log in, log out, and the home page redirect."""

from __future__ import annotations

import contextlib

import structlog
from fastapi import APIRouter, Depends, Request, Response
from pydantic import ValidationError

from hireloop.auth import service as auth_service
from hireloop.auth.models import User, UserRole
from hireloop.auth.schemas import PASSWORD_MIN_LENGTH, LoginRequest, UserCreate
from hireloop.db import SessionDep
from hireloop.errors import Conflict, Unauthorized
from hireloop.ratelimit import limit_login
from hireloop.web.forms import field_errors, read_form
from hireloop.web.rendering import PageRoute, redirect, render, safe_next
from hireloop.web.session import CsrfChecked, OptionalUser, end_session, start_session

router = APIRouter(route_class=PageRoute, include_in_schema=False)
_log = structlog.get_logger(__name__)
# Shown on the login page after a redirect (?notice=key), like rendering.NOTICES.
LOGIN_NOTICES = {
    "account_deleted": "Your account and everything about you were deleted. Thank you for "
    "using Hireloop.",
    "signed_out_everywhere": "You are signed out on every device and browser. Sign in again "
    "here when you need to.",
}


def home_for(user: User) -> str:
    return "/recruiter/jobs" if user.role in (UserRole.recruiter, UserRole.admin) else "/jobs"


@router.get("/")
async def home(user: OptionalUser) -> Response:
    return redirect(home_for(user) if user else "/jobs")


@router.get("/register")
async def register_page(request: Request, user: OptionalUser) -> Response:
    next_url = safe_next(request.query_params.get("next"), "")
    if user:
        return redirect(next_url or home_for(user))
    return render(
        request,
        "account/register.html",
        {"values": {}, "errors": {}, "min_length": PASSWORD_MIN_LENGTH, "next": next_url},
    )


@router.post("/register", dependencies=[CsrfChecked])
async def register(request: Request, session: SessionDep, _user: OptionalUser) -> Response:
    form = await read_form(request)
    next_url = safe_next(form.get("next"), "")  # e.g. back to an invitation
    values = {k: form.get(k, "") for k in ("full_name", "email")}
    errors: dict[str, str] = {}
    try:
        data = UserCreate.model_validate(
            {**values, "password": form.get("password", ""), "phone": None}
        )
        user = await auth_service.register_user(session, data)
    except ValidationError as exc:
        errors = field_errors(exc)
    except Conflict as exc:
        errors = {"email": f"{exc.detail}. Log in instead, or use another email."}
    if errors:
        context = {
            "values": values,
            "errors": errors,
            "min_length": PASSWORD_MIN_LENGTH,
            "next": next_url,
        }
        return render(request, "account/register.html", context, status_code=422)
    response = redirect(next_url or "/jobs", notice="registered")
    start_session(request, response, user)
    return response


@router.get("/login")
async def login_page(request: Request, user: OptionalUser) -> Response:
    next_url = safe_next(request.query_params.get("next"), "")
    if user:
        return redirect(next_url or home_for(user))
    expired = request.query_params.get("expired") == "1"
    context: dict[str, object] = {
        "values": {},
        "errors": {},
        "error": None,
        "next": next_url,
        "expired": expired,
    }
    notice = LOGIN_NOTICES.get(request.query_params.get("notice", ""))
    if notice:
        context["notice"] = notice  # overrides render()'s lookup in the shared NOTICES
    return render(request, "account/login.html", context)


# The API's login limits apply here too (per IP; 429 page when exceeded).
@router.post("/login", dependencies=[CsrfChecked, Depends(limit_login)])
async def login(request: Request, session: SessionDep, _user: OptionalUser) -> Response:
    form = await read_form(request)
    next_url = safe_next(form.get("next"), "")
    email = form.get("email", "")
    context: dict[str, object] = {"values": {"email": email}, "errors": {}, "next": next_url}
    user: User | None = None
    try:
        data = LoginRequest.model_validate({"email": email, "password": form.get("password", "")})
    except ValidationError as exc:
        fields = sorted({str(error["loc"][0]) for error in exc.errors() if error["loc"]})
        _log.warning("login_refused", reason="invalid_form", fields=fields)
        errors = field_errors(exc)
        if "email" in errors and email.strip():
            # Not an address (e.g. "Ada <ada@example.com>"): say what to type. This reveals
            # nothing about accounts, unlike a wrong password.
            context.update(errors={"email": errors["email"]}, error=None)
            return render(request, "account/login.html", context, status_code=422)
    else:
        with contextlib.suppress(Unauthorized):  # authenticate logs why it refused
            user = await auth_service.authenticate(session, str(data.email), data.password)
    if user is None:
        # One message whatever was wrong, as the API does.
        context["error"] = auth_service.INVALID_CREDENTIALS
        return render(request, "account/login.html", context, status_code=401)
    response = redirect(next_url or home_for(user))
    start_session(request, response, user)
    return response


@router.post("/logout", dependencies=[CsrfChecked])
async def logout(request: Request, session: SessionDep) -> Response:
    """Sign out: the session ends on the server, so a copy of the cookie stops working."""
    response = redirect("/jobs", notice="logged_out")
    await end_session(request, response, session)
    return response

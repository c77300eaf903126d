"""Rendering pages, redirects, and the route class that turns errors into HTML pages."""

from __future__ import annotations

import math
from collections.abc import Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from hireloop.errors import DomainError, error_body
from hireloop.web.confirmation import finish_question, status_question, withdraw_question
from hireloop.web.navigation import nav_for
from hireloop.web.session import LoginRequired, csrf_token, set_csrf_cookie
from hireloop.web.wording import page_message

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

# Short, fixed messages shown after a redirect (?notice=key): the URL never carries text.
NOTICES = {
    "applied": "Application sent. Your interview is ready to start when you are.",
    "already_applied": "You have already applied to this job.",
    "withdrawn": "Application withdrawn.",
    "registered": "Welcome to Hireloop! Your account is ready.",
    "logged_out": "You are signed out.",
    "job_created": "Job posting published.",
    "job_saved": "Job posting saved.",
    "job_paused": "Job posting paused: it no longer takes applications.",
    "job_active": "Job posting reopened: it takes applications again.",
    "job_closed": "Job posting closed.",
    "status_changed": "Application status updated.",
    "compare_choose": "To compare applicants, tick between 2 and 4 of them.",
    "consent_accepted": "Thank you: you accepted the candidate notice.",
    "consent_first": "Before your first interview, read the candidate notice and accept it.",
    "review_requested": "Your request is sent: a person will review your result.",
    "review_handled": "The human review request is marked as handled.",
    "invitations_sent": "Invitations sent. Each person gets an email with their own link.",
    "invitation_withdrawn": "Invitation withdrawn: its link no longer works.",
    "invitations_some_waiting": "Invitations sent. Some addresses were skipped: an "
    "invitation to this job is already waiting for them.",
    "invitations_all_waiting": "Nothing sent: every address already has an invitation to "
    "this job waiting.",
    "invitation_accepted": "You applied through your invitation. Start your interview "
    "below when you are ready.",
}


def _humanize(value: object) -> str:
    text = str(getattr(value, "value", value))
    return text.replace("_", " ").capitalize()


def _date(value: datetime | None) -> str:
    return value.strftime("%d %b %Y") if value else ""


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        # Everything from users (job text, answers, names) is escaped unless marked safe.
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["humanize"] = _humanize
    env.filters["date"] = _date
    # The questions asked before a final step, shared with the no-JavaScript pages.
    env.globals.update(
        withdraw_question=withdraw_question,
        finish_question=finish_question,
        status_question=status_question,
    )
    return env


templates = Jinja2Templates(env=_environment())


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    user = getattr(request.state, "user", None)
    notice_key = request.query_params.get("notice", "")
    page_context = {
        "user": user,
        "nav": nav_for(user, request.url.path),
        "csrf_token": csrf_token(request),
        "notice": NOTICES.get(notice_key),
        "current_url": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        **(context or {}),
    }
    response = templates.TemplateResponse(
        request, template, page_context, status_code=status_code, headers=headers
    )
    set_csrf_cookie(request, response)
    # Pages show personal data: never let a shared cache keep them.
    response.headers["Cache-Control"] = "no-store"
    return response


def redirect(url: str, notice: str | None = None) -> RedirectResponse:
    """A 303 See Other (so the browser follows with GET), optionally with a notice key."""
    if notice:
        path, hash_mark, fragment = url.partition("#")
        path += ("&" if "?" in path else "?") + urlencode({"notice": notice})
        url = path + hash_mark + fragment
    return RedirectResponse(url, status_code=303)


def safe_next(value: object, default: str = "/") -> str:
    """Only same-site paths: never redirect a user to another site after login."""
    if isinstance(value, str) and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return default


def render_error(
    request: Request, status_code: int, message: str, headers: dict[str, str] | None = None
) -> HTMLResponse:
    titles = {
        400: "That did not work",
        401: "Please sign in",
        403: "Not allowed",
        404: "Page not found",
        405: "This page cannot be opened directly",
        409: "Not possible right now",
        413: "Too large",
        422: "Please check your input",
        428: "One step first",
        429: "Please slow down",
        500: "Something went wrong",
        503: "Hireloop is busy",
    }
    return render(
        request,
        "error.html",
        {"title": titles.get(status_code, "Something went wrong"), "message": message},
        status_code=status_code,
        headers=headers,
    )


class PageRoute(APIRoute):
    """An HTML page route: domain errors become error pages, not JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired as exc:
                expired = "&expired=1" if exc.expired else ""
                return redirect(f"/login?next={quote(exc.next_url, safe='/')}{expired}")
            except DomainError as exc:
                message = page_message(exc)  # plain words: no ids, no developer text
                if request.headers.get("X-Requested-With") == "fetch":
                    # The page's own script asked: it shows the message in place.
                    return JSONResponse(
                        {**error_body(exc), "detail": message},
                        status_code=exc.status_code,
                        headers=exc.headers,
                    )
                # Headers such as Retry-After on a 429 belong on the page too.
                return render_error(request, exc.status_code, message, exc.headers)
            except RequestValidationError:
                # Malformed ids or parameters in a page URL: there is no such page.
                return render_error(request, 404, "There is no page at this address.")

        return page_handler


# Listing APIs accept skip <= 100,000; with 20 per page that is page 5,000.
MAX_PAGE = 5000


def page_number(request: Request) -> int:
    """The ``?page=`` of a listing page; anything unusable means the first page."""
    raw = request.query_params.get("page", "1")
    return max(1, min(int(raw), MAX_PAGE)) if raw.isdigit() and len(raw) < 6 else 1


def pager(page: int, total: int, page_size: int, url_for: Callable[[int], str]) -> dict[str, Any]:
    """Template context for the ``pager`` macro."""
    pages = max(1, math.ceil(total / page_size))
    return {
        "page": page,
        "pages": pages,
        "prev_url": url_for(page - 1) if page > 1 else None,
        "next_url": url_for(page + 1) if page < pages else None,
    }

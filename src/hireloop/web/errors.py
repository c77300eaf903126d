"""HTML error pages for errors no page route answers itself: an unknown address, a method
an address does not take, a server error, the database out of reach.

``hireloop.errors`` asks ``page_errors`` first (``app.state.page_errors``); it answers
requests for pages and leaves the API (and the pages' own scripts) their JSON.
Errors inside a page route (not found, not allowed, too many requests) are rendered by
``rendering.PageRoute`` with the same template.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

import structlog
from fastapi import FastAPI, Request
from starlette.responses import HTMLResponse, Response

from hireloop.security import API_PATH_PREFIX
from hireloop.web.rendering import render_error
from hireloop.web.session import SESSION_COOKIE, optional_user
from hireloop.web.wording import GENERIC

log = structlog.get_logger(__name__)

MESSAGES = {
    404: (
        "There is no page at this address. The link may be mistyped, or the page may have moved."
    ),
    405: (
        "This address takes a submitted form and cannot be opened on its own. Go back to "
        "the page you came from and use its button."
    ),
    500: (
        "Something went wrong on our side, and what you were doing was not saved. "
        "Please try again in a moment."
    ),
    503: GENERIC[503],
}

# Used only when even the error page cannot be rendered (e.g. its template is broken).
_BARE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Something went wrong · Hireloop</title><link rel="stylesheet" href="/static/app.css">
</head><body><main id="main"><section class="card narrow"><h1>Something went wrong</h1>
<p>{message}</p><p><a href="/">Go to the start page</a></p></section></main></body></html>
"""


def is_page_request(request: Request) -> bool:
    """A browser asking for a page, not the API nor a page's own script (fetch)."""
    path = request.url.path
    if path == API_PATH_PREFIX.rstrip("/") or path.startswith(API_PATH_PREFIX):
        return False
    return request.headers.get("X-Requested-With") != "fetch"


async def _recognise_user(request: Request) -> None:
    """Sign the header in (the menu, the account) when no route did: best effort."""
    if hasattr(request.state, "user") or SESSION_COOKIE not in request.cookies:
        return
    try:
        async with request.app.state.sessionmaker() as session:
            await optional_user(request, session)
    except Exception:  # the database may be what failed: show the page without it
        request.state.user = None
        request.state.session_claims = None


async def page_errors(
    request: Request, status_code: int, headers: Mapping[str, str] | None
) -> Response | None:
    if not is_page_request(request):
        return None
    message = MESSAGES.get(status_code, GENERIC.get(status_code, MESSAGES[500]))
    if status_code in (404, 405):
        await _recognise_user(request)
    plain_headers = dict(headers or {})
    try:
        return render_error(request, status_code, message, plain_headers)
    except Exception as exc:
        # The signed-in user's data may be unreadable after a failed transaction.
        log.warning("error_page_without_user", error=type(exc).__name__)
    request.state.user = None
    request.state.session_claims = None
    with contextlib.suppress(Exception):
        return render_error(request, status_code, message, plain_headers)
    return HTMLResponse(
        _BARE_PAGE.format(message=message), status_code=status_code, headers=plain_headers
    )


def install_error_pages(app: FastAPI) -> None:
    app.state.page_errors = page_errors

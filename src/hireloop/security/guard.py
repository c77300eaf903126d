"""The request guard: the middleware that looks at every HTTP request before any route.

It reads the body (at most ``max_body_bytes``, ``max_upload_bytes`` for multipart
uploads) and runs the ``body_checks`` on it and on the query string. Over the limit the
API gets a 413; a page route gets the request with an empty body instead, marked so that
it answers with its own message (``body_refusal``; ``web.session.check_csrf``). Other
refusals are JSON on the API and a small HTML page on the web pages (``refusals``).
Everything else passes through unchanged (the buffered body is replayed to the app), so
SQL- or template-looking text is stored and returned intact like any other text.
"""

from __future__ import annotations

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hireloop.security import API_PATH_PREFIX
from hireloop.security.body_checks import (
    MULTIPART,
    check_content,
    check_multipart,
    check_pairs,
    media_type_of,
    single_content_type,
)
from hireloop.security.headers import with_security_headers
from hireloop.security.refusals import Refused, TooLarge, refuse, too_large_for_page

_BODY_REFUSED = "hireloop_body_refused"  # key in the request's scope["state"]
_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class RequestGuardMiddleware:
    """Size, content-type and text checks before routing; security headers after."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        send = with_security_headers(send, path)
        page = not path.startswith(API_PATH_PREFIX)
        try:
            check_pairs(scope.get("query_string", b"").decode("latin-1"), "query")
            receive = await self._checked_body(scope, receive)
        except TooLarge as too_large:
            if not page:
                await refuse(send, too_large)
                return
            # The page answers: its form again with its own message, JSON to its script.
            receive = _hand_over_refusal(scope, receive, too_large.limit)
        except Refused as refused:
            await refuse(send, refused, page=page)
            return
        await self.app(scope, receive, send)

    async def _checked_body(self, scope: Scope, receive: Receive) -> Receive:
        if scope["method"] not in _BODY_METHODS:
            return receive
        raw_headers = list(scope.get("headers") or [])
        single_content_type(raw_headers)
        headers = dict(raw_headers)
        media_type = media_type_of(headers)
        limit = self.max_upload_bytes if media_type == MULTIPART else self.max_body_bytes
        declared = headers.get(b"content-length", b"").decode("latin-1").strip()
        if declared.isdigit() and int(declared) > limit:
            raise TooLarge(limit)
        body, tail = await _read_body(receive, limit)
        if body:
            check_content(scope["path"], media_type, body)
            if media_type == MULTIPART:
                check_multipart(body, headers.get(b"content-type", b""))
        return _replay(body, tail, receive)


async def _read_body(receive: Receive, limit: int) -> tuple[bytes, Message | None]:
    """The whole body (at most ``limit`` bytes), and a non-body message that ended it."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), message  # e.g. the client disconnected
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise TooLarge(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), None


def _hand_over_refusal(scope: Scope, receive: Receive, limit: int) -> Receive:
    """Pass a page request on with an empty body, marked for ``body_refusal``."""
    scope.setdefault("state", {})[_BODY_REFUSED] = too_large_for_page(limit)
    scope["headers"] = [
        (name, value)
        for name, value in scope.get("headers") or []
        if name.lower() not in (b"content-type", b"content-length", b"transfer-encoding")
    ] + [(b"content-length", b"0")]
    return _replay(b"", None, receive)


def body_refusal(request: Request) -> str | None:
    """Why the guard dropped this page request's body (it was too large), or None.

    Page routes check it before reading their form (``web.session.check_csrf`` does)."""
    refusal: str | None = (request.scope.get("state") or {}).get(_BODY_REFUSED)
    return refusal


def _replay(body: bytes, tail: Message | None, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        if tail is not None:
            return tail
        return await receive()  # after the body: wait for the disconnect, as servers do

    return replay

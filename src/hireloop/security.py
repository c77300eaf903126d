"""Hostile-input guard at the edge, security headers on every response, and CORS.

``RequestGuardMiddleware`` looks at every HTTP request before any route does:

- a body larger than ``max_body_bytes`` (``max_upload_bytes`` for multipart uploads) → 413;
- a body with a missing or unsupported ``Content-Type`` → 415 (the API takes JSON and
  multipart uploads; the server-rendered pages also take URL-encoded forms);
- text that no database column can hold → 422, the same for every field of every route:
  NUL characters (PostgreSQL rejects them in ``text``), invalid UTF-8 and lone surrogates,
  in JSON bodies (keys and values), URL-encoded forms and query strings; and JSON nested
  deeper than ``MAX_JSON_DEPTH``. Such text is refused, never silently stripped, so what is
  stored is always exactly what the client sent.

Refusals are JSON on the API and a small HTML page on the web pages.
Everything else passes through unchanged (the buffered body is replayed to the app), so
SQL- or template-looking text is stored and returned intact like any other text.
Fields that do not arrive as JSON, forms or query strings (multipart field values, file
names, text extracted from files) should use ``SafeText`` or ``reject_unsafe_text``.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import FastAPI
from pydantic import AfterValidator
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hireloop.config import Settings
from hireloop.errors import ErrorResponse, ValidationErrorResponse

MAX_JSON_DEPTH = 32
API_PATH_PREFIX = "/api/"
_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_JSON = "application/json"
_MULTIPART = "multipart/form-data"
_FORM = "application/x-www-form-urlencoded"

# Server-rendered pages load their own scripts, styles and images only, and may not be framed.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)
# /docs and /redoc are FastAPI's Swagger UI and ReDoc pages, which load from a CDN.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
    "font-src 'self' https://fonts.gstatic.com; worker-src 'self' blob:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
_DOCS_PATHS = ("/docs", "/redoc")
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),  # URLs carry ids; never send them to other sites
    ("cross-origin-opener-policy", "same-origin"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=()"),
)


def reject_unsafe_text(value: str) -> str:
    """Pydantic validator: refuse NUL characters and lone surrogates (422)."""
    problem = _text_problem(value)
    if problem:
        raise ValueError(problem)
    return value


SafeText = Annotated[str, AfterValidator(reject_unsafe_text)]


def _text_problem(value: str) -> str | None:
    if "\x00" in value:
        return "text must not contain NUL characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "text must be valid Unicode (no lone surrogates)"
    return None


class _Refused(Exception):
    def __init__(self, status_code: int, detail: str, loc: tuple[str | int, ...] = ()) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail
        self.loc = loc


def _walk_json(document: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every string (keys included) with its location; iterative, bounded in depth."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [(("body",), document)]
    while stack:
        loc, value = stack.pop()
        if len(loc) > MAX_JSON_DEPTH + 1:
            raise _Refused(422, f"JSON is nested more than {MAX_JSON_DEPTH} levels deep", loc[:1])
        if isinstance(value, str):
            yield loc, value
        elif isinstance(value, dict):
            for key, item in value.items():
                yield (*loc, key), key
                stack.append(((*loc, key), item))
        elif isinstance(value, list):
            stack.extend(((*loc, index), item) for index, item in enumerate(value))


def _check_json(body: bytes) -> None:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _Refused(422, "Request body is not valid UTF-8", ("body",)) from None
    try:
        document = json.loads(text)
    except RecursionError:
        raise _Refused(422, f"JSON is nested more than {MAX_JSON_DEPTH} levels deep") from None
    except ValueError:
        return  # malformed JSON: FastAPI answers with its usual 422 and position
    for loc, value in _walk_json(document):
        problem = _text_problem(value)
        if problem:
            raise _Refused(422, problem, loc)


def _check_pairs(raw: str, where: str) -> None:
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise _Refused(422, f"{where} is not valid UTF-8", (where,)) from None
    for key, value in pairs:
        for text in (key, value):
            problem = _text_problem(text)
            if problem:
                raise _Refused(422, problem, (where, key))


def _media_type(headers: dict[bytes, bytes]) -> str:
    value = headers.get(b"content-type", b"").decode("latin-1")
    return value.split(";", 1)[0].strip().lower()


def _is_json(media_type: str) -> bool:
    return media_type == _JSON or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


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
        send = _with_security_headers(send, path)
        try:
            _check_pairs(scope.get("query_string", b"").decode("latin-1"), "query")
            receive = await self._checked_body(scope, receive)
        except _Refused as refused:
            await _refuse(send, refused, page=not path.startswith(API_PATH_PREFIX))
            return
        await self.app(scope, receive, send)

    async def _checked_body(self, scope: Scope, receive: Receive) -> Receive:
        if scope["method"] not in _BODY_METHODS:
            return receive
        headers = dict(scope.get("headers") or [])
        media_type = _media_type(headers)
        limit = self.max_upload_bytes if media_type == _MULTIPART else self.max_body_bytes
        declared = headers.get(b"content-length", b"").decode("latin-1").strip()
        if declared.isdigit() and int(declared) > limit:
            raise _Refused(413, _too_large(limit))
        body, tail = await _read_body(receive, limit)
        if body:
            self._check_content(scope["path"], media_type, body)
        return _replay(body, tail, receive)

    def _check_content(self, path: str, media_type: str, body: bytes) -> None:
        allowed = (
            [_JSON, _MULTIPART] if path.startswith(API_PATH_PREFIX) else [_JSON, _MULTIPART, _FORM]
        )
        if not media_type:
            raise _Refused(415, "A request body needs a Content-Type header")
        if _is_json(media_type):
            _check_json(body)
        elif media_type not in allowed:
            raise _Refused(
                415, f"Unsupported Content-Type '{media_type}'; expected {' or '.join(allowed)}"
            )
        elif media_type == _FORM:
            _check_pairs(body.decode("latin-1"), "body")


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
            raise _Refused(413, _too_large(limit))
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), None


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


def _with_security_headers(send: Send, path: str) -> Send:
    is_docs = path.startswith(_DOCS_PATHS)
    csp = DOCS_CSP if is_docs else PAGE_CSP

    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            present = {name.lower() for name, _ in headers}
            extra = [*SECURITY_HEADERS, ("content-security-policy", csp)]
            if path.startswith(API_PATH_PREFIX):
                extra.append(("cache-control", "no-store"))  # personal data: never cache
            for name, value in extra:
                if name.encode() not in present:  # a route may set its own, stricter value
                    headers.append((name.encode(), value.encode()))
            message["headers"] = headers
        await send(message)

    return send_with_headers


def _too_large(limit: int) -> str:
    mebibytes = limit / (1024 * 1024)
    size = f"{mebibytes:g} MB" if mebibytes >= 1 else f"{limit} bytes"
    return f"Request body too large (limit {size})"


# The web pages' refusals are pages too: a browser that posted a form (an oversized
# resume, say) shows this instead of raw JSON. Kept self-contained: the guard answers
# before the app (and its templates, session and CSRF token) is involved.
_REFUSAL_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Hireloop</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main id="main"><section class="card narrow"><h1>{title}</h1><p>{message}</p>
<p><a href="/">Go to the start page</a></p></section></main></body></html>
"""
_PAGE_TITLES = {413: "That file is too large", 415: "That did not work", 422: "That did not work"}


async def _refuse(send: Send, refused: _Refused, *, page: bool = False) -> None:
    if page:
        body = _REFUSAL_PAGE.format(
            title=_PAGE_TITLES.get(refused.status_code, "That did not work"),
            message=html.escape(refused.detail),
        ).encode()
        content_type = b"text/html; charset=utf-8"
    else:
        body = json.dumps(_refusal_payload(refused)).encode()
        content_type = b"application/json"
    await send(
        {
            "type": "http.response.start",
            "status": refused.status_code,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _refusal_payload(refused: _Refused) -> dict[str, Any]:
    payload: dict[str, Any] = {"detail": refused.detail}
    if refused.status_code == 422:
        location = ".".join(str(part) for part in refused.loc if part != "body")
        payload["detail"] = f"{location}: {refused.detail}" if location else refused.detail
        payload["errors"] = [
            {"loc": list(refused.loc), "msg": refused.detail, "type": "value_error"}
        ]
    return payload


def install_security(app: FastAPI, settings: Settings) -> None:
    """CORS for the configured origins, then the guard outermost (so its headers and
    refusals apply to every response), and the OpenAPI entries for what the guard returns."""
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
        expose_headers=["Retry-After", "X-Request-ID"],
    )
    app.add_middleware(
        RequestGuardMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
    )
    _document_guard_responses(app)


def _document_guard_responses(app: FastAPI) -> None:
    """Every operation lists the 413/415/422 the guard can answer with, and every 422 uses
    the app's real shape (FastAPI's default 422 schema describes a different body)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (ErrorResponse, ValidationErrorResponse):
            components.setdefault(
                model.__name__, model.model_json_schema(ref_template="#/components/schemas/{model}")
            )
        for path_item in schema.get("paths", {}).values():
            for method, operation in path_item.items():
                if method.upper() not in {"GET", "POST", "PUT", "PATCH", "DELETE"}:
                    continue
                responses = operation.setdefault("responses", {})
                codes = ["422"]
                if "requestBody" in operation:
                    codes += ["413", "415"]
                    if _MULTIPART in operation["requestBody"].get("content", {}):
                        codes.append("400")  # FastAPI's answer to a malformed multipart body
                for code in codes:
                    current = responses.get(code)
                    if current is None or "HTTPValidationError" in json.dumps(current):
                        responses[code] = _response_entry(code)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _response_entry(code: str) -> dict[str, Any]:
    model = "ValidationErrorResponse" if code == "422" else "ErrorResponse"
    description = {
        "400": "Malformed request body",
        "413": "Request body too large",
        "415": "Unsupported media type",
        "422": "Invalid input",
    }[code]
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model}"}}},
    }

"""Hostile-input guard at the edge, security headers on every response, CORS, and the
client address behind trusted proxies.

``TrustedProxyMiddleware`` (outermost) believes ``X-Forwarded-For``/``-Proto`` only from
``HIRELOOP_TRUSTED_PROXIES``. ``RequestGuardMiddleware`` looks at every HTTP request
before any route does:

- a body larger than ``max_body_bytes`` (``max_upload_bytes`` for multipart uploads) → 413
  on the API; a page route gets the request with an empty body instead, marked so that
  it answers with its own message (``body_refusal``; ``web.session.check_csrf``);
- a body with a missing or unsupported ``Content-Type`` → 415 (the API takes JSON and
  multipart uploads; the server-rendered pages also take URL-encoded forms), and
  multipart declaring a charset other than UTF-8 (the app would decode fields with it);
- text that no database column can hold → 422, the same for every field of every route:
  NUL characters (PostgreSQL rejects them in ``text``), invalid UTF-8 and lone surrogates,
  in JSON bodies (keys and values, in any encoding JSON allows), URL-encoded forms,
  multipart text fields and query strings; and JSON nested deeper than
  ``MAX_JSON_DEPTH``. Such text is refused, never silently stripped, so what is stored is
  always exactly what the client sent.

Other refusals are JSON on the API and a small HTML page on the web pages.
Everything else passes through unchanged (the buffered body is replayed to the app), so
SQL- or template-looking text is stored and returned intact like any other text.
What the guard does not read (uploaded files, their names, text extracted from files)
should use ``SafeText`` or ``reject_unsafe_text``.
"""

from __future__ import annotations

import codecs
import html
import json
from collections.abc import Iterator, Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from pydantic import AfterValidator
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hireloop.config import Settings
from hireloop.errors import ErrorResponse, ValidationErrorResponse

MAX_JSON_DEPTH = 32
_BODY_REFUSED = "hireloop_body_refused"  # key in the request's scope["state"]
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
# /docs and /redoc (api_docs): Swagger UI and ReDoc from this server, started by a script
# file, so scripts come from 'self' only. Their styles are inline (ReDoc writes <style>
# elements; Swagger UI sets style attributes) and ReDoc's search runs in a blob: worker.
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; worker-src 'self' blob:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
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


class _TooLarge(_Refused):
    def __init__(self, limit: int) -> None:
        super().__init__(413, _too_large(limit))
        self.limit = limit


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
    # Decoded exactly as the app will decode it (json.loads on bytes: a UTF-8 byte-order
    # mark, UTF-16 and UTF-32 are all accepted there), so both see the same document.
    encoding = json.detect_encoding(body)
    try:
        text = body.decode(encoding)
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


def _single_content_type(raw_headers: list[tuple[bytes, bytes]]) -> None:
    """Two Content-Type headers would let the guard and the app read different ones."""
    if sum(1 for name, _ in raw_headers if name.lower() == b"content-type") > 1:
        raise _Refused(400, "Send one Content-Type header, not several")


def _check_multipart(body: bytes, content_type: bytes) -> None:
    """The text fields of a multipart form (not its files): the same rules as any text."""
    # Read the header exactly as Starlette does, so both see the same boundary and charset.
    _, params = parse_options_header(content_type)
    charset = params.get(b"charset")
    if charset is not None and _codec_name(charset) != "utf-8":
        # Starlette would decode every field with it: in UTF-7, "+AAA-" is a NUL.
        raise _Refused(415, "multipart/form-data must be UTF-8 (leave out the charset)")
    boundary = params.get(b"boundary", b"").decode("latin-1")
    if not boundary:
        return  # the app answers a multipart body without a boundary with its own 400
    fields: list[tuple[str, bytes, bool]] = []  # (name, value, is a file)
    part: dict[str, Any] = {}

    def on_part_begin() -> None:
        part.clear()
        part.update(headers={}, field=b"", value=b"", data=[])

    def on_header_field(data: bytes, start: int, end: int) -> None:
        part["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        name = part["field"].decode("latin-1").lower()
        part["headers"][name] = part["headers"].get(name, b"") + data[start:end]

    def on_header_end() -> None:
        part["field"] = b""

    def on_part_data(data: bytes, start: int, end: int) -> None:
        part["data"].append(data[start:end])

    def on_part_end() -> None:
        disposition = part["headers"].get("content-disposition", b"").decode("latin-1")
        name = next(
            (
                p.split("=", 1)[1].strip().strip('"')
                for p in disposition.split(";")
                if p.strip().lower().startswith("name=")
            ),
            "field",
        )
        fields.append((name, b"".join(part["data"]), "filename" in disposition.lower()))

    callbacks: Any = {
        "on_part_begin": on_part_begin,
        "on_header_field": on_header_field,
        "on_header_value": on_header_value,
        "on_header_end": on_header_end,
        "on_part_data": on_part_data,
        "on_part_end": on_part_end,
    }
    try:
        parser = MultipartParser(boundary, callbacks)
        parser.write(body)
        parser.finalize()
    except Exception:
        return
    for name, value, is_file in fields:
        if is_file:
            continue  # files are checked by what reads them (resume text extraction)
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            raise _Refused(422, "text must be valid UTF-8", ("body", name)) from None
        problem = _text_problem(text)
        if problem:
            raise _Refused(422, problem, ("body", name))


def _codec_name(charset: bytes) -> str | None:
    try:
        return codecs.lookup(charset.decode("latin-1")).name
    except LookupError:
        return None


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
        page = not path.startswith(API_PATH_PREFIX)
        try:
            _check_pairs(scope.get("query_string", b"").decode("latin-1"), "query")
            receive = await self._checked_body(scope, receive)
        except _TooLarge as too_large:
            if not page:
                await _refuse(send, too_large)
                return
            # The page answers: its form again with its own message, JSON to its script.
            receive = _hand_over_refusal(scope, receive, too_large.limit)
        except _Refused as refused:
            await _refuse(send, refused, page=page)
            return
        await self.app(scope, receive, send)

    async def _checked_body(self, scope: Scope, receive: Receive) -> Receive:
        if scope["method"] not in _BODY_METHODS:
            return receive
        raw_headers = list(scope.get("headers") or [])
        _single_content_type(raw_headers)
        headers = dict(raw_headers)
        media_type = _media_type(headers)
        limit = self.max_upload_bytes if media_type == _MULTIPART else self.max_body_bytes
        declared = headers.get(b"content-length", b"").decode("latin-1").strip()
        if declared.isdigit() and int(declared) > limit:
            raise _TooLarge(limit)
        body, tail = await _read_body(receive, limit)
        if body:
            self._check_content(scope["path"], media_type, body)
            if media_type == _MULTIPART:
                _check_multipart(body, headers.get(b"content-type", b""))
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
            raise _TooLarge(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), None


def _hand_over_refusal(scope: Scope, receive: Receive, limit: int) -> Receive:
    """Pass a page request on with an empty body, marked for ``body_refusal``."""
    scope.setdefault("state", {})[_BODY_REFUSED] = _too_large_for_page(limit)
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


def _size(limit: int) -> str:
    mebibytes = limit / (1024 * 1024)
    return f"{mebibytes:g} MB" if mebibytes >= 1 else f"{limit} bytes"


def _too_large(limit: int) -> str:
    return f"Request body too large (limit {_size(limit)})"


def _too_large_for_page(limit: int) -> str:
    return (
        f"What you sent is larger than the {_size(limit)} the server accepts, so it was "
        "not saved. Choose a smaller file or shorten the text, and try again."
    )


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


ProxyNetwork = IPv4Network | IPv6Network


class TrustedProxyMiddleware:
    """The client's address and scheme as forwarded by a trusted reverse proxy.

    Only a request whose peer is one of ``trusted`` (``HIRELOOP_TRUSTED_PROXIES``) has its
    ``X-Forwarded-For`` and ``X-Forwarded-Proto`` believed; from anyone else they are
    ignored, so a client cannot pick the address its per-IP login limit counts against.
    The client is the nearest address in ``X-Forwarded-For`` that is not a trusted proxy
    (proxies append the address they received the request from).
    """

    def __init__(self, app: ASGIApp, *, trusted: Sequence[ProxyNetwork]) -> None:
        self.app = app
        self.trusted = tuple(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] in ("http", "websocket") and client and self._is_trusted(client[0]):
            forwarded_for: list[str] = []
            proto: str | None = None
            for name, value in scope.get("headers") or []:
                if name == b"x-forwarded-for":
                    forwarded_for += value.decode("latin-1").split(",")
                elif name == b"x-forwarded-proto":
                    proto = value.decode("latin-1").split(",")[-1].strip().lower()
            hops = [_host_of(hop) for hop in forwarded_for if hop.strip()]
            if hops:
                # Right to left, past our own proxies; if every hop is one, the first.
                address = next(
                    (hop for hop in reversed(hops) if not self._is_trusted(hop)), hops[0]
                )
                scope["client"] = (address, 0)
            if proto in ("http", "https"):
                scope["scheme"] = proto if scope["type"] == "http" else proto.replace("http", "ws")
        await self.app(scope, receive, send)

    def _is_trusted(self, host: str) -> bool:
        try:
            address = ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self.trusted)


def _host_of(hop: str) -> str:
    """An X-Forwarded-For entry without its port: ``1.2.3.4:80`` or ``[::1]:80``."""
    hop = hop.strip()
    if hop.startswith("[") and "]" in hop:
        return hop[1 : hop.index("]")]
    if hop.count(":") == 1:
        return hop.split(":", 1)[0]
    return hop


def install_security(app: FastAPI, settings: Settings) -> None:
    """CORS for the configured origins, then the guard (so its headers and refusals apply
    to every response), then the trusted-proxy middleware outermost (so everything sees
    the real client), and the OpenAPI entries for what the guard returns."""
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
    app.add_middleware(TrustedProxyMiddleware, trusted=settings.trusted_proxies)
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

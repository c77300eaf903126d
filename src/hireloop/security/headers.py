"""Security headers and the Content-Security-Policy added to every HTTP response.

A response that sets one of these headers itself keeps its own (stricter) value. The
request guard wraps ``send`` with ``with_security_headers`` first, so its own refusals
carry the headers too.
"""

from __future__ import annotations

from starlette.types import Message, Send

from hireloop.security import API_PATH_PREFIX

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


def with_security_headers(send: Send, path: str) -> Send:
    """``send`` that adds the headers for ``path`` to the response start."""
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

"""How the request guard says no: the refusal, its message, and the response it sends.

The API gets JSON (``{"detail": ...}``, and ``errors`` on a 422, the app's usual shapes);
a page gets a small self-contained HTML page, since the guard answers before the app (and
its templates, session and CSRF token) is involved.
"""

from __future__ import annotations

import html
import json
from typing import Any

from starlette.types import Send


class Refused(Exception):
    """A request the guard will not pass on: its status, message and the field at fault."""

    def __init__(self, status_code: int, detail: str, loc: tuple[str | int, ...] = ()) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail
        self.loc = loc


class TooLarge(Refused):
    """A body over ``limit`` bytes (413 on the API; page routes answer it themselves)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _too_large(limit))
        self.limit = limit


def _size(limit: int) -> str:
    mebibytes = limit / (1024 * 1024)
    return f"{mebibytes:g} MB" if mebibytes >= 1 else f"{limit} bytes"


def _too_large(limit: int) -> str:
    return f"Request body too large (limit {_size(limit)})"


def too_large_for_page(limit: int) -> str:
    """What a page tells its user when their form was over ``limit`` bytes."""
    return (
        f"What you sent is larger than the {_size(limit)} the server accepts, so it was "
        "not saved. Choose a smaller file or shorten the text, and try again."
    )


# A browser that posted a form (an oversized resume, say) shows this instead of raw JSON.
_REFUSAL_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Hireloop</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main id="main"><section class="card narrow"><h1>{title}</h1><p>{message}</p>
<p><a href="/">Go to the start page</a></p></section></main></body></html>
"""
_PAGE_TITLES = {413: "That file is too large", 415: "That did not work", 422: "That did not work"}


async def refuse(send: Send, refused: Refused, *, page: bool = False) -> None:
    """Answer with the refusal: an HTML page if ``page``, else JSON."""
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


def _refusal_payload(refused: Refused) -> dict[str, Any]:
    payload: dict[str, Any] = {"detail": refused.detail}
    if refused.status_code == 422:
        location = ".".join(str(part) for part in refused.loc if part != "body")
        payload["detail"] = f"{location}: {refused.detail}" if location else refused.detail
        payload["errors"] = [
            {"loc": list(refused.loc), "msg": refused.detail, "type": "value_error"}
        ]
    return payload

"""Driving the web pages in-process the way a browser would: GET a page, post its forms."""

from __future__ import annotations

import html
import re
from typing import Any

from httpx import AsyncClient, Response

# What static/confirm.js adds once the user has said yes to its question.
CONFIRMED = {"confirmed": "1"}
_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def question_of(page: Response) -> str:
    """The id of the question an interview page's answer form answers."""
    match = re.search(r'name="question_id" value="([^"]+)"', page.text)
    assert match, "page has no answer form"
    return match.group(1)


def csrf_of(page: Response) -> str:
    match = _CSRF.search(page.text)
    assert match, "page has no CSRF token"
    return html.unescape(match.group(1))


async def submit(
    client: AsyncClient, page_url: str, action: str, data: dict[str, Any] | None = None
) -> Response:
    """Open page_url (for its CSRF token), then post a form to action."""
    page = await client.get(page_url)
    assert page.status_code == 200, page.text
    return await client.post(action, data={**(data or {}), "csrf_token": csrf_of(page)})


async def web_register(client: AsyncClient, email: str, name: str = "Ada Candidate") -> Response:
    response = await submit(
        client,
        "/register",
        "/register",
        {"full_name": name, "email": email, "password": "correct-horse-9"},
    )
    assert response.status_code == 303, response.text
    return response


async def web_login(client: AsyncClient, email: str, password: str = "correct-horse-9") -> Response:
    return await submit(client, "/login", "/login", {"email": email, "password": password})

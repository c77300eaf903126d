"""Driving the web pages in-process the way a browser would: GET a page, post its forms."""

from __future__ import annotations

import html
import re
from typing import Any

from httpx import AsyncClient, Response

from hireloop.consent.notice import NOTICE_URL

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


async def web_register(
    client: AsyncClient, email: str, name: str = "Ada Candidate", *, consent: bool = True
) -> Response:
    """Registers through the page; the candidate then accepts the candidate notice on its
    page, as every candidate does before an interview (``consent=False``: not yet)."""
    response = await submit(
        client,
        "/register",
        "/register",
        {"full_name": name, "email": email, "password": "correct-horse-9"},
    )
    assert response.status_code == 303, response.text
    if consent:
        await web_accept_notice(client)
    return response


async def web_accept_notice(client: AsyncClient) -> Response:
    """The signed-in candidate ticks the box on the notice page and accepts it."""
    page = await client.get(NOTICE_URL)
    assert page.status_code == 200, page.text
    version = re.search(r'name="notice_version" value="([^"]+)"', page.text)
    assert version, "the notice page has no acceptance form"
    accepted = await client.post(
        NOTICE_URL,
        data={"agree": "yes", "notice_version": version.group(1), "csrf_token": csrf_of(page)},
    )
    assert accepted.status_code == 303, accepted.text
    return accepted


async def web_login(client: AsyncClient, email: str, password: str = "correct-horse-9") -> Response:
    return await submit(client, "/login", "/login", {"email": email, "password": password})


async def staff_page_login(client: AsyncClient, token: str) -> Response:
    """Signs the staff user behind an API token in to the pages (fresh cookies)."""
    me = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200, me.text
    client.cookies.clear()
    response = await web_login(client, me.json()["email"])
    assert response.status_code == 303, response.text
    return response

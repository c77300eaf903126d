"""A page form past the server's size limit gets an answer a person can read: a page of
the site with a message in the browser, JSON for the page's own script. (The resume
upload's own case, its form again with the message beside the file field, is in
test_profile.py.)"""

from __future__ import annotations

import uuid
from typing import Any

from httpx import AsyncClient

from hireloop.auth.models import UserRole
from hireloop.config import Settings
from tests.factories import create_staff_user
from tests.web.forms import csrf_of, question_of, web_register

TOO_LARGE = "larger than the 1 MB the server accepts, so it was not saved"


async def test_a_form_past_the_limit_gets_a_page_with_the_site_around_it(
    client: AsyncClient, app: Any, settings: Settings
) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    client.cookies.set("hireloop_session", recruiter)
    page = await client.get("/recruiter/jobs/new")
    form = {
        "csrf_token": csrf_of(page),
        "title": "Huge posting",
        "description": "x" * (settings.max_body_bytes + 1),
    }
    response = await client.post("/recruiter/jobs/new", data=form)
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert TOO_LARGE in response.text
    assert 'href="/recruiter/jobs"' in response.text  # the site's navigation, signed in
    assert "Huge posting" not in (await client.get("/recruiter/jobs")).text


async def test_the_interview_pages_script_gets_json(client: AsyncClient) -> None:
    await web_register(client, f"big-{uuid.uuid4().hex[:8]}@example.com")
    practice = await client.get("/practice")
    started = await client.post(
        "/practice", data={"role_type": "python", "csrf_token": csrf_of(practice)}
    )
    interview = await client.get(started.headers["location"])
    response = await client.post(
        started.headers["location"] + "/answer",
        data={
            "content": "x" * (2 * 1024 * 1024),
            "question_id": question_of(interview),
            "csrf_token": csrf_of(interview),
        },
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"
    assert TOO_LARGE in response.json()["detail"]

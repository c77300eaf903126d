"""The candidate notice and consent (issue 18): readable by anyone, accepted once per
version (page, API or with the start request), required before an interview starts (428),
and shown to the job's recruiter."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient

from hireloop.auth.models import UserRole
from hireloop.config import Settings
from hireloop.consent.notice import NOTICE_URL, notice_version
from hireloop.main import create_app
from tests.factories import (
    apply,
    auth,
    create_job,
    create_staff_user,
    register_candidate,
)
from tests.web.forms import (
    csrf_of,
    staff_page_login,
    submit,
    web_login,
    web_register,
)

START = "/api/v1/interviews/start"
CONSENTS = "/api/v1/me/consents"


async def _start(client: AsyncClient, token: str, body: dict[str, Any]) -> Any:
    return await client.post(START, json=body, headers=auth(token))


@asynccontextmanager
async def served(settings: Settings) -> AsyncIterator[AsyncClient]:
    """A client of another server with ``settings``, on the test's database."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


@pytest.fixture
def current_version(settings: Settings) -> str:
    """The notice version this test server asks candidates to accept."""
    return notice_version(settings)


async def test_the_notice_is_readable_without_login(
    client: AsyncClient, current_version: str
) -> None:
    response = await client.get("/api/v1/consent-notice")
    assert response.status_code == 200
    notice = response.json()
    assert notice["version"] == current_version and notice["url"] == NOTICE_URL
    keys = [section["key"] for section in notice["sections"]]
    assert keys == ["what", "how", "who", "retention", "human", "consent"]
    assert "built into Hireloop" in notice["text"]  # the judge this server uses
    assert "a person" in notice["text"] and "decides" in notice["text"]
    assert "until you delete your account" in notice["text"]
    assert notice["consent_required"] is True
    page = await client.get(NOTICE_URL)
    assert page.status_code == 200
    assert "Your right to a human alternative" in page.text
    assert f"version {current_version}" in page.text
    assert 'name="agree"' not in page.text  # nothing to accept when signed out
    home = await client.get("/jobs")
    assert f'href="{NOTICE_URL}"' in home.text  # the footer links the notice


async def test_the_notice_names_the_operator_contact_and_the_model(settings: Settings) -> None:
    configured = settings.model_copy(
        update={
            "human_alternative_contact": "people@acme.example",
            "ai_provider": "openai",
            "ai_base_url": "http://127.0.0.1:9/v1",
            "ai_model": "llama-3.1-8b",
        }
    )
    async with served(configured) as client:
        text = (await client.get("/api/v1/consent-notice")).json()["text"]
        page = (await client.get(NOTICE_URL)).text
    assert "contact people@acme.example" in text and "people@acme.example" in page
    assert "language model (llama-3.1-8b)" in text


async def test_a_new_judge_asks_for_consent_again(client: AsyncClient, settings: Settings) -> None:
    """Consent is to what the notice said: once the operator lets a language model judge,
    a candidate who accepted "the built-in judge" must read and accept it again."""
    token = (await register_candidate(client))["access_token"]
    before = (await client.get("/api/v1/consent-notice")).json()["version"]
    with_model = settings.model_copy(
        update={
            "ai_provider": "openai",
            "ai_base_url": "http://127.0.0.1:9/v1",
            "ai_model": "llama-3.1-8b",
        }
    )
    async with served(with_model) as other:
        after = (await other.get("/api/v1/consent-notice")).json()["version"]
        mine = (await other.get(CONSENTS, headers=auth(token))).json()
        refused = await _start(other, token, {"role_type": "python"})
    assert after != before and after.split(".")[0] == before.split(".")[0]
    assert mine["accepted_current"] is False and mine["current_notice_version"] == after
    assert refused.status_code == 428, refused.text
    assert refused.json()["notice_version"] == after


async def test_the_notice_states_the_operators_retention(settings: Settings) -> None:
    """The notice says what the purge will actually do, not a fixed sentence."""
    configured = settings.model_copy(
        update={"retention_transcript_days": 180, "retention_resume_days": 30}
    )
    async with served(configured) as client:
        text = (await client.get("/api/v1/consent-notice")).json()["text"]
    assert "interview transcripts are deleted 180 days after the application is closed" in text
    assert "resumes are deleted 30 days after the application is closed" in text


async def test_start_needs_consent_then_the_seed_requests_work(
    client: AsyncClient, current_version: str
) -> None:
    token = (await register_candidate(client, consent=False))["access_token"]
    refused = await _start(client, token, {"role_type": "python"})
    assert refused.status_code == 428
    body = refused.json()
    assert body["code"] == "consent_required"
    assert body["notice_version"] == current_version and body["notice_url"] == NOTICE_URL
    assert "notice" in body["detail"]
    listed = (await client.get(CONSENTS, headers=auth(token))).json()
    assert listed["items"] == [] and listed["accepted_current"] is False

    accepted = await client.post(
        CONSENTS, json={"notice_version": current_version}, headers=auth(token)
    )
    assert accepted.status_code == 201
    assert accepted.json()["method"] == "api"
    again = await client.post(
        CONSENTS, json={"notice_version": current_version}, headers=auth(token)
    )
    assert again.status_code == 200
    assert again.json()["accepted_at"] == accepted.json()["accepted_at"]

    started = await _start(client, token, {"role_type": "python"})  # the seed's request
    assert started.status_code == 201, started.text
    listed = (await client.get(CONSENTS, headers=auth(token))).json()
    assert listed["accepted_current"] is True and len(listed["items"]) == 1


async def test_a_job_linked_start_needs_consent_too(
    client: AsyncClient, app: Any, current_version: str
) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    token = (await register_candidate(client, consent=False))["access_token"]
    application = await apply(client, token, job["id"])
    body = {"application_id": application["id"]}  # the seed's job-linked request
    assert (await _start(client, token, body)).status_code == 428
    still = await client.get(f"/api/v1/applications/{application['id']}", headers=auth(token))
    assert still.json()["status"] == "interview_scheduled"  # nothing moved
    await client.post(CONSENTS, json={"notice_version": current_version}, headers=auth(token))
    started = await _start(client, token, body)
    assert started.status_code == 201, started.text
    assert started.json()["job_posting_id"] == job["id"]


async def test_consent_inline_with_the_start_request(
    client: AsyncClient, current_version: str
) -> None:
    token = (await register_candidate(client, consent=False))["access_token"]
    started = await _start(
        client, token, {"role_type": "go", "consent_notice_version": current_version}
    )
    assert started.status_code == 201, started.text
    items = (await client.get(CONSENTS, headers=auth(token))).json()["items"]
    assert [(i["notice_version"], i["method"]) for i in items] == [(current_version, "start")]


@pytest.mark.parametrize("version", ["2020-01-01", "1"])
async def test_an_old_or_unknown_version_is_refused(
    client: AsyncClient, version: str, current_version: str
) -> None:
    token = (await register_candidate(client, consent=False))["access_token"]
    refused = await client.post(CONSENTS, json={"notice_version": version}, headers=auth(token))
    assert refused.status_code == 409
    assert refused.json()["code"] == "notice_version_outdated"
    assert refused.json()["notice_version"] == current_version
    inline = await _start(client, token, {"role_type": "go", "consent_notice_version": version})
    assert inline.status_code == 409
    assert inline.json()["code"] == "notice_version_outdated"
    assert (await client.get(CONSENTS, headers=auth(token))).json()["items"] == []


async def test_bad_consent_input_is_a_clear_422(client: AsyncClient, current_version: str) -> None:
    token = (await register_candidate(client, consent=False))["access_token"]
    for body in ({}, {"notice_version": ""}, {"notice_version": "x" * 41}, {"notice_version": 3}):
        response = await client.post(CONSENTS, json=body, headers=auth(token))
        assert response.status_code == 422, body
        assert "notice_version" in response.json()["detail"]
    assert (await client.get(CONSENTS)).status_code == 401
    assert (
        await client.post(CONSENTS, json={"notice_version": current_version})
    ).status_code == 401


async def test_operators_can_turn_the_requirement_off(settings: Settings) -> None:
    async with served(settings.model_copy(update={"consent_required": False})) as client:
        token = (await register_candidate(client, consent=False))["access_token"]
        started = await _start(client, token, {"role_type": "python"})
        notice = (await client.get("/api/v1/consent-notice")).json()
    assert started.status_code == 201, started.text
    assert notice["consent_required"] is False


async def test_recruiters_see_the_acceptance(
    client: AsyncClient, app: Any, current_version: str
) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    token = (await register_candidate(client, "Cleo Consent", consent=False))["access_token"]
    application = await apply(client, token, job["id"])
    listed = await client.get(
        f"/api/v1/job-postings/{job['id']}/applications", headers=auth(recruiter)
    )
    assert listed.json()["items"][0]["consent"] is None
    accepted = await client.post(
        CONSENTS, json={"notice_version": current_version}, headers=auth(token)
    )
    listed = await client.get(
        f"/api/v1/job-postings/{job['id']}/applications", headers=auth(recruiter)
    )
    consent = listed.json()["items"][0]["consent"]
    assert consent["notice_version"] == current_version
    assert consent["accepted_at"] == accepted.json()["accepted_at"]
    assert consent["method"] == "api"
    await staff_page_login(client, recruiter)
    page = await client.get(f"/recruiter/applications/{application['id']}")
    assert page.status_code == 200
    assert f"Accepted version {current_version}" in page.text


# --- the pages ---


async def test_practice_page_asks_for_consent_inline(
    client: AsyncClient, current_version: str
) -> None:
    await web_register(client, "paula@example.com", "Paula Page", consent=False)
    page = await client.get("/practice")
    assert 'name="consent_notice_version"' in page.text
    refused = await client.post(
        "/practice", data={"role_type": "python", "csrf_token": csrf_of(page)}
    )
    assert refused.status_code == 428
    assert "accept the candidate notice" in refused.text
    started = await client.post(
        "/practice",
        data={
            "role_type": "python",
            "consent_notice_version": current_version,
            "csrf_token": csrf_of(page),
        },
    )
    assert started.status_code == 303 and started.headers["location"].startswith("/interviews/")
    again = await client.get("/practice")
    assert 'name="consent_notice_version"' not in again.text  # asked once per version


async def test_a_job_start_without_consent_goes_to_the_notice_and_back(
    client: AsyncClient,
    app: Any,
    current_version: str,
) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    await web_register(client, "jon@example.com", "Jon Job", consent=False)
    applied = await submit(client, f"/jobs/{job['id']}", f"/jobs/{job['id']}/apply")
    assert applied.status_code == 303
    listing = await client.get("/applications")
    action = re.search(r'action="(/applications/[^"]+/start)"', listing.text)
    assert action
    sent = await client.post(action.group(1), data={"csrf_token": csrf_of(listing)})
    assert sent.status_code == 303
    assert sent.headers["location"].startswith(f"{NOTICE_URL}?next=/applications")
    notice = await client.get(sent.headers["location"])
    assert "Before your first interview" in notice.text and 'name="agree"' in notice.text
    # Not ticked: asked again, nothing recorded.
    unticked = await client.post(
        NOTICE_URL,
        data={
            "notice_version": current_version,
            "next": "/applications",
            "csrf_token": csrf_of(notice),
        },
    )
    assert unticked.status_code == 422 and "Tick the box" in unticked.text
    stale = await client.post(
        NOTICE_URL,
        data={"agree": "yes", "notice_version": "2001-01-01", "csrf_token": csrf_of(notice)},
    )
    assert stale.status_code == 409 and "notice changed" in stale.text
    accepted = await client.post(
        NOTICE_URL,
        data={
            "agree": "yes",
            "notice_version": current_version,
            "next": "/applications",
            "csrf_token": csrf_of(notice),
        },
    )
    assert accepted.status_code == 303
    assert accepted.headers["location"].startswith("/applications?notice=consent_accepted")
    sent = await client.post(action.group(1), data={"csrf_token": csrf_of(listing)})
    assert sent.status_code == 303 and sent.headers["location"].startswith("/interviews/")
    shown = await client.get(NOTICE_URL)
    assert "You accepted this notice on" in shown.text


async def test_the_interview_page_asks_for_consent_beside_its_start_button(
    client: AsyncClient,
    app: Any,
    current_version: str,
) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    candidate = await register_candidate(client, "Ines Interview", consent=False)
    token = candidate["access_token"]
    application = await apply(client, token, job["id"])
    await web_login(client, candidate["user"]["email"])
    page = await client.get(f"/interviews/{application['interview']['id']}")
    assert "A person instead" in page.text and f'href="{NOTICE_URL}"' in page.text
    assert 'name="consent_notice_version"' in page.text
    started = await client.post(
        f"/applications/{application['id']}/start",
        data={"consent_notice_version": current_version, "csrf_token": csrf_of(page)},
    )
    assert started.status_code == 303
    assert started.headers["location"] == f"/interviews/{application['interview']['id']}"
    items = (await client.get(CONSENTS, headers=auth(token))).json()["items"]
    assert [i["method"] for i in items] == ["page"]


async def test_staff_cannot_accept_the_candidate_notice(
    client: AsyncClient, app: Any, current_version: str
) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    await staff_page_login(client, recruiter)
    page = await client.get(NOTICE_URL)
    assert 'name="agree"' not in page.text
    refused = await client.post(
        NOTICE_URL,
        data={"agree": "yes", "notice_version": current_version, "csrf_token": csrf_of(page)},
    )
    assert refused.status_code == 403


async def test_refusals_about_the_application_come_before_the_notice(
    client: AsyncClient,
    app: Any,
) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    owner = (await register_candidate(client))["access_token"]
    application = await apply(client, owner, job["id"])
    stranger = (await register_candidate(client, consent=False))["access_token"]
    body = {"application_id": application["id"]}
    assert (await _start(client, stranger, body)).status_code == 403  # not 428
    unknown = {"application_id": "00000000-0000-4000-8000-000000000000"}
    assert (await _start(client, stranger, unknown)).status_code == 404
    assert (await _start(client, stranger, {"role_type": "cobol-ish"})).status_code == 422
    # The notice is for candidates: staff trying a practice interview are not asked.
    assert (await _start(client, recruiter, {"role_type": "python"})).status_code == 201

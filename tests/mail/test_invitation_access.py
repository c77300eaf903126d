"""Who may invite, to what, and how many: refusals in plain words, nothing sent."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from hireloop.auth.models import UserRole
from tests.factories import auth, create_job, create_staff_user, register_candidate
from tests.mail.conftest import deliver_all
from tests.mail.helpers import invite, recruiter_with_job
from tests.mail.smtp import Inbox
from tests.web.forms import staff_page_login, submit


async def test_only_the_postings_recruiter_or_an_admin_invites(
    app: Any, client: AsyncClient, inbox: Inbox
) -> None:
    _owner, job_id = await recruiter_with_job(app, client)
    other = await create_staff_user(app, UserRole.recruiter, "Oscar Other")
    status, body = await invite(client, other, job_id, "x@example.com")
    assert status == 403 and "Not authorized" in body["detail"]
    listed = await client.get(f"/api/v1/job-postings/{job_id}/invitations", headers=auth(other))
    assert listed.status_code == 403
    candidate = (await register_candidate(client))["access_token"]
    assert (await invite(client, candidate, job_id, "x@example.com"))[0] == 403
    anonymous = await client.post(
        f"/api/v1/job-postings/{job_id}/invitations", json={"emails": ["x@example.com"]}
    )
    assert anonymous.status_code == 401
    admin = await create_staff_user(app, UserRole.admin, "Ann Admin")
    assert (await invite(client, admin, job_id, "x@example.com"))[0] == 201
    await deliver_all(app)
    assert [m.envelope_to for m in inbox.messages] == [["x@example.com"]]

    # The pages too: another recruiter sees "Not allowed" and sends nothing.
    await staff_page_login(client, other)
    page = await client.get(f"/recruiter/jobs/{job_id}/invitations")
    assert page.status_code == 403 and "Not allowed" in page.text
    sent = await submit(
        client, "/recruiter/jobs", f"/recruiter/jobs/{job_id}/invitations", {"emails": "y@x.org"}
    )
    assert sent.status_code == 403
    await deliver_all(app)
    assert len(inbox.messages) == 1


async def test_bad_addresses_and_too_many_are_refused(app: Any, client: AsyncClient) -> None:
    token, job_id = await recruiter_with_job(app, client)
    for emails, words in (
        ([], "at least 1"),
        (["not-an-address"], "not a valid email"),
        (["Ada <ada@example.com>"], "without a name"),
        ([f"p{n}@example.com" for n in range(51)], "at most 50"),
    ):
        status, body = await invite(client, token, job_id, *emails)
        assert status == 422, (emails, body)
        assert words in body["detail"], body["detail"]


async def test_an_address_already_invited_is_skipped(app: Any, client: AsyncClient) -> None:
    token, job_id = await recruiter_with_job(app, client)
    await invite(client, token, job_id, "ada@example.com")
    status, body = await invite(client, token, job_id, "ADA@example.com", "bo@example.com")
    assert status == 201
    assert [i["email"] for i in body["invited"]] == ["bo@example.com"]
    assert body["already_invited"] == ["ada@example.com"]


async def test_a_paused_posting_takes_no_invitations(app: Any, client: AsyncClient) -> None:
    token, job_id = await recruiter_with_job(app, client)
    paused = await client.post(f"/api/v1/job-postings/{job_id}/pause", headers=auth(token))
    assert paused.status_code == 200
    status, body = await invite(client, token, job_id, "ada@example.com")
    assert status == 409 and "reopen it" in body["detail"]


async def test_the_daily_cap_counts_every_posting_of_the_recruiter(
    app: Any, client: AsyncClient, inbox: Inbox
) -> None:
    app.state.settings.invitation_daily_limit = 3
    token, job_a = await recruiter_with_job(app, client)
    job_b = (await create_job(client, token, title="Second posting"))["id"]
    assert (await invite(client, token, job_a, "a@example.com", "b@example.com"))[0] == 201
    status, body = await invite(client, token, job_b, "c@example.com", "d@example.com")
    assert status == 429 and "1 more invitations today" in body["detail"]
    assert (await invite(client, token, job_b, "c@example.com"))[0] == 201
    await deliver_all(app)
    assert sorted(m.envelope_to[0] for m in inbox.messages) == [
        "a@example.com",
        "b@example.com",
        "c@example.com",
    ]

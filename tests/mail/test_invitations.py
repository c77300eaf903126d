"""Invitations: the email with its signed link, and what the link does when followed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from httpx import AsyncClient
from sqlalchemy import select

from hireloop.db import utcnow
from hireloop.invitations.models import Invitation
from hireloop.invitations.tokens import invitation_token
from tests.factories import PASSWORD, auth, register_candidate
from tests.mail.conftest import deliver_all
from tests.mail.helpers import invite, link_in, path_of, recruiter_with_job
from tests.mail.smtp import Inbox
from tests.web.forms import submit, web_login


async def _accept(client: AsyncClient, path: str) -> Any:
    """Press "Accept and apply" on the invitation page."""
    return await submit(client, path, f"{path}/accept")


async def test_invited_addresses_get_an_email_with_their_own_link(
    app: Any, client: AsyncClient, inbox: Inbox
) -> None:
    token, job_id = await recruiter_with_job(app, client, title="Data Engineer")
    status, body = await invite(
        client, token, job_id, "Ada@Example.com", "grace@example.com", "ada@example.com"
    )
    assert status == 201, body
    assert sorted(i["email"] for i in body["invited"]) == ["ada@example.com", "grace@example.com"]
    assert {i["state"] for i in body["invited"]} == {"sent"}
    assert inbox.messages == []  # nothing leaves before the outbox delivers
    assert await deliver_all(app) == 2
    [to_ada] = inbox.to("ada@example.com")
    [to_grace] = inbox.to("grace@example.com")
    assert to_ada.envelope_to == ["ada@example.com"]
    assert to_ada.message["Subject"] == "Invitation to apply: Data Engineer at Acme Analytics"
    for received in (to_ada, to_grace):
        assert "Rita Recruiter invites you to apply for Data Engineer" in received.text
        assert "Data Engineer" in received.html and "<strong>" in received.html
        # Nobody else's address is in anyone's email.
        other = "grace" if received is to_ada else "ada@"
        assert other not in received.text and other not in received.html
    assert link_in(to_ada) != link_in(to_grace)
    assert link_in(to_ada).startswith("http://hireloop.test/invitations/")


async def test_the_link_leads_a_new_candidate_to_register_and_apply(
    app: Any, client: AsyncClient, inbox: Inbox
) -> None:
    token, job_id = await recruiter_with_job(app, client, title="QA Lead")
    await invite(client, token, job_id, "newcomer@example.com")
    await deliver_all(app)
    path = path_of(link_in(inbox.messages[0]))

    landing = await client.get(path)
    assert landing.status_code == 200
    assert "You are invited to apply for QA Lead" in landing.text
    assert f'href="/register?next={path}"' in landing.text
    listed = await client.get(f"/api/v1/job-postings/{job_id}/invitations", headers=auth(token))
    assert listed.json()["items"][0]["state"] == "opened"

    # Registering with ?next= comes back to the invitation, signed in.
    form = await client.get(f"/register?next={path}")
    assert f'name="next" value="{path}"' in form.text
    registered = await submit(
        client,
        f"/register?next={path}",
        "/register",
        {
            "full_name": "Nina Newcomer",
            "email": "newcomer@example.com",
            "password": PASSWORD,
            "next": path,
        },
    )
    assert registered.status_code == 303
    assert registered.headers["location"].startswith(path)
    signed_in = await client.get(path)
    assert "Accept and apply" in signed_in.text
    accepted = await _accept(client, path)
    assert accepted.status_code == 303
    assert accepted.headers["location"].startswith("/applications?notice=invitation_accepted")
    mine = await client.get("/applications")
    assert "QA Lead" in mine.text and "Start interview" in mine.text
    listed = await client.get(f"/api/v1/job-postings/{job_id}/invitations", headers=auth(token))
    assert listed.json()["items"][0]["state"] == "accepted"

    # The same link again: used.
    again = await client.get(path)
    assert again.status_code == 409
    assert "This invitation has already been used" in again.text
    assert 'class="site-header"' in again.text  # the site's layout, not bare text


async def test_an_existing_candidate_who_applied_already_keeps_that_application(
    app: Any, client: AsyncClient, inbox: Inbox
) -> None:
    token, job_id = await recruiter_with_job(app, client)
    candidate = await register_candidate(client, "Carl Candidate")
    email = candidate["user"]["email"]
    await client.post(
        "/api/v1/applications",
        json={"job_posting_id": job_id},
        headers=auth(candidate["access_token"]),
    )
    await invite(client, token, job_id, email)
    await deliver_all(app)
    path = path_of(link_in(inbox.messages[0]))
    await web_login(client, email)
    assert "already applied" in (await client.get(path)).text
    assert (await _accept(client, path)).status_code == 303
    mine = await client.get("/api/v1/applications/me", headers=auth(candidate["access_token"]))
    assert mine.json()["total"] == 1


async def test_expired_and_tampered_links_get_their_own_pages(
    app: Any, client: AsyncClient, inbox: Inbox
) -> None:
    token, job_id = await recruiter_with_job(app, client)
    await invite(client, token, job_id, "late@example.com")
    await deliver_all(app)
    path = path_of(link_in(inbox.messages[0]))
    signed = path.rsplit("/", 1)[1]

    header, claims, signature = signed.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    for bad in (
        f"{header}.{claims}.{flipped}",
        f"{header}.{claims[:-1]}.{signature}",
        "not-a-token",
        signed + "x",
    ):
        page = await client.get(f"/invitations/{bad}")
        assert page.status_code == 400, bad
        assert "This invitation link is not valid" in page.text
        assert 'class="site-header"' in page.text

    # A well-signed link whose time is up.
    maker = app.state.sessionmaker
    async with maker() as session:
        invitation = await session.scalar(select(Invitation))
        assert invitation is not None
        past = utcnow() - timedelta(minutes=1)
        expired = invitation_token(app.state.settings, invitation.id, past)
        invitation.expires_at = past
        await session.commit()
    page = await client.get(f"/invitations/{expired}")
    assert page.status_code == 410
    assert "This invitation has expired" in page.text
    listed = await client.get(f"/api/v1/job-postings/{job_id}/invitations", headers=auth(token))
    assert listed.json()["items"][0]["state"] == "expired"
    # The original link carries the same invitation: the database says it expired too.
    assert (await client.get(path)).status_code == 410


async def test_a_signed_in_candidate_cannot_accept_an_expired_or_forged_link(
    app: Any, client: AsyncClient
) -> None:
    candidate = await register_candidate(client)
    await web_login(client, candidate["user"]["email"])
    # An access token is signed with the same key but is not an invitation.
    refused = await submit(client, "/jobs", f"/invitations/{candidate['access_token']}/accept")
    assert refused.status_code == 400
    mine = await client.get("/api/v1/applications/me", headers=auth(candidate["access_token"]))
    assert mine.json()["total"] == 0

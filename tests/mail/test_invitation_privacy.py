"""Invitations hold an email address: they are in the person's export and go with them."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from hireloop.auth.models import UserRole
from tests.factories import PASSWORD, auth, create_job, create_staff_user, register_candidate
from tests.mail.conftest import deliver_all
from tests.mail.helpers import invite, link_in, path_of, recruiter_with_job
from tests.mail.smtp import Inbox
from tests.privacy.people import find_in_tables
from tests.privacy.test_export import _archive
from tests.web.forms import submit, web_login


async def test_invitations_are_exported_and_erased_with_the_person(
    app: Any, client: AsyncClient, inbox: Inbox
) -> None:
    candidate = await register_candidate(client, "Pia Private")
    email, token = candidate["user"]["email"], candidate["access_token"]
    recruiter, job_a = await recruiter_with_job(app, client, title="First")
    job_b = (await create_job(client, recruiter, title="Second"))["id"]
    other_recruiter, job_c = await recruiter_with_job(app, client, title="Third")
    await invite(client, recruiter, job_a, email)
    await invite(client, recruiter, job_b, email, "someone.else@example.com")
    await invite(client, other_recruiter, job_c, email.upper())
    await deliver_all(app)
    # She takes up one invitation; the others wait.
    path = path_of(link_in(inbox.to(email)[0]))
    await web_login(client, email)
    assert (await submit(client, path, f"{path}/accept")).status_code == 303

    document, _files = _archive(await client.get("/api/v1/me/export", headers=auth(token)))
    exported = document["data"]["invitations"]
    assert len(exported) == 3 and {row["email"] for row in exported} == {email}

    maker = app.state.sessionmaker
    assert "invitations.email" in await find_in_tables(maker, (email,))
    erased = await client.request(
        "DELETE", "/api/v1/me", json={"password": PASSWORD}, headers=auth(token)
    )
    assert erased.status_code == 204, erased.text
    assert await find_in_tables(maker, (email,)) == []
    # Someone else's invitation stays, and the recruiter still sees it.
    listed = await client.get(f"/api/v1/job-postings/{job_b}/invitations", headers=auth(recruiter))
    assert [item["email"] for item in listed.json()["items"]] == ["someone.else@example.com"]


async def test_erasing_the_recruiter_keeps_their_invitations(app: Any, client: AsyncClient) -> None:
    recruiter, job_id = await recruiter_with_job(app, client)
    admin = await create_staff_user(app, UserRole.admin, "Ann Admin")
    await invite(client, recruiter, job_id, "kept@example.com")
    me = await client.get("/api/v1/auth/me", headers=auth(recruiter))
    erased = await client.request(
        "DELETE", f"/api/v1/users/{me.json()['id']}", json={"confirm": True}, headers=auth(admin)
    )
    assert erased.status_code in (200, 204), erased.text
    listed = await client.get(f"/api/v1/job-postings/{job_id}/invitations", headers=auth(admin))
    assert listed.status_code == 200
    assert [item["email"] for item in listed.json()["items"]] == ["kept@example.com"]

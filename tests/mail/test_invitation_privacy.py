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
from tests.web.forms import staff_page_login, submit, web_login


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


async def erase_address(client: AsyncClient, token: str, email: str, **extra: Any) -> Any:
    return await client.post(
        "/api/v1/addresses/erase",
        json={"email": email, "confirm": True, **extra},
        headers=auth(token),
    )


async def test_an_invitee_without_an_account_can_be_forgotten(
    app: Any, client: AsyncClient, inbox: Inbox
) -> None:
    """Someone invited who never registered asks to be forgotten: an admin erases the
    invitations to the address; its links stop working and nothing more is emailed."""
    recruiter, job_id = await recruiter_with_job(app, client)
    admin = await create_staff_user(app, UserRole.admin, "Ann Admin")
    await invite(client, recruiter, job_id, "gone@example.com", "stays@example.com")
    await deliver_all(app)
    path = path_of(link_in(inbox.to("gone@example.com")[0]))
    await invite(client, recruiter, (await create_job(client, recruiter))["id"], "gone@example.com")
    maker = app.state.sessionmaker
    assert await find_in_tables(maker, ("gone@example.com",)) == ["invitations.email"]

    # Only admins; an address with an account is erased with the account instead.
    assert (await erase_address(client, recruiter, "gone@example.com")).status_code == 403
    anonymous = await client.post("/api/v1/addresses/erase", json={"email": "gone@example.com"})
    assert anonymous.status_code == 401
    assert (await erase_address(client, admin, "not an address")).status_code == 422
    unconfirmed = await erase_address(client, admin, "gone@example.com", confirm=False)
    assert unconfirmed.status_code == 422
    account = (await register_candidate(client, "Has Account"))["user"]["email"]
    taken = await erase_address(client, admin, account)
    assert taken.status_code == 409 and "erase that account" in taken.json()["detail"]

    erased = await erase_address(client, admin, "GONE@example.com")  # any spelling
    assert erased.status_code == 200 and erased.json() == {"invitations": 2}
    assert await find_in_tables(maker, ("gone@example.com",)) == []
    page = await client.get(path)
    assert page.status_code == 400 and "not valid" in page.text
    sent_before = len(inbox.messages)
    await deliver_all(app)  # the second invitation's email was still waiting
    assert len(inbox.messages) == sent_before and not inbox.to("gone@example.com")[1:]
    listed = await client.get(f"/api/v1/job-postings/{job_id}/invitations", headers=auth(recruiter))
    assert [item["email"] for item in listed.json()["items"]] == ["stays@example.com"]
    audit = await client.get(
        "/api/v1/admin/audit", params={"action": "address.erased"}, headers=auth(admin)
    )
    [entry] = audit.json()["items"]
    assert entry["details"] == {"invitations": 2} and "gone" not in str(entry)


async def test_the_people_page_offers_to_erase_an_address_without_an_account(
    app: Any, client: AsyncClient
) -> None:
    recruiter, job_id = await recruiter_with_job(app, client)
    admin = await create_staff_user(app, UserRole.admin, "Ann Admin")
    await invite(client, recruiter, job_id, "lone@example.com")
    await staff_page_login(client, admin)
    found = await client.get("/admin/people", params={"search": "Lone@Example.com"})
    assert "No account matches." in found.text
    assert "1 invitation to apply\n    was sent to it" in found.text
    done = await submit(
        client,
        "/admin/people?search=lone@example.com",
        "/admin/addresses/erase",
        {"email": "lone@example.com"},
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/admin/people?notice=address_erased"
    again = await client.get("/admin/people", params={"search": "lone@example.com"})
    assert "Nothing is held about this address" in again.text
    # A name search shows no address card at all.
    named = await client.get("/admin/people", params={"search": "Nobody Named"})
    assert "Invitations to" not in named.text

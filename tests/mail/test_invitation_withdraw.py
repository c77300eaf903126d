"""A recruiter withdraws an invitation: its link stops working with a page that says so,
its email is not sent if it was still waiting, and the address can be invited again."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient
from sqlalchemy import select

from hireloop.audit.models import AuditEntry
from hireloop.auth.models import UserRole
from hireloop.outbox import MessageStatus, OutboxMessage
from tests.factories import auth, create_job, create_staff_user, register_candidate
from tests.mail.conftest import deliver_all
from tests.mail.helpers import invite, link_in, path_of, recruiter_with_job
from tests.mail.smtp import Inbox
from tests.web.forms import staff_page_login, submit, web_register


async def withdraw(client: AsyncClient, token: str, job_id: str, invitation_id: str) -> Any:
    return await client.post(
        f"/api/v1/job-postings/{job_id}/invitations/{invitation_id}/withdraw",
        headers=auth(token),
    )


async def test_a_withdrawn_link_gets_its_own_page_and_cannot_be_accepted(
    app: Any, client: AsyncClient, inbox: Inbox
) -> None:
    token, job_id = await recruiter_with_job(app, client, title="Site Reliability Engineer")
    _status, body = await invite(client, token, job_id, "sam@example.com")
    await deliver_all(app)
    path = path_of(link_in(inbox.messages[0]))
    assert (await client.get(path)).status_code == 200  # opened once, before the change

    withdrawn = await withdraw(client, token, job_id, body["invited"][0]["id"])
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["state"] == "withdrawn"
    again = await withdraw(client, token, job_id, body["invited"][0]["id"])
    assert again.status_code == 200 and again.json()["state"] == "withdrawn"  # no change

    page = await client.get(path)
    assert page.status_code == 410
    assert "This invitation was withdrawn" in page.text
    assert "The recruiter has withdrawn this invitation" in page.text
    # Signed in as the invitee, accepting is refused the same way; nothing is applied for.
    await web_register(client, "sam@example.com", "Sam Invitee")
    fresh = await submit(client, "/applications", f"{path}/accept")
    assert fresh.status_code == 410 and "withdrawn" in fresh.text
    mine = await client.get("/applications")
    assert "Site Reliability Engineer" not in mine.text

    listed = await client.get(f"/api/v1/job-postings/{job_id}/invitations", headers=auth(token))
    assert [item["state"] for item in listed.json()["items"]] == ["withdrawn"]
    # The address may be invited again, with a new link that works.
    status, body = await invite(client, token, job_id, "sam@example.com")
    assert status == 201 and body["already_invited"] == []
    await deliver_all(app)
    new_path = path_of(link_in(inbox.messages[-1]))
    assert new_path != path and (await client.get(new_path)).status_code == 200


async def test_an_email_still_waiting_is_not_sent_once_withdrawn(
    app: Any, client: AsyncClient, inbox: Inbox
) -> None:
    token, job_id = await recruiter_with_job(app, client)
    _status, body = await invite(client, token, job_id, "early@example.com", "kept@example.com")
    early = next(item for item in body["invited"] if item["email"] == "early@example.com")
    assert (await withdraw(client, token, job_id, early["id"])).status_code == 200
    await deliver_all(app)
    assert [m.envelope_to for m in inbox.messages] == [["kept@example.com"]]
    async with app.state.sessionmaker() as session:
        statuses = sorted(
            (m.status, m.last_error or "") for m in await session.scalars(select(OutboxMessage))
        )
    assert statuses[0][0] is MessageStatus.delivered
    assert statuses[1][0] is MessageStatus.failed and "withdrawn" in statuses[1][1]


async def test_only_the_postings_recruiter_or_an_admin_withdraws_and_never_a_used_one(
    app: Any, client: AsyncClient, inbox: Inbox
) -> None:
    token, job_id = await recruiter_with_job(app, client)
    _status, body = await invite(client, token, job_id, "ida@example.com", "joe@example.com")
    ida, joe = sorted(body["invited"], key=lambda item: item["email"])
    other = await create_staff_user(app, UserRole.recruiter, "Oscar Other")
    assert (await withdraw(client, other, job_id, ida["id"])).status_code == 403
    candidate = (await register_candidate(client))["access_token"]
    assert (await withdraw(client, candidate, job_id, ida["id"])).status_code == 403
    anonymous = await client.post(f"/api/v1/job-postings/{job_id}/invitations/{ida['id']}/withdraw")
    assert anonymous.status_code == 401
    # An invitation is not found through another posting, even the same recruiter's.
    second_job = (await create_job(client, token))["id"]
    assert (await withdraw(client, token, second_job, ida["id"])).status_code == 404
    missing = await withdraw(client, token, job_id, "00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404 and "No such invitation" in missing.json()["detail"]
    assert (await withdraw(client, token, job_id, "not-an-id")).status_code == 422

    # A used invitation cannot be withdrawn: the candidate applied.
    await deliver_all(app)
    [to_joe] = inbox.to("joe@example.com")
    path = path_of(link_in(to_joe))
    await web_register(client, "joe@example.com", "Joe Invitee")
    assert (await submit(client, path, f"{path}/accept")).status_code == 303
    used = await withdraw(client, token, job_id, joe["id"])
    assert used.status_code == 409 and "already used" in used.json()["detail"]

    admin = await create_staff_user(app, UserRole.admin, "Ann Admin")
    assert (await withdraw(client, admin, job_id, ida["id"])).status_code == 200
    async with app.state.sessionmaker() as session:
        actions = list(
            await session.scalars(
                select(AuditEntry.action).where(AuditEntry.action == "invitation.withdrawn")
            )
        )
    assert actions == ["invitation.withdrawn"]  # once: only the change is recorded


async def test_the_invitations_page_withdraws_with_a_button(
    app: Any, client: AsyncClient, inbox: Inbox
) -> None:
    token, job_id = await recruiter_with_job(app, client)
    await invite(client, token, job_id, "pia@example.com")
    await staff_page_login(client, token)
    page_url = f"/recruiter/jobs/{job_id}/invitations"
    page = await client.get(page_url)
    assert 'Withdraw<span class="visually-hidden"> the invitation to pia@example.com' in page.text
    listed = await client.get(f"/api/v1/job-postings/{job_id}/invitations", headers=auth(token))
    invitation_id = listed.json()["items"][0]["id"]
    done = await submit(
        client, page_url, f"/recruiter/jobs/{job_id}/invitations/{invitation_id}/withdraw"
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"{page_url}?notice=invitation_withdrawn"
    after = await client.get(done.headers["location"])
    assert "Invitation withdrawn: its link no longer works." in after.text
    assert "Withdrawn" in after.text and "Withdraw<span" not in after.text
    await deliver_all(app)
    assert inbox.messages == []

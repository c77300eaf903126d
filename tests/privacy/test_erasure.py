"""Erasure: a candidate deletes their account (API and page), an admin erases one on
request; afterwards nothing of the person is left in any table or stored file."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hireloop.auth.models import UserRole
from hireloop.config import Settings
from hireloop.privacy.models import ApplicationOutcome
from tests.factories import PASSWORD, auth, create_job, create_staff_user, register_candidate
from tests.privacy.people import find_in_files, find_in_tables, interviewed_person
from tests.web.forms import submit, web_login


async def _audit(client: AsyncClient, admin: str, **params: str) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/admin/audit", params=params, headers=auth(admin))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_own_erasure_leaves_nothing_of_the_person_anywhere(
    client: AsyncClient, app: Any, settings: Settings
) -> None:
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    recruiter = await create_staff_user(app, UserRole.recruiter)
    admin = await create_staff_user(app, UserRole.admin, "Ann Admin")
    job = await create_job(client, recruiter)
    gone = await interviewed_person(client, job["id"], "Erika Erasable")
    kept = await interviewed_person(client, job["id"], "Karl Kept")
    # The recruiter looks at the results and decides: entries about the person.
    results = f"/api/v1/interviews/{gone.interview_id}/results"
    assert (await client.get(results, headers=auth(recruiter))).status_code == 200
    moved = await client.patch(
        f"/api/v1/applications/{gone.application_id}",
        json={"status": "rejected"},
        headers=auth(recruiter),
    )
    assert moved.status_code == 200, moved.text
    # Before: the person is everywhere (the scanner does find them).
    assert {"users.email", "interview_messages.content_text", "resumes.text"} <= set(
        await find_in_tables(maker, gone.needles)
    )
    assert find_in_files(settings.data_dir, gone.needles)

    wrong = await client.request(
        "DELETE", "/api/v1/me", json={"password": "not-my-password-1"}, headers=auth(gone.token)
    )
    assert wrong.status_code == 403 and wrong.json()["code"] == "wrong_password"
    missing = await client.request("DELETE", "/api/v1/me", json={}, headers=auth(gone.token))
    assert missing.status_code == 422
    erased = await client.request(
        "DELETE", "/api/v1/me", json={"password": PASSWORD}, headers=auth(gone.token)
    )
    assert erased.status_code == 204, erased.text

    assert await find_in_tables(maker, gone.needles) == []
    assert find_in_files(settings.data_dir, gone.needles) == []
    # The token died with the account; the other candidate keeps everything.
    assert (await client.get("/api/v1/auth/me", headers=auth(gone.token))).status_code == 401
    assert "users.email" in await find_in_tables(maker, kept.needles)
    assert find_in_files(settings.data_dir, kept.needles)
    mine = await client.get("/api/v1/applications/me", headers=auth(kept.token))
    assert mine.json()["total"] == 1
    # What recruiters keep: one anonymous outcome for the application.
    async with maker() as session:
        outcomes = list(await session.scalars(select(ApplicationOutcome)))
    assert [(o.status, str(o.job_posting_id)) for o in outcomes] == [("rejected", job["id"])]
    assert outcomes[0].overall_score is not None and outcomes[0].recommendation
    listing = await client.get(
        f"/api/v1/job-postings/{job['id']}/applications", headers=auth(recruiter)
    )
    assert [i["candidate"]["email"] for i in listing.json()["items"]] == [kept.email]
    # The audit log says it happened, by id only.
    entries = await _audit(client, admin, person_id=gone.user_id)
    actions = [entry["action"] for entry in entries]
    assert actions[0] == "account.erased"
    assert {"results.viewed", "application.status_changed"} <= set(actions)
    assert entries[0]["details"]["by"] == "self" and entries[0]["actor_email"] is None


async def test_staff_cannot_erase_themselves_and_admins_erase_on_request(
    client: AsyncClient, app: Any, settings: Settings
) -> None:
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    recruiter = await create_staff_user(app, UserRole.recruiter)
    admin = await create_staff_user(app, UserRole.admin)
    job = await create_job(client, recruiter)
    person = await interviewed_person(client, job["id"], "Olga Onrequest")

    refused = await client.request(
        "DELETE", "/api/v1/me", json={"password": PASSWORD}, headers=auth(recruiter)
    )
    assert refused.status_code == 403 and refused.json()["code"] == "staff_self_erasure"
    url = f"/api/v1/users/{person.user_id}"
    assert (
        await client.request("DELETE", url, json={"confirm": True}, headers=auth(recruiter))
    ).status_code == 403
    unconfirmed = await client.request("DELETE", url, json={}, headers=auth(admin))
    assert unconfirmed.status_code == 422
    me = (await client.get("/api/v1/auth/me", headers=auth(admin))).json()
    own = await client.request(
        "DELETE", f"/api/v1/users/{me['id']}", json={"confirm": True}, headers=auth(admin)
    )
    assert own.status_code == 409

    done = await client.request("DELETE", url, json={"confirm": True}, headers=auth(admin))
    assert done.status_code == 200, done.text
    assert done.json()["rows"]["transcripts"] > 0 and done.json()["rows"]["resumes"] == 1
    assert await find_in_tables(maker, person.needles) == []
    assert find_in_files(settings.data_dir, person.needles) == []
    again = await client.request("DELETE", url, json={"confirm": True}, headers=auth(admin))
    assert again.status_code == 404
    entry = (await _audit(client, admin, action="account.erased"))[0]
    assert entry["actor_id"] == me["id"] and entry["details"]["by"] == "admin"
    assert entry["person_id"] == person.user_id


async def test_a_candidate_deletes_their_account_from_the_profile_page(
    client: AsyncClient, app: Any, settings: Settings
) -> None:
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    person = await interviewed_person(client, job["id"], "Paula Pages")
    assert (await web_login(client, person.email)).status_code == 303

    profile = await client.get("/profile")
    assert 'href="/profile/delete"' in profile.text and 'href="/profile/export"' in profile.text
    page = await client.get("/profile/delete")
    assert page.status_code == 200 and "anonymous outcome" in page.text
    wrong = await submit(client, "/profile/delete", "/profile/delete", {"password": "nope-nope-1"})
    assert wrong.status_code == 403 and "not correct" in wrong.text
    empty = await submit(client, "/profile/delete", "/profile/delete", {"password": ""})
    assert empty.status_code == 422
    no_csrf = await client.post("/profile/delete", data={"password": PASSWORD})
    assert no_csrf.status_code == 403

    done = await submit(client, "/profile/delete", "/profile/delete", {"password": PASSWORD})
    assert done.status_code == 303 and done.headers["location"].startswith("/login?notice=")
    login = await client.get(done.headers["location"])
    assert "were deleted" in login.text
    assert (await client.get("/profile")).status_code == 303  # signed out
    assert await find_in_tables(maker, person.needles) == []
    assert find_in_files(settings.data_dir, person.needles) == []
    async with maker() as session:
        assert await session.scalar(select(func.count()).select_from(ApplicationOutcome)) == 1


async def test_an_admin_erases_from_the_people_page(client: AsyncClient, app: Any) -> None:
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    admin_token = await create_staff_user(app, UserRole.admin, "Ada Admin")
    admin = (await client.get("/api/v1/auth/me", headers=auth(admin_token))).json()
    candidate = await register_candidate(client, "Cora Request")
    assert (await web_login(client, admin["email"])).status_code == 303

    people = await client.get("/admin/people", params={"search": "cora"})
    assert people.status_code == 200 and candidate["user"]["email"] in people.text
    url = f"/admin/people/{candidate['user']['id']}/erase"
    assert f'href="{url}"' in people.text
    confirm = await client.get(url)
    assert confirm.status_code == 200 and "cannot be undone" in confirm.text
    done = await submit(client, url, url)
    assert done.status_code == 303
    after = await client.get(done.headers["location"])
    assert "were erased" in after.text and candidate["user"]["email"] not in after.text
    assert await find_in_tables(maker, (candidate["user"]["email"], "Cora Request")) == []
    audit = await client.get("/admin/audit", params={"action": "account.erased"})
    assert audit.status_code == 200 and candidate["user"]["id"] in audit.text
    own = await client.get(f"/admin/people/{admin['id']}/erase")
    assert "cannot erase your own account" in own.text

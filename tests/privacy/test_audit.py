"""The audit log: an entry for each recruiter and admin action, read and exported by
admins only, and no way to change it through the app."""

from __future__ import annotations

import csv
import io
from typing import Any

from httpx import AsyncClient

from hireloop.auth.models import UserRole
from tests.factories import auth, create_job, create_staff_user, register_candidate
from tests.privacy.people import interviewed_person
from tests.web.forms import CONFIRMED, submit, web_login

URL = "/api/v1/admin/audit"


async def _entries(client: AsyncClient, admin: str, **params: Any) -> list[dict[str, Any]]:
    response = await client.get(URL, params=params, headers=auth(admin))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_each_action_leaves_an_entry(client: AsyncClient, app: Any) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    admin = await create_staff_user(app, UserRole.admin)
    rita = (await client.get("/api/v1/auth/me", headers=auth(recruiter))).json()
    job = await create_job(client, recruiter)
    edited = await client.patch(
        f"/api/v1/job-postings/{job['id']}",
        json={"title": "Staff Engineer"},
        headers=auth(recruiter),
    )
    assert edited.status_code == 200, edited.text
    closed = await client.patch(
        f"/api/v1/job-postings/{job['id']}", json={"status": "paused"}, headers=auth(recruiter)
    )
    assert closed.status_code == 200, closed.text
    reopened = await client.patch(
        f"/api/v1/job-postings/{job['id']}", json={"status": "active"}, headers=auth(recruiter)
    )
    assert reopened.status_code == 200
    person = await interviewed_person(client, job["id"], "Alma Audited")
    results = f"/api/v1/interviews/{person.interview_id}/results"
    assert (await client.get(results, headers=auth(person.token))).status_code == 200  # own
    assert (await client.get(results, headers=auth(recruiter))).status_code == 200
    moved = await client.patch(
        f"/api/v1/applications/{person.application_id}",
        json={"status": "under_review"},
        headers=auth(recruiter),
    )
    assert moved.status_code == 200
    promoted = await client.patch(
        f"/api/v1/users/{person.user_id}",
        json={"role": "recruiter", "full_name": "Alma A."},
        headers=auth(admin),
    )
    assert promoted.status_code == 200

    entries = list(reversed(await _entries(client, admin)))
    actions = [(e["action"], e["actor_role"]) for e in entries]
    assert actions == [
        ("job.created", "recruiter"),
        ("job.updated", "recruiter"),
        ("job.status_changed", "recruiter"),
        ("job.status_changed", "recruiter"),
        ("results.viewed", "recruiter"),  # the candidate's own view is not an entry
        ("application.status_changed", "recruiter"),
        ("user.role_changed", "admin"),
        ("user.updated", "admin"),
    ]
    by_action = {e["action"]: e for e in entries}
    assert by_action["job.updated"]["details"] == {"fields": ["title"]}
    assert entries[2]["details"] == {"from": "active", "to": "paused"}
    status = by_action["application.status_changed"]
    assert status["subject_id"] == person.application_id
    assert status["person_id"] == person.user_id
    assert status["actor_id"] == rita["id"] and status["actor_email"] == rita["email"]
    assert status["details"]["from"] == "interview_completed"
    assert status["details"]["to"] == "under_review"
    assert by_action["user.role_changed"]["details"] == {"from": "candidate", "to": "recruiter"}
    # Field names only: the new name is personal data and stays out of the log.
    assert by_action["user.updated"]["details"] == {"fields": ["full_name"]}
    assert "Alma" not in str(entries)


async def test_filters_pagination_and_csv(client: AsyncClient, app: Any) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    admin = await create_staff_user(app, UserRole.admin)
    for number in range(3):
        await create_job(client, recruiter, title=f"Job {number}")
    rita = (await client.get("/api/v1/auth/me", headers=auth(recruiter))).json()
    page = await client.get(URL, params={"limit": 2, "skip": 1}, headers=auth(admin))
    assert page.json()["total"] == 3 and len(page.json()["items"]) == 1 + 1
    only = await _entries(client, admin, action="job.created", actor_id=rita["id"])
    assert len(only) == 3
    assert await _entries(client, admin, since="2999-01-01") == []
    assert len(await _entries(client, admin, until="2999-01-01T00:00:00")) == 3
    for bad in ({"action": "job.deleted"}, {"limit": 0}, {"since": "yesterday"}, {"actor_id": "x"}):
        assert (await client.get(URL, params=bad, headers=auth(admin))).status_code == 422, bad

    export = await client.get(
        f"{URL}/export", params={"action": "job.created"}, headers=auth(admin)
    )
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert [row["action"] for row in rows] == ["job.created"] * 3
    assert rows[0]["actor_email"] == rita["email"]
    logged = await _entries(client, admin, action="audit.exported")
    assert logged[0]["details"] == {"action": "job.created"}


async def test_only_admins_read_it_and_nobody_changes_it(client: AsyncClient, app: Any) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    admin = await create_staff_user(app, UserRole.admin)
    candidate = (await register_candidate(client))["access_token"]
    await create_job(client, recruiter)
    assert (await client.get(URL)).status_code == 401
    for token in (recruiter, candidate):
        assert (await client.get(URL, headers=auth(token))).status_code == 403
        assert (await client.get(f"{URL}/export", headers=auth(token))).status_code == 403
    (entry,) = await _entries(client, admin)
    for method in ("PATCH", "PUT", "DELETE", "POST"):
        whole = await client.request(method, URL, json={}, headers=auth(admin))
        assert whole.status_code == 405, method
        one = await client.request(method, f"{URL}/{entry['id']}", json={}, headers=auth(admin))
        assert one.status_code in (404, 405), method
    assert await _entries(client, admin) == [entry]
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert set(paths[URL]) == {"get"} and set(paths[f"{URL}/export"]) == {"get"}


async def test_admin_audit_page_and_recruiter_page_views(client: AsyncClient, app: Any) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    admin_token = await create_staff_user(app, UserRole.admin)
    admin = (await client.get("/api/v1/auth/me", headers=auth(admin_token))).json()
    rita = (await client.get("/api/v1/auth/me", headers=auth(recruiter))).json()
    job = await create_job(client, recruiter)
    person = await interviewed_person(client, job["id"], "Vera Viewed")

    assert (await web_login(client, rita["email"])).status_code == 303
    applicant = f"/recruiter/applications/{person.application_id}"
    assert (await client.get(applicant)).status_code == 200
    moved = await submit(
        client, applicant, f"{applicant}/status", {"status": "offered", **CONFIRMED}
    )
    assert moved.status_code == 303
    assert (await client.get("/admin/audit")).status_code == 403
    client.cookies.clear()

    assert (await web_login(client, admin["email"])).status_code == 303
    page = await client.get("/admin/audit", params={"person_id": person.user_id})
    assert page.status_code == 200
    assert "results.viewed" in page.text and "application.status_changed" in page.text
    assert rita["email"] in page.text and "applicant_page" in page.text
    assert 'href="/admin/audit/export?person_id=' in page.text
    bad = await client.get("/admin/audit", params={"since": "soon"})
    assert bad.status_code == 422
    csv_page = await client.get("/admin/audit/export", params={"person_id": person.user_id})
    assert csv_page.status_code == 200 and "results.viewed" in csv_page.text
    nav = await client.get("/admin/people")
    assert 'href="/admin/audit"' in nav.text and person.email in nav.text

"""Recruiters' postings: create, edit, pause, reopen, close, list their own — and refusals."""

from __future__ import annotations

import uuid
from typing import Any

from httpx import AsyncClient

from hireloop.auth.models import UserRole
from tests.factories import auth, create_job, create_staff_user, job_payload, register_candidate

JOBS = "/api/v1/job-postings"


async def _act(
    client: AsyncClient, token: str, job_id: str, action: str
) -> tuple[int, dict[str, Any]]:
    response = await client.post(f"{JOBS}/{job_id}/{action}", headers=auth(token))
    return response.status_code, response.json()


async def test_pause_reopen_close_cycle(client: AsyncClient, app: object) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    candidate = (await register_candidate(client))["access_token"]

    status, body = await _act(client, recruiter, job["id"], "pause")
    assert (status, body["status"]) == (200, "paused")
    # A paused posting leaves the public list and takes no applications.
    listed = await client.get(JOBS)
    assert job["id"] not in [item["id"] for item in listed.json()["items"]]
    refused = await client.post(
        "/api/v1/applications", json={"job_posting_id": job["id"]}, headers=auth(candidate)
    )
    assert refused.status_code == 400
    status, body = await _act(client, recruiter, job["id"], "pause")
    assert status == 409 and body["detail"] == "Job posting is paused; it cannot become paused"

    status, body = await _act(client, recruiter, job["id"], "reopen")
    assert (status, body["status"]) == (200, "active")
    status, body = await _act(client, recruiter, job["id"], "reopen")
    assert status == 409

    status, body = await _act(client, recruiter, job["id"], "close")
    assert (status, body["status"]) == (200, "closed")
    status, body = await _act(client, recruiter, job["id"], "pause")
    assert status == 409 and body["detail"] == "Job posting is closed; it cannot become paused"
    status, body = await _act(client, recruiter, job["id"], "reopen")
    assert (status, body["status"]) == (200, "active")
    accepted = await client.post(
        "/api/v1/applications", json={"job_posting_id": job["id"]}, headers=auth(candidate)
    )
    assert accepted.status_code == 201


async def test_lifecycle_permissions(client: AsyncClient, app: object) -> None:
    owner = await create_staff_user(app, UserRole.recruiter)
    other = await create_staff_user(app, UserRole.recruiter, name="Other Recruiter")
    admin = await create_staff_user(app, UserRole.admin, name="Ann Admin")
    candidate = (await register_candidate(client))["access_token"]
    job = await create_job(client, owner)
    for action in ("pause", "reopen", "close"):
        status, body = await _act(client, other, job["id"], action)
        assert status == 403 and body["detail"] == "Not authorized to change this job posting"
        status, body = await _act(client, candidate, job["id"], action)
        assert status == 403 and body["detail"] == "Recruiter or admin role required"
        assert (await client.post(f"{JOBS}/{job['id']}/{action}")).status_code == 401
        assert (await _act(client, owner, str(uuid.uuid4()), action))[0] == 404
    assert (await _act(client, admin, job["id"], "pause"))[1]["status"] == "paused"
    assert (await _act(client, admin, job["id"], "reopen"))[1]["status"] == "active"

    edit = {"title": "Staff Backend Engineer"}
    assert (
        await client.patch(f"{JOBS}/{job['id']}", json=edit, headers=auth(other))
    ).status_code == 403
    assert (
        await client.patch(f"{JOBS}/{job['id']}", json=edit, headers=auth(candidate))
    ).status_code == 403
    changed = await client.patch(f"{JOBS}/{job['id']}", json=edit, headers=auth(admin))
    assert changed.status_code == 200 and changed.json()["title"] == edit["title"]
    created = await client.post(JOBS, json=job_payload(), headers=auth(candidate))
    assert created.status_code == 403


async def test_my_postings_lists_own_in_every_status(client: AsyncClient, app: object) -> None:
    owner = await create_staff_user(app, UserRole.recruiter)
    other = await create_staff_user(app, UserRole.recruiter, name="Other Recruiter")
    admin = await create_staff_user(app, UserRole.admin, name="Ann Admin")
    first = await create_job(client, owner, title="First role")
    second = await create_job(client, owner, title="Second role")
    theirs = await create_job(client, other, title="Their role")
    await _act(client, owner, first["id"], "pause")

    mine = await client.get(f"{JOBS}/mine", headers=auth(owner))
    assert mine.status_code == 200
    body = mine.json()
    assert [item["title"] for item in body["items"]] == ["Second role", "First role"]
    assert body["items"][1]["status"] == "paused" and body["total"] == 2
    everything = await client.get(f"{JOBS}/mine", headers=auth(admin))
    assert {theirs["id"], first["id"], second["id"]} <= {
        i["id"] for i in everything.json()["items"]
    }
    candidate = (await register_candidate(client))["access_token"]
    assert (await client.get(f"{JOBS}/mine", headers=auth(candidate))).status_code == 403
    assert (await client.get(f"{JOBS}/mine")).status_code == 401
    paged = await client.get(f"{JOBS}/mine", params={"limit": 1}, headers=auth(owner))
    assert len(paged.json()["items"]) == 1 and paged.json()["total"] == 2
    bad = await client.get(f"{JOBS}/mine", params={"limit": 0}, headers=auth(owner))
    assert bad.status_code == 422

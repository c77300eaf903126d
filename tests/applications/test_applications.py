"""Applying, reading, listing and withdrawing applications through HTTP."""

from __future__ import annotations

import asyncio
import uuid

from httpx import AsyncClient

from hireloop.auth.models import UserRole
from tests.factories import apply, auth, create_job, create_staff_user, register_candidate

APPLICATIONS = "/api/v1/applications"


async def test_apply_schedules_the_jobs_interview(client: AsyncClient, app: object) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(
        client, recruiter, tech_stack="Node.js, Express", role_category="engineering"
    )
    candidate = await register_candidate(client)
    application = await apply(client, candidate["access_token"], job["id"])
    assert application["status"] == "interview_scheduled"
    assert application["job_posting"]["id"] == job["id"]
    assert application["job_posting"]["title"] == job["title"]
    interview = application["interview"]
    assert interview["status"] == "scheduled"
    assert interview["role_type"] == "nodejs"
    assert interview["job_posting_id"] == job["id"]


async def test_apply_errors(client: AsyncClient, app: object) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    token = (await register_candidate(client))["access_token"]
    missing = uuid.uuid4()
    response = await client.post(
        APPLICATIONS, json={"job_posting_id": str(missing)}, headers=auth(token)
    )
    assert response.status_code == 404
    await apply(client, token, job["id"])
    again = await client.post(APPLICATIONS, json={"job_posting_id": job["id"]}, headers=auth(token))
    assert again.status_code == 409 and again.json()["code"] == "already_applied"
    closed_job = await create_job(client, recruiter, title="Closed role")
    await client.post(f"/api/v1/job-postings/{closed_job['id']}/close", headers=auth(recruiter))
    closed = await client.post(
        APPLICATIONS, json={"job_posting_id": closed_job["id"]}, headers=auth(token)
    )
    assert closed.status_code == 400
    assert closed.json() == {
        "detail": "Job posting is not accepting applications",
        "code": "job_not_accepting",
    }
    assert (await client.post(APPLICATIONS, json={})).status_code == 401
    bad = await client.post(APPLICATIONS, json={"job_posting_id": "x"}, headers=auth(token))
    assert bad.status_code == 422


async def test_concurrent_duplicate_applications_yield_one(
    client: AsyncClient, app: object
) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    token = (await register_candidate(client))["access_token"]
    responses = await asyncio.gather(
        *[
            client.post(APPLICATIONS, json={"job_posting_id": job["id"]}, headers=auth(token))
            for _ in range(8)
        ]
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 7, codes
    mine = (await client.get(f"{APPLICATIONS}/me", headers=auth(token))).json()
    assert mine["total"] == 1


async def test_visibility_and_withdraw(client: AsyncClient, app: object) -> None:
    owner_recruiter = await create_staff_user(app, UserRole.recruiter)
    other_recruiter = await create_staff_user(app, UserRole.recruiter)
    admin = await create_staff_user(app, UserRole.admin)
    job = await create_job(client, owner_recruiter)
    candidate = (await register_candidate(client))["access_token"]
    intruder = (await register_candidate(client))["access_token"]
    application = await apply(client, candidate, job["id"])
    url = f"{APPLICATIONS}/{application['id']}"

    for token, expected in (
        (candidate, 200),
        (owner_recruiter, 200),
        (admin, 200),
        (intruder, 403),
        (other_recruiter, 403),
    ):
        response = await client.get(url, headers=auth(token))
        assert response.status_code == expected
        if expected == 403:
            assert response.json() == {
                "detail": "Not authorized to access this application",
                "code": "forbidden",
            }
    assert (
        await client.get(f"{APPLICATIONS}/{uuid.uuid4()}", headers=auth(candidate))
    ).status_code == 404
    assert (await client.get(f"{APPLICATIONS}/me", headers=auth(intruder))).json()["total"] == 0

    assert (await client.post(f"{url}/withdraw", headers=auth(intruder))).status_code == 403
    withdrawn = await client.post(f"{url}/withdraw", headers=auth(candidate))
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["interview"]["status"] == "abandoned"
    assert (await client.post(f"{url}/withdraw", headers=auth(candidate))).status_code == 409
    start = await client.post(
        "/api/v1/interviews/start",
        json={"application_id": application["id"]},
        headers=auth(candidate),
    )
    assert start.status_code == 400

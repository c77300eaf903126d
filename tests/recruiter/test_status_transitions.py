"""PATCH /applications/{id}: every status move, who may make it, and the refusals."""

from __future__ import annotations

import uuid

import pytest
from httpx import AsyncClient

from hireloop.auth.models import UserRole
from tests.factories import auth, create_job, create_staff_user
from tests.recruiter.helpers import application_in, applied, move, start

# What a recruiter may do from each status (everything else is 409).
EXPECTED = {
    "interview_scheduled": {"rejected"},
    "interview_in_progress": set(),
    "interview_completed": {"under_review", "rejected", "offered"},
    "under_review": {"rejected", "offered"},
    "rejected": set(),
    "offered": set(),
    "withdrawn": set(),
}
TARGETS = ("under_review", "rejected", "offered")


@pytest.mark.parametrize("current", list(EXPECTED))
async def test_every_transition_from(current: str, client: AsyncClient, app: object) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    for target in TARGETS:
        made = await application_in(client, recruiter, job["id"], current)
        app_id = made["application"]["id"]
        status, body = await move(client, recruiter, app_id, target)
        if target in EXPECTED[current]:
            assert status == 200, (current, target, body)
            assert body["status"] == target
            assert body["job_posting"]["id"] == job["id"]
        else:
            assert status == 409, (current, target, body)
            assert f"from {current} to {target}" in body["detail"]
        # The candidate sees the recruiter's decision (or the unchanged status).
        seen = await client.get(f"/api/v1/applications/{app_id}", headers=auth(made["token"]))
        assert seen.json()["status"] == (target if target in EXPECTED[current] else current)


async def test_only_the_postings_recruiter_or_an_admin_moves_status(
    client: AsyncClient, app: object
) -> None:
    owner = await create_staff_user(app, UserRole.recruiter)
    other = await create_staff_user(app, UserRole.recruiter, name="Other Recruiter")
    admin = await create_staff_user(app, UserRole.admin, name="Ann Admin")
    job = await create_job(client, owner)
    made = await application_in(client, owner, job["id"], "interview_completed")
    app_id = made["application"]["id"]

    status, body = await move(client, made["token"], app_id, "offered")
    assert status == 403 and body["detail"] == "Recruiter or admin role required"
    status, body = await move(client, other, app_id, "offered")
    assert status == 403
    assert body["detail"] == "Not authorized to review applications for this job posting"
    unauthenticated = await client.patch(
        f"/api/v1/applications/{app_id}", json={"status": "offered"}
    )
    assert unauthenticated.status_code == 401
    assert (await move(client, admin, app_id, "under_review"))[0] == 200
    assert (await move(client, owner, app_id, "offered"))[1]["status"] == "offered"


async def test_bad_status_requests(client: AsyncClient, app: object) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    made = await application_in(client, recruiter, job["id"], "interview_completed")
    app_id = made["application"]["id"]
    for value in ("withdrawn", "interview_completed", "hired", "", None):
        status, body = await move(client, recruiter, app_id, value)  # type: ignore[arg-type]
        assert status == 422, (value, body)
        assert "status" in body["detail"]
    missing = await client.patch(f"/api/v1/applications/{app_id}", json={}, headers=auth(recruiter))
    assert missing.status_code == 422
    assert (await move(client, recruiter, str(uuid.uuid4()), "offered"))[0] == 404
    assert (await move(client, recruiter, "not-a-uuid", "offered"))[0] == 422


async def test_rejecting_before_the_interview_cancels_it(client: AsyncClient, app: object) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    made = await applied(client, job["id"])
    app_id = made["application"]["id"]
    assert (await move(client, recruiter, app_id, "rejected"))[0] == 200
    response = await client.post(
        "/api/v1/interviews/start", json={"application_id": app_id}, headers=auth(made["token"])
    )
    assert response.status_code == 409
    interview = await client.get(
        f"/api/v1/interviews/{made['application']['interview']['id']}",
        headers=auth(made["token"]),
    )
    assert interview.json()["status"] == "abandoned"


async def test_in_progress_interview_cannot_be_decided(client: AsyncClient, app: object) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    made = await applied(client, job["id"])
    await start(client, made["token"], made["application"]["id"])
    status, body = await move(client, recruiter, made["application"]["id"], "rejected")
    assert status == 409
    assert body["detail"] == (
        "Cannot move an application from interview_in_progress to rejected (allowed: none)"
    )

"""Job listing, filters, search, paging and reading through HTTP."""

from __future__ import annotations

import uuid

from httpx import AsyncClient

from hireloop.auth.models import UserRole
from tests.factories import auth, create_job, create_staff_user, register_candidate

JOBS = "/api/v1/job-postings"


async def _three_jobs(client: AsyncClient, app: object) -> tuple[str, list[dict]]:  # type: ignore[type-arg]
    recruiter = await create_staff_user(app, UserRole.recruiter)
    jobs = [
        await create_job(
            client,
            recruiter,
            title="Backend Engineer",
            tech_stack="Python, Django",
            work_setup="remote",
            experience_level="senior",
            location="Berlin, Germany",
        ),
        await create_job(
            client,
            recruiter,
            title="Account Executive",
            company="Northwind",
            role_category="sales",
            tech_stack=None,
            required_skills=["Negotiation", "CRM"],
            description="Own the full sales cycle for mid-market customers in DACH.",
            work_setup="onsite",
            experience_level="mid",
            employment_type="contract",
            location="Munich, Germany",
        ),
        await create_job(
            client,
            recruiter,
            title="Frontend Engineer",
            tech_stack="React, TypeScript",
            required_skills=["React", "Accessibility"],
            work_setup="hybrid",
            experience_level="junior",
            location="London, UK",
        ),
    ]
    return recruiter, jobs


async def test_listing_is_public_newest_first_with_paging(client: AsyncClient, app: object) -> None:
    _, jobs = await _three_jobs(client, app)
    body = (await client.get(JOBS)).json()
    assert body["total"] == 3 and body["skip"] == 0 and body["limit"] == 20
    assert [item["id"] for item in body["items"]] == [job["id"] for job in reversed(jobs)]
    page = (await client.get(JOBS, params={"skip": 1, "limit": 1})).json()
    assert page["total"] == 3 and [i["id"] for i in page["items"]] == [jobs[1]["id"]]


async def test_filters_and_search(client: AsyncClient, app: object) -> None:
    _, (backend, sales, frontend) = await _three_jobs(client, app)

    async def ids(**params: object) -> list[str]:
        response = await client.get(JOBS, params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await ids(role_category="sales") == [sales["id"]]
    assert await ids(work_setup="hybrid") == [frontend["id"]]
    assert await ids(experience_level="senior") == [backend["id"]]
    assert await ids(employment_type="contract") == [sales["id"]]
    assert await ids(tech_stack="react") == [frontend["id"]]
    assert await ids(location="germany") == [sales["id"], backend["id"]]
    assert await ids(search="negotiation") == [sales["id"]], "search covers skills"
    assert await ids(search="Northwind") == [sales["id"]], "search covers company"
    assert await ids(search="mid-market customers") == [sales["id"]], "search covers description"
    assert await ids(search="frontend engineer") == [frontend["id"]], "search covers title"
    assert await ids(search="nothing-matches-this") == []
    assert await ids(search="100%_off") == []


async def test_bad_query_parameters_are_422(client: AsyncClient) -> None:
    for params in (
        {"role_category": "astronaut"},
        {"work_setup": "mars"},
        {"limit": 0},
        {"limit": 101},
        {"skip": -1},
        {"skip": "abc"},
    ):
        response = await client.get(JOBS, params=params)
        assert response.status_code == 422, params
        assert isinstance(response.json()["detail"], str)


async def test_get_one_posting_and_404s(client: AsyncClient, app: object) -> None:
    recruiter, (backend, _, _) = await _three_jobs(client, app)
    one = await client.get(f"{JOBS}/{backend['id']}")
    assert one.status_code == 200 and one.json()["required_skills"] == backend["required_skills"]
    missing = await client.get(f"{JOBS}/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert (await client.get(f"{JOBS}/not-a-uuid")).status_code == 422
    await client.post(f"{JOBS}/{backend['id']}/close", headers=auth(recruiter))
    assert (await client.get(f"{JOBS}/{backend['id']}")).status_code == 404
    listing = (await client.get(JOBS)).json()
    assert backend["id"] not in [item["id"] for item in listing["items"]]


async def test_only_recruiters_post_and_only_owners_change(
    client: AsyncClient, app: object
) -> None:
    owner = await create_staff_user(app, UserRole.recruiter)
    other = await create_staff_user(app, UserRole.recruiter)
    candidate = (await register_candidate(client))["access_token"]
    job = await create_job(client, owner)
    from tests.factories import job_payload

    assert (await client.post(JOBS, json=job_payload(), headers=auth(candidate))).status_code == 403
    patch = {"title": "Staff Backend Engineer"}
    denied = await client.patch(f"{JOBS}/{job['id']}", json=patch, headers=auth(other))
    assert denied.status_code == 403
    changed = await client.patch(f"{JOBS}/{job['id']}", json=patch, headers=auth(owner))
    assert changed.status_code == 200 and changed.json()["title"] == "Staff Backend Engineer"
    bad = await client.patch(
        f"{JOBS}/{job['id']}", json={"salary_min": 200000}, headers=auth(owner)
    )
    assert bad.status_code == 422

"""GET /job-postings/{id}/applications: ranking, summaries, and who may see it;
recruiters' read access to transcripts and results of their postings' interviews."""

from __future__ import annotations

import uuid
from typing import Any

from httpx import AsyncClient

from hireloop.auth.models import UserRole
from tests.factories import auth, create_job, create_staff_user
from tests.interviews.simulate import Answerer, strong_answer, take_interview, weak_answer
from tests.recruiter.helpers import applied, start


def applicants_url(job_id: str) -> str:
    return f"/api/v1/job-postings/{job_id}/applications"


async def _interviewed(
    client: AsyncClient, job_id: str, name: str, answerer: Answerer
) -> dict[str, Any]:
    made = await applied(client, job_id, name)
    started = await start(client, made["token"], made["application"]["id"])
    await take_interview(client, made["token"], started, answerer)
    return made


async def test_applicants_are_ranked_by_overall_score(client: AsyncClient, app: object) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    waiting = await applied(client, job["id"], "Wes Waiting")
    weak = await _interviewed(client, job["id"], "Will Weak", weak_answer)
    strong = await _interviewed(client, job["id"], "Stella Strong", strong_answer)

    response = await client.get(applicants_url(job["id"]), headers=auth(recruiter))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == 3 and body["job_posting"]["id"] == job["id"]
    names = [item["candidate"]["full_name"] for item in body["items"]]
    assert names == ["Stella Strong", "Will Weak", "Wes Waiting"]
    assert [item["rank"] for item in body["items"]] == [1, 2, 3]
    first, second, third = body["items"]
    assert first["id"] == strong["application"]["id"]
    assert first["status"] == "interview_completed"
    assert first["result"]["overall_score"] > second["result"]["overall_score"]
    assert first["result"]["recommendation"] in ("strong_yes", "yes")
    # Nothing credited on any skill: too little evidence to recommend, a person decides.
    assert second["result"]["recommendation"] in ("lean_no", "no", "needs_review")
    assert first["allowed_transitions"] == ["under_review", "rejected", "offered"]
    assert first["interview"]["status"] == "completed"
    assert third["id"] == waiting["application"]["id"]
    assert third["result"] is None and third["status"] == "interview_scheduled"
    assert third["allowed_transitions"] == ["rejected"]
    assert first["candidate"]["email"] == strong["user"]["email"]
    assert weak["application"]["id"] == second["id"]

    page = await client.get(
        applicants_url(job["id"]), params={"skip": 1, "limit": 1}, headers=auth(recruiter)
    )
    assert [i["rank"] for i in page.json()["items"]] == [2]
    only = await client.get(
        applicants_url(job["id"]),
        params={"status": "interview_scheduled"},
        headers=auth(recruiter),
    )
    assert [i["candidate"]["full_name"] for i in only.json()["items"]] == ["Wes Waiting"]


async def test_only_owner_and_admin_see_applicants(client: AsyncClient, app: object) -> None:
    owner = await create_staff_user(app, UserRole.recruiter)
    other = await create_staff_user(app, UserRole.recruiter, name="Other Recruiter")
    admin = await create_staff_user(app, UserRole.admin, name="Ann Admin")
    job = await create_job(client, owner)
    made = await applied(client, job["id"])

    assert (await client.get(applicants_url(job["id"]), headers=auth(admin))).status_code == 200
    refused = await client.get(applicants_url(job["id"]), headers=auth(other))
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Not authorized to review applications for this job posting"
    candidate = await client.get(applicants_url(job["id"]), headers=auth(made["token"]))
    assert candidate.status_code == 403
    assert (await client.get(applicants_url(job["id"]))).status_code == 401
    missing = await client.get(applicants_url(str(uuid.uuid4())), headers=auth(owner))
    assert missing.status_code == 404
    bad = await client.get(
        applicants_url(job["id"]), params={"status": "hired"}, headers=auth(owner)
    )
    assert bad.status_code == 422
    assert (await client.get(applicants_url("nope"), headers=auth(owner))).status_code == 422


async def test_recruiters_read_transcripts_and_results_of_their_postings_only(
    client: AsyncClient, app: object
) -> None:
    owner = await create_staff_user(app, UserRole.recruiter)
    other = await create_staff_user(app, UserRole.recruiter, name="Other Recruiter")
    job = await create_job(client, owner)
    made = await _interviewed(client, job["id"], "Stella Strong", strong_answer)
    outsider = await applied(client, job["id"], "Nosy Candidate")
    interview_id = made["application"]["interview"]["id"]
    for path in ("", "/messages", "/results"):
        url = f"/api/v1/interviews/{interview_id}{path}"
        assert (await client.get(url, headers=auth(owner))).status_code == 200, path
        assert (await client.get(url, headers=auth(other))).status_code == 403, path
        assert (await client.get(url, headers=auth(outsider["token"]))).status_code == 403, path
    transcript = await client.get(
        f"/api/v1/interviews/{interview_id}/messages", headers=auth(owner)
    )
    kinds = [m["message_type"] for m in transcript.json()["items"]]
    assert kinds[0] == "ai_question" and kinds[-1] == "ai_closing"
    # The application itself is readable by the owner, not by another recruiter.
    app_url = f"/api/v1/applications/{made['application']['id']}"
    assert (await client.get(app_url, headers=auth(owner))).status_code == 200
    assert (await client.get(app_url, headers=auth(other))).status_code == 403

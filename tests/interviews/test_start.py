"""POST /api/v1/interviews/start — the seed story's checklist, through HTTP."""

from __future__ import annotations

import asyncio
import uuid

from httpx import AsyncClient

from hireloop.auth.models import UserRole
from tests.factories import apply, auth, create_job, create_staff_user, register_candidate

START = "/api/v1/interviews/start"


async def _job_and_application(
    client: AsyncClient, app: object, **job: object
) -> tuple[dict, dict, str]:  # type: ignore[type-arg]
    recruiter = await create_staff_user(app, UserRole.recruiter)
    posting = await create_job(client, recruiter, **job)
    candidate = await register_candidate(client)
    application = await apply(client, candidate["access_token"], posting["id"])
    return posting, application, candidate["access_token"]


async def test_standalone_practice_interview_by_role_type(client: AsyncClient) -> None:
    token = (await register_candidate(client))["access_token"]
    response = await client.post(START, json={"role_type": "python"}, headers=auth(token))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["role_type"] == "python"
    assert body["status"] == "in_progress"
    assert body["job_posting_id"] is None
    assert body["application_id"] is None
    question = body["first_question"]
    assert question["sequence_number"] == 1
    assert question["message_type"] == "ai_question"
    assert "practice interview" in question["content_text"]
    assert question["metadata"]["difficulty_level"] == "warmup"
    assert body["session"]["current_difficulty_level"] == "warmup"
    assert body["session"]["phase_history"][0]["phase"] == "warmup"
    assert body["session"]["questions_asked_count"] == 1


async def test_standalone_role_type_free_text_is_normalised(client: AsyncClient) -> None:
    token = (await register_candidate(client))["access_token"]
    for raw, expected in [("React", "react"), ("node.js", "nodejs"), (" C# ", "csharp")]:
        response = await client.post(START, json={"role_type": raw}, headers=auth(token))
        assert response.status_code == 201, (raw, response.text)
        assert response.json()["role_type"] == expected


async def test_standalone_interview_carries_no_job_context(
    client: AsyncClient, app: object
) -> None:
    posting, _application, _ = await _job_and_application(client, app)
    token = (await register_candidate(client))["access_token"]
    response = await client.post(START, json={"role_type": "python"}, headers=auth(token))
    body = response.json()
    text = body["first_question"]["content_text"]
    assert posting["company"] not in text and posting["title"] not in text
    assert all(skill["source"] == "role" for skill in body["session"]["skill_plan"])


async def test_unknown_standalone_role_type_is_422_listing_valid_ones(client: AsyncClient) -> None:
    token = (await register_candidate(client))["access_token"]
    response = await client.post(START, json={"role_type": "astrology"}, headers=auth(token))
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "astrology" in detail and "python" in detail and "fullstack" in detail


async def test_empty_body_or_both_null_is_400(client: AsyncClient) -> None:
    token = (await register_candidate(client))["access_token"]
    for body in ({}, {"role_type": None, "application_id": None}):
        response = await client.post(START, json=body, headers=auth(token))
        assert response.status_code == 400
        assert response.json() == {
            "detail": "Either application_id or role_type must be provided",
            "code": "missing_target",
        }


async def test_job_linked_start_uses_the_job_and_the_scheduled_interview(
    client: AsyncClient, app: object
) -> None:
    posting, application, token = await _job_and_application(
        client, app, tech_stack="React, TypeScript", required_skills=["Redux", "GraphQL"]
    )
    scheduled = application["interview"]
    assert scheduled["status"] == "scheduled" and scheduled["role_type"] == "react"

    response = await client.post(
        START, json={"application_id": application["id"]}, headers=auth(token)
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["id"] == scheduled["id"], "the interview scheduled at apply time starts"
    assert body["role_type"] == "react"
    assert body["job_posting_id"] == posting["id"]
    assert body["application_id"] == application["id"]
    text = body["first_question"]["content_text"]
    assert posting["title"] in text and posting["company"] in text
    plan = body["session"]["skill_plan"]
    assert [s["source"] for s in plan[:2]] == ["job", "job"]
    assert plan[0]["name"] in text, "the opener names one of the job's required skills"
    assert 4 <= len(plan) <= 6

    mine = await client.get(f"/api/v1/applications/{application['id']}", headers=auth(token))
    assert mine.json()["status"] == "interview_in_progress"
    listing = await client.get("/api/v1/applications/me", headers=auth(token))
    assert [item["interview"]["id"] for item in listing.json()["items"]] == [scheduled["id"]]


async def test_job_wins_when_role_type_is_also_sent(client: AsyncClient, app: object) -> None:
    _posting, application, token = await _job_and_application(client, app, tech_stack="Go")
    response = await client.post(
        START,
        json={"application_id": application["id"], "role_type": "sales"},
        headers=auth(token),
    )
    assert response.status_code == 201
    assert response.json()["role_type"] == "go"


async def test_starting_again_while_in_progress_returns_200_with_the_same_interview(
    client: AsyncClient, app: object
) -> None:
    _posting, application, token = await _job_and_application(client, app)
    first = await client.post(
        START, json={"application_id": application["id"]}, headers=auth(token)
    )
    again = await client.post(
        START, json={"application_id": application["id"]}, headers=auth(token)
    )
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["first_question"]["id"] == first.json()["first_question"]["id"]
    assert again.json()["current_question"]["id"] == first.json()["first_question"]["id"]


async def test_concurrent_starts_of_one_application_begin_it_once(
    client: AsyncClient, app: object
) -> None:
    """The interview row lock decides: one start begins the interview, the others find
    it in progress (200) — one session state and one first question, never two."""
    _posting, application, token = await _job_and_application(client, app)
    responses = await asyncio.gather(
        *(
            client.post(START, json={"application_id": application["id"]}, headers=auth(token))
            for _ in range(5)
        )
    )
    assert sorted(r.status_code for r in responses) == [200, 200, 200, 200, 201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert len({r.json()["first_question"]["id"] for r in responses}) == 1
    transcript = await client.get(
        f"/api/v1/interviews/{responses[0].json()['id']}/messages", headers=auth(token)
    )
    assert [m["sequence_number"] for m in transcript.json()["items"]] == [1]


async def test_another_candidates_application_is_403(client: AsyncClient, app: object) -> None:
    _posting, application, _owner = await _job_and_application(client, app)
    intruder = (await register_candidate(client))["access_token"]
    response = await client.post(
        START, json={"application_id": application["id"]}, headers=auth(intruder)
    )
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Not authorized to access this application",
        "code": "forbidden",
    }


async def test_unknown_application_is_404(client: AsyncClient) -> None:
    token = (await register_candidate(client))["access_token"]
    missing = uuid.uuid4()
    response = await client.post(START, json={"application_id": str(missing)}, headers=auth(token))
    assert response.status_code == 404
    assert response.json() == {"detail": f"Application {missing} not found", "code": "not_found"}


async def test_inactive_job_is_400(client: AsyncClient, app: object) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    posting = await create_job(client, recruiter)
    token = (await register_candidate(client))["access_token"]
    application = await apply(client, token, posting["id"])
    closed = await client.post(
        f"/api/v1/job-postings/{posting['id']}/close", headers=auth(recruiter)
    )
    assert closed.status_code == 200
    response = await client.post(
        START, json={"application_id": application["id"]}, headers=auth(token)
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Job posting is no longer active",
        "code": "job_not_active",
    }


async def test_no_token_is_401(client: AsyncClient) -> None:
    response = await client.post(START, json={"role_type": "python"})
    assert response.status_code == 401
    assert response.json()["detail"]


async def test_malformed_ids_are_422(client: AsyncClient) -> None:
    token = (await register_candidate(client))["access_token"]
    response = await client.post(START, json={"application_id": "not-a-uuid"}, headers=auth(token))
    assert response.status_code == 422
    assert "application_id" in response.json()["detail"]


async def test_someone_elses_or_unknown_resume_is_404(client: AsyncClient) -> None:
    token = (await register_candidate(client))["access_token"]
    resume_id = uuid.uuid4()
    response = await client.post(
        START, json={"role_type": "python", "resume_id": str(resume_id)}, headers=auth(token)
    )
    assert response.status_code == 404
    assert response.json() == {"detail": f"Resume {resume_id} not found", "code": "not_found"}


async def test_openapi_shows_both_examples_and_every_error(client: AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    operation = schema["paths"]["/api/v1/interviews/start"]["post"]
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    values = [example["value"] for example in examples.values()]
    assert {"role_type": "python"} in values
    assert any(set(value) == {"application_id"} for value in values)
    assert {"200", "201", "400", "401", "403", "404", "409", "422"} <= set(operation["responses"])


async def test_application_without_a_scheduled_interview_gets_one(
    client: AsyncClient, app: object
) -> None:
    """Applications from before interviews were scheduled at apply time still start."""
    from sqlalchemy import delete, update

    from hireloop.applications.models import Application
    from hireloop.interviews.models import Interview

    _posting, application, token = await _job_and_application(client, app, tech_stack="Rust")
    async with app.state.sessionmaker() as session:  # type: ignore[attr-defined]
        application_id = uuid.UUID(application["id"])
        await session.execute(
            update(Application).where(Application.id == application_id).values(interview_id=None)
        )
        await session.execute(delete(Interview).where(Interview.application_id == application_id))
        await session.commit()
    response = await client.post(
        START, json={"application_id": application["id"]}, headers=auth(token)
    )
    assert response.status_code == 201, response.text
    assert response.json()["role_type"] == "rust"
    assert response.json()["application_id"] == application["id"]

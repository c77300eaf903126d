"""Interviews that use the candidate's resume: plan order and a question about the resume."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from hireloop.auth.models import UserRole
from tests.factories import apply, auth, create_job, create_staff_user, register_candidate
from tests.resumes.files import DOCX, PDF, RESUME_LINES, TEXT, make_docx, make_pdf, make_text
from tests.resumes.test_upload import upload

START = "/api/v1/interviews/start"
JOB_SKILLS = ["Kubernetes", "GraphQL", "PostgreSQL", "Docker"]


async def _start(client: AsyncClient, token: str, **body: Any) -> dict[str, Any]:
    response = await client.post(START, json=body, headers=auth(token))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_job_interview_plans_claimed_skills_first_and_quotes_the_resume(
    client: AsyncClient, app: object
) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    posting = await create_job(
        client, recruiter, tech_stack="Python, FastAPI", required_skills=JOB_SKILLS
    )
    with_resume = (await register_candidate(client, "Grace Hopper"))["access_token"]
    without_resume = (await register_candidate(client, "Alan Turing"))["access_token"]
    resume = (await upload(client, with_resume, "cv.pdf", make_pdf(RESUME_LINES), PDF)).json()
    assert {"PostgreSQL", "Docker"} <= set(resume["skills"])
    assert not {"Kubernetes", "GraphQL"} & set(resume["skills"])

    application = await apply(client, with_resume, posting["id"])
    body = await _start(client, with_resume, application_id=application["id"])

    plan = [skill["name"] for skill in body["session"]["skill_plan"]]
    assert plan[:4] == ["PostgreSQL", "Docker", "Kubernetes", "GraphQL"]
    assert body["resume_id"] == resume["id"], "the interview records the resume it used"
    first = body["first_question"]
    assert (
        "Your resume mentions: “Built a real-time billing API with FastAPI and PostgreSQL "
        "serving 2M requests a day”." in first["content_text"]
    )
    assert first["metadata"]["resume_reference"] is True
    assert first["metadata"]["skill_area"] == "postgresql"

    # The same job without a resume: the job's own order, and no word about a resume.
    other = await apply(client, without_resume, posting["id"])
    plain = await _start(client, without_resume, application_id=other["id"])
    assert [s["name"] for s in plain["session"]["skill_plan"]][:4] == JOB_SKILLS
    assert plain["resume_id"] is None
    assert "resume" not in plain["first_question"]["content_text"].lower()
    assert "resume_reference" not in plain["first_question"]["metadata"]


async def test_resume_id_picks_a_resume_other_than_the_active_one(
    client: AsyncClient, app: object
) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    posting = await create_job(client, recruiter, required_skills=JOB_SKILLS)
    token = (await register_candidate(client))["access_token"]
    chosen = (await upload(client, token, "cv.docx", make_docx(RESUME_LINES), DOCX)).json()
    unrelated = ["Kubernetes administrator. Ran Kubernetes clusters for ten product teams daily."]
    active = (await upload(client, token, "k8s.txt", make_text(unrelated), TEXT)).json()
    assert active["is_active"] is True, "the newest upload is the active one"

    application = await apply(client, token, posting["id"])
    body = await _start(client, token, application_id=application["id"], resume_id=chosen["id"])

    assert body["resume_id"] == chosen["id"]
    assert [s["name"] for s in body["session"]["skill_plan"]][:2] == ["PostgreSQL", "Docker"]


async def test_job_skill_without_a_knowledge_pack_is_claimed_from_the_resume_text(
    client: AsyncClient, app: object
) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    posting = await create_job(client, recruiter, required_skills=["Docker", "Stripe billing"])
    token = (await register_candidate(client))["access_token"]
    lines = [
        "Backend developer",
        "- Integrated Stripe Billing for 3,000 merchants on our platform.",
    ]
    await upload(client, token, "cv.txt", make_text(lines), TEXT)

    application = await apply(client, token, posting["id"])
    body = await _start(client, token, application_id=application["id"])

    first_skill = body["session"]["skill_plan"][0]
    assert first_skill["name"] == "Stripe billing" and first_skill["has_pack"] is False
    assert (
        "Your resume mentions: “Integrated Stripe Billing for 3,000 merchants on our platform”."
        in body["first_question"]["content_text"]
    )


async def test_standalone_interview_fills_the_plan_with_resume_skills(
    client: AsyncClient,
) -> None:
    token = (await register_candidate(client))["access_token"]
    resume = (await upload(client, token, "cv.txt", make_text(RESUME_LINES), TEXT)).json()

    body = await _start(client, token, role_type="python")

    plan = body["session"]["skill_plan"]
    assert body["resume_id"] == resume["id"]
    assert body["job_posting_id"] is None
    assert plan[0]["name"] == "Python", "the core skill the resume claims comes first"
    assert [s["name"] for s in plan if s["source"] == "resume"] == ["FastAPI", "PostgreSQL"]
    assert len(plan) == 6
    text = body["first_question"]["content_text"]
    assert "Your resume lists your most recent role as Senior Backend Engineer." in text


async def test_standalone_interview_without_a_resume_is_unchanged(client: AsyncClient) -> None:
    token = (await register_candidate(client))["access_token"]

    body = await _start(client, token, role_type="python")

    assert [s["source"] for s in body["session"]["skill_plan"]] == ["role"] * 4
    assert body["resume_id"] is None
    assert "resume" not in body["first_question"]["content_text"].lower()


async def test_non_technical_role_never_takes_technical_resume_skills(
    client: AsyncClient,
) -> None:
    token = (await register_candidate(client))["access_token"]
    lines = [*RESUME_LINES, "- Led stakeholder management for the payments roadmap every quarter."]
    await upload(client, token, "cv.txt", make_text(lines), TEXT)

    body = await _start(client, token, role_type="product")

    plan = body["session"]["skill_plan"]
    assert {s["id"] for s in plan} >= {"stakeholder_management"}
    assert plan[0]["id"] == "stakeholder_management"
    assert not [s for s in plan if s["source"] == "resume"], "all resume skills are technical"

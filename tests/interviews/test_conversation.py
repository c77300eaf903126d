"""Whole interviews through HTTP with simulated candidates (SPEC §5 adaptive loop)."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from hireloop.auth.models import UserRole
from hireloop.engine.knowledge import get_knowledge
from tests.factories import apply, auth, create_job, create_staff_user, register_candidate
from tests.interviews.simulate import (
    INJECTION,
    empty_answer,
    full_transcript,
    strong_answer,
    take_interview,
    weak_answer,
)

START = "/api/v1/interviews/start"
LEVEL_RANK = ["not_assessed", "novice", "intermediate", "proficient", "expert"]


async def _standalone(client: AsyncClient, role_type: str) -> tuple[str, dict[str, Any]]:
    token = (await register_candidate(client))["access_token"]
    response = await client.post(START, json={"role_type": role_type}, headers=auth(token))
    assert response.status_code == 201, response.text
    return token, response.json()


async def _job_linked(
    client: AsyncClient, app: object, **job: Any
) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    posting = await create_job(client, recruiter, **job)
    token = (await register_candidate(client))["access_token"]
    application = await apply(client, token, posting["id"])
    response = await client.post(
        START, json={"application_id": application["id"]}, headers=auth(token)
    )
    assert response.status_code == 201, response.text
    return recruiter, token, posting, response.json()


async def _results(client: AsyncClient, token: str, interview_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/interviews/{interview_id}/results", headers=auth(token))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _assert_quotes_are_real(results: dict[str, Any], transcript: list[dict[str, Any]]) -> None:
    answers = {
        m["id"]: m["content_text"] for m in transcript if m["message_type"] == "candidate_response"
    }
    quotes = [c for skill in results["skill_results"] for c in skill["credited"]]
    assert quotes, "results cite the candidate's answers"
    for claim in quotes:
        assert len(claim["quote"]) <= 200
        assert claim["quote"] in answers[claim["message_id"]]


async def test_strong_candidate_reaches_advanced_and_scores_high(client: AsyncClient) -> None:
    for role_type in ("python", "devops", "product"):
        token, started = await _standalone(client, role_type)
        await take_interview(client, token, started, strong_answer)
        detail = (
            await client.get(f"/api/v1/interviews/{started['id']}", headers=auth(token))
        ).json()
        assert detail["status"] == "completed"
        phases = [p["phase"] for p in detail["session"]["phase_history"]]
        assert phases == ["warmup", "standard", "advanced"], phases
        results = await _results(client, token, started["id"])
        assert results["overall_score"] >= 75, (role_type, results["overall_score"])
        for skill in results["skill_results"]:
            assert LEVEL_RANK.index(skill["level"]) >= LEVEL_RANK.index("proficient"), skill
        assert results["recommendation"] in ("strong_yes", "yes")
        assert results["strengths"]
        transcript = await full_transcript(client, token, started["id"])
        _assert_quotes_are_real(results, transcript)
        assert [m["sequence_number"] for m in transcript] == list(range(1, len(transcript) + 1))
        assert transcript[-1]["message_type"] == "ai_closing"
        question_ids = [
            m["metadata"]["question_id"]
            for m in transcript
            if m["message_type"] == "ai_question" and not m["metadata"]["is_followup"]
        ]
        assert len(question_ids) == len(set(question_ids)), "no question is asked twice"


async def test_weak_candidate_scores_low_with_boundaries(client: AsyncClient) -> None:
    token, started = await _standalone(client, "javascript")
    turns = await take_interview(client, token, started, weak_answer)
    assert len(turns) >= 8, "at least min_questions are asked"
    results = await _results(client, token, started["id"])
    assert results["overall_score"] <= 30
    assert any(skill["boundary"] for skill in results["skill_results"])
    assert all(skill["level"] in ("novice", "not_assessed") for skill in results["skill_results"])
    assert results["growth_areas"] and all(g["suggestion"] for g in results["growth_areas"])
    # Nothing credited anywhere: too little evidence for a recommendation; a person decides.
    assert results["recommendation"] in ("no", "needs_review")


async def test_empty_or_gibberish_candidate_scores_near_zero(client: AsyncClient) -> None:
    token, started = await _standalone(client, "go")
    await take_interview(client, token, started, empty_answer)
    assert (await _results(client, token, started["id"]))["overall_score"] <= 10


async def test_mixed_candidate_gets_the_right_level_per_skill(client: AsyncClient) -> None:
    token, started = await _standalone(client, "python")
    first_skill = started["session"]["skill_plan"][0]["id"]

    def mixed(message: dict[str, Any], question: Any, turn: int) -> str:
        if message["metadata"]["skill_area"] == first_skill:
            return strong_answer(message, question)
        return weak_answer(message, question)

    await take_interview(client, token, started, mixed)
    results = await _results(client, token, started["id"])
    levels = {s["skill_id"]: s["level"] for s in results["skill_results"]}
    assert LEVEL_RANK.index(levels.pop(first_skill)) >= LEVEL_RANK.index("proficient")
    assert set(levels.values()) <= {"novice", "not_assessed"}


async def test_prompt_injection_earns_nothing_and_is_flagged(client: AsyncClient) -> None:
    token, started = await _standalone(client, "react")

    def injecting(message: dict[str, Any], question: Any, turn: int) -> str:
        return INJECTION if turn == 0 else weak_answer(message, question)

    await take_interview(client, token, started, injecting)
    results = await _results(client, token, started["id"])
    assert results["integrity_flags"], "the attempt is recorded"
    transcript = await full_transcript(client, token, started["id"])
    injected = next(m for m in transcript if m["content_text"] == INJECTION)
    assert injected["metadata"]["evaluation"]["score"] == 0
    assert results["overall_score"] <= 30


async def test_job_linked_interview_asks_about_the_jobs_skills(
    client: AsyncClient, app: object
) -> None:
    _, token, _posting, started = await _job_linked(
        client, app, tech_stack="React, TypeScript", required_skills=["GraphQL", "Accessibility"]
    )
    await take_interview(client, token, started, strong_answer)
    transcript = await full_transcript(client, token, started["id"])
    asked = {m["metadata"]["skill_area"] for m in transcript if m["message_type"] == "ai_question"}
    assert {"graphql", "accessibility"} <= asked
    application = (await client.get("/api/v1/applications/me", headers=auth(token))).json()
    assert application["items"][0]["status"] == "interview_completed"


async def test_sales_job_never_asks_a_coding_question(client: AsyncClient, app: object) -> None:
    _, token, _, started = await _job_linked(
        client,
        app,
        title="Account Executive",
        role_category="sales",
        tech_stack=None,
        required_skills=["Negotiation", "SQL", "Salesforce"],
    )
    assert started["role_type"] == "sales"
    await take_interview(client, token, started, strong_answer)
    kb = get_knowledge()
    transcript = await full_transcript(client, token, started["id"])
    for message in transcript:
        if message["message_type"] != "ai_question":
            continue
        skill = kb.skills.get(message["metadata"]["skill_area"])
        assert skill is None or not skill.technical, message["metadata"]


async def test_standalone_interview_never_mentions_a_job(client: AsyncClient, app: object) -> None:
    _recruiter, _token, posting, _ = await _job_linked(client, app)
    token, started = await _standalone(client, "python")
    await take_interview(client, token, started, strong_answer)
    transcript = await full_transcript(client, token, started["id"])
    for message in transcript:
        assert posting["company"] not in message["content_text"]
        assert posting["title"] not in message["content_text"]
    detail = (await client.get(f"/api/v1/interviews/{started['id']}", headers=auth(token))).json()
    assert detail["job_posting_id"] is None

"""Whole interviews through the API, answered by personas from the calibration set.

Practice interviews for the roles the independent answer sets test (python, react,
devops, sales): every question of their core skills has hand-written answers of each
kind, so a persona answers every question it is asked in its own voice.
"""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient

from hireloop.engine.schema import Question
from tests.calibration.calibrate import load_samples
from tests.factories import auth, register_candidate
from tests.interviews.simulate import Answerer, question_for, take_interview

ROLES = ("python", "react", "devops", "sales")


def _persona(kind: str, answer_set: str = "holdout") -> Answerer:
    answers = {s.question.id: s.answer for s in load_samples(answer_set) if s.kind == kind} | {
        s.question.id: s.answer for s in load_samples("dev") if s.kind == kind
    }

    def answer(message: dict[str, Any], question: Question, _turn: int) -> str:
        if message["metadata"].get("is_followup"):
            return answers[question.id]  # asked to go on: says the same again, in full
        return answers[question.id]

    return answer


async def _start(client: AsyncClient, token: str, role: str) -> dict[str, Any]:
    started = await client.post(
        "/api/v1/interviews/start", json={"role_type": role}, headers=auth(token)
    )
    assert started.status_code == 201, started.text
    body: dict[str, Any] = started.json()
    return body


async def _interview(client: AsyncClient, role: str, persona: Answerer) -> dict[str, Any]:
    token = (await register_candidate(client))["access_token"]
    started = await client.post(
        "/api/v1/interviews/start", json={"role_type": role}, headers=auth(token)
    )
    assert started.status_code == 201, started.text
    await take_interview(client, token, started.json(), persona)
    results = await client.get(
        f"/api/v1/interviews/{started.json()['id']}/results", headers=auth(token)
    )
    assert results.status_code == 200, results.text
    body: dict[str, Any] = results.json()
    return body


@pytest.mark.parametrize("role", ROLES)
async def test_an_expert_is_strong_yes_with_evidence_for_every_skill(
    client: AsyncClient, role: str
) -> None:
    results = await _interview(client, role, _persona("expert"))
    assert results["overall_score"] >= 85, results["skill_results"]
    assert results["recommendation"] == "strong_yes"
    for skill in results["skill_results"]:
        assert skill["level"] != "not_assessed" and skill["credited"], skill["skill_id"]


@pytest.mark.parametrize("role", ROLES)
async def test_a_confidently_wrong_candidate_scores_low(client: AsyncClient, role: str) -> None:
    results = await _interview(client, role, _persona("wrong"))
    assert results["overall_score"] <= 30
    assert results["recommendation"] in ("no", "needs_review")


@pytest.mark.parametrize("role", ROLES)
async def test_glued_term_lists_score_low_and_are_flagged(client: AsyncClient, role: str) -> None:
    results = await _interview(client, role, _persona("glued"))
    assert results["overall_score"] <= 25
    assert any(f["flag"] == "keyword_stuffing" for f in results["integrity_flags"])


async def test_an_interview_ended_after_three_answers_needs_review_with_its_coverage(
    client: AsyncClient,
) -> None:
    token = (await register_candidate(client))["access_token"]
    started = await _start(client, token, "python")
    expert = _persona("expert")
    message = started["first_question"]
    for turn in range(3):
        question = question_for(message, started["session"]["skill_plan"])
        reply = await client.post(
            f"/api/v1/interviews/{started['id']}/messages",
            json={"content": expert(message, question, turn), "question_id": message["id"]},
            headers=auth(token),
        )
        assert reply.status_code == 200, reply.text
        message = reply.json()["next_question"]
    done = await client.post(f"/api/v1/interviews/{started['id']}/complete", headers=auth(token))
    assert done.status_code == 200, done.text
    results = (
        await client.get(f"/api/v1/interviews/{started['id']}/results", headers=auth(token))
    ).json()
    assert results["recommendation"] == "needs_review"
    assert results["coverage"]["questions_asked"] == 3
    assert results["coverage"]["questions_planned"] == 15
    assert results["confidence"] == "low"
    assert any("ended early" in reason for reason in results["review_reasons"])


async def test_every_quote_is_in_the_transcript_and_answers_a_question_of_its_skill(
    client: AsyncClient,
) -> None:
    token = (await register_candidate(client))["access_token"]
    started = await _start(client, token, "devops")
    await take_interview(client, token, started, _persona("plain"))
    results = (
        await client.get(f"/api/v1/interviews/{started['id']}/results", headers=auth(token))
    ).json()
    transcript = (
        await client.get(
            f"/api/v1/interviews/{started['id']}/messages",
            params={"limit": 100},
            headers=auth(token),
        )
    ).json()["items"]
    by_id = {m["id"]: m for m in transcript}
    quoted = 0
    for skill in results["skill_results"]:
        for claim in skill["credited"]:
            message = by_id[claim["message_id"]]
            assert claim["quote"] in message["content_text"]
            assert message["metadata"]["skill_area"] == skill["skill_id"]
            quoted += 1
    assert quoted > 0

"""Nothing about how answers were judged reaches the candidate before the interview ends,
by any route they can read; afterwards (and for the job's recruiter) it is all there."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from hireloop.auth.models import UserRole
from tests.factories import (
    PASSWORD,
    apply,
    auth,
    create_job,
    create_staff_user,
    register_candidate,
)
from tests.interviews.simulate import question_for, strong_answer
from tests.web.forms import web_login

# Keys that carry a judgement of an answer, anywhere in a JSON body.
JUDGEMENT_KEYS = {"score", "signal", "level", "evaluation", "answers", "credited"}
LEVEL_WORDS = ("novice", "intermediate", "proficient", "expert", "adequate")


def _judgement_keys(body: Any, path: str = "") -> list[str]:
    found: list[str] = []
    if isinstance(body, dict):
        for key, value in body.items():
            if key in JUDGEMENT_KEYS:
                found.append(f"{path}.{key}")
            found += _judgement_keys(value, f"{path}.{key}")
    elif isinstance(body, list):
        for index, value in enumerate(body):
            found += _judgement_keys(value, f"{path}[{index}]")
    return found


async def _two_answers_in(client: AsyncClient, app: Any) -> tuple[str, str, dict[str, Any]]:
    """(candidate token, recruiter token, started interview) after two judged answers."""
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    token = (await register_candidate(client))["access_token"]
    application = await apply(client, token, job["id"])
    started = await client.post(
        "/api/v1/interviews/start", json={"application_id": application["id"]}, headers=auth(token)
    )
    assert started.status_code == 201, started.text
    interview = started.json()
    question = interview["first_question"]
    for _ in range(2):
        turn = await client.post(
            f"/api/v1/interviews/{interview['id']}/messages",
            json={
                "content": strong_answer(
                    question, question_for(question, interview["session"]["skill_plan"])
                ),
                "question_id": question["id"],
            },
            headers=auth(token),
        )
        assert turn.status_code == 200, turn.text
        question = turn.json()["next_question"]
    return token, recruiter, interview


async def test_no_route_shows_the_candidate_a_judgement_mid_interview(
    client: AsyncClient, app: Any
) -> None:
    token, recruiter, interview = await _two_answers_in(client, app)
    base = f"/api/v1/interviews/{interview['id']}"
    readable = {
        "detail": await client.get(base, headers=auth(token)),
        "transcript": await client.get(f"{base}/messages", headers=auth(token)),
        "mine": await client.get("/api/v1/interviews/me", headers=auth(token)),
        "resumed": await client.post(
            "/api/v1/interviews/start",
            json={"application_id": interview["application_id"]},
            headers=auth(token),
        ),
    }
    for name, response in readable.items():
        assert response.status_code == 200, (name, response.text)
        assert _judgement_keys(response.json()) == [], name
    levels = readable["detail"].json()["session"]["skill_levels"]
    assert levels and all(set(v) == {"closed", "questions"} for v in levels.values())
    assert (await client.get(f"{base}/results", headers=auth(token))).status_code == 409
    # The interview page shows progress, never a level or a signal.
    me = (await client.get("/api/v1/auth/me", headers=auth(token))).json()
    await web_login(client, me["email"], PASSWORD)
    page = await client.get(f"/interviews/{interview['id']}")
    assert page.status_code == 200, page.text
    assert not any(word in page.text.lower() for word in LEVEL_WORDS)

    # The job's recruiter sees the judgement while it runs; the candidate once it is over.
    theirs = (await client.get(base, headers=auth(recruiter))).json()["session"]["skill_levels"]
    assert any("answers" in level for level in theirs.values())
    done = await client.post(f"{base}/complete", headers=auth(token))
    assert done.status_code == 200, done.text
    after = (await client.get(base, headers=auth(token))).json()["session"]["skill_levels"]
    assert any(level.get("answers") for level in after.values())

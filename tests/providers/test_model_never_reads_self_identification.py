"""The judge never gets a candidate's voluntary self-identification: a whole interview
with a language model, after the candidate answered, sends none of it in any request."""

from __future__ import annotations

import json
from typing import Any

from httpx import AsyncClient

from hireloop.auth.models import UserRole
from tests.factories import apply, auth, create_job, create_staff_user, register_candidate
from tests.fairness.test_privacy import assert_no_answers
from tests.interviews.simulate import strong_answer, take_interview
from tests.providers.fake_openai import FakeOpenAI


async def test_no_model_request_carries_the_answers(
    client: AsyncClient, app: Any, fake_openai: FakeOpenAI
) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter, title="Backend Engineer")
    token = (await register_candidate(client, "Noa Candidate"))["access_token"]
    answers = {"sex": "female", "race_ethnicity": "native_hawaiian_or_pacific_islander"}
    saved = await client.put("/api/v1/me/self-identification", json=answers, headers=auth(token))
    assert saved.status_code == 200
    application = await apply(client, token, job["id"])
    started = await client.post(
        "/api/v1/interviews/start",
        json={"application_id": application["id"]},
        headers=auth(token),
    )
    assert started.status_code == 201, started.text
    await take_interview(client, token, started.json(), strong_answer)

    assert {c.task for c in fake_openai.calls} >= {"question", "evaluation"}
    for call in fake_openai.calls:
        assert_no_answers(f"the {call.task} request", json.dumps(call.body))

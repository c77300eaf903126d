"""A language model's calls run with no database transaction open (interviews/answers.py
for answers, interviews/start.py for the first question).

On SQLite one write lock covers the whole database, so a turn that held its transaction
through a slow model call would make every other user's request wait on it. These tests
hold the model's evaluation back and show what happens meanwhile, on both databases.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from httpx import AsyncClient

from hireloop.auth.models import UserRole
from hireloop.interviews.answers import ANSWERED_MEANWHILE
from tests.factories import (
    apply,
    auth,
    create_job,
    create_staff_user,
    current_question_id,
    register_candidate,
)
from tests.interviews.simulate import question_for, strong_answer
from tests.providers.fake_openai import Call, FakeOpenAI, Reply, naive_model

START = "/api/v1/interviews/start"
ANSWER = (
    "I profile first, then fix the biggest cost: for example I added an index and a cache "
    "to a slow endpoint, measured p95 before and after, and weighed memory against freshness "
    "of the data so that the trade-off was explicit for the whole team to review."
)


def slow(delay: float, *tasks: str) -> Any:
    def script(call: Call) -> Reply:
        reply = naive_model(call)
        if call.task in tasks:
            reply.delay = delay
        return reply

    return script


async def _started(client: AsyncClient) -> tuple[str, dict[str, Any]]:
    token = (await register_candidate(client))["access_token"]
    response = await client.post(START, json={"role_type": "python"}, headers=auth(token))
    assert response.status_code == 201, response.text
    return token, response.json()


async def _until_called(fake_openai: FakeOpenAI, task: str, count: int = 1) -> Call:
    deadline = time.monotonic() + 20
    while len(fake_openai.calls_for(task)) < count:
        assert time.monotonic() < deadline, f"no {task} call reached the model"
        await asyncio.sleep(0.01)
    return fake_openai.calls_for(task)[count - 1]


async def _write_during(client: AsyncClient, call: Call, delay: float, what: str) -> None:
    """Another candidate registers (a write) and reads their account while ``call`` is
    still with the model: nothing may wait for it."""
    other = await register_candidate(client, name="Other Person")
    assert (await client.get("/api/v1/auth/me", headers=auth(other["access_token"]))).is_success
    assert time.monotonic() < call.at + delay, f"a write waited for the {what} call"


async def _answered_once(client: AsyncClient) -> tuple[str, str, dict[str, Any]]:
    """(token, interview URL, the first answer's turn) of a started interview."""
    token, started = await _started(client)
    interview = f"/api/v1/interviews/{started['id']}"
    first = started["first_question"]
    # An answer that earns credit, so finishing has results for the model to word.
    content = strong_answer(first, question_for(first, started["session"]["skill_plan"]))
    answered = await client.post(
        f"{interview}/messages",
        json={"content": content, "question_id": first["id"]},
        headers=auth(token),
    )
    assert answered.status_code == 200, answered.text
    return token, interview, answered.json()


async def _finish_slowly(
    client: AsyncClient, fake_openai: FakeOpenAI, token: str, interview: str, delay: float
) -> tuple[asyncio.Task[Any], Call]:
    """POST /complete in the background; returns it once the results are with the model."""
    fake_openai.script = slow(delay, "summary")
    finishing = asyncio.create_task(client.post(f"{interview}/complete", headers=auth(token)))
    return finishing, await _until_called(fake_openai, "summary")


async def test_other_users_write_while_a_model_works_on_an_answer(
    client: AsyncClient, fake_openai: FakeOpenAI
) -> None:
    token, started = await _started(client)
    questions_so_far = len(fake_openai.calls_for("question"))
    delay = 3.0
    fake_openai.script = slow(delay, "evaluation", "question")
    answering = asyncio.create_task(
        client.post(
            f"/api/v1/interviews/{started['id']}/messages",
            json={"content": ANSWER, "question_id": started["first_question"]["id"]},
            headers=auth(token),
        )
    )
    # While the model evaluates the answer, and then while it words the next question,
    # another candidate registers (a write) without waiting for it.
    for task, count in (("evaluation", 1), ("question", questions_so_far + 1)):
        await _write_during(client, await _until_called(fake_openai, task, count), delay, task)

    answered = await answering
    assert answered.status_code == 200, answered.text
    assert "how do you apply" in answered.json()["next_question"]["content_text"]


async def test_concurrent_answers_with_a_model_take_one_and_refuse_the_other(
    client: AsyncClient, fake_openai: FakeOpenAI
) -> None:
    fake_openai.script = slow(0.5, "evaluation")
    token, started = await _started(client)
    url = f"/api/v1/interviews/{started['id']}/messages"

    def send(content: str, question: str, key: str | None = None) -> Any:
        headers = {**auth(token), **({"Idempotency-Key": key} if key else {})}
        return client.post(url, json={"content": content, "question_id": question}, headers=headers)

    question = started["first_question"]["id"]
    first, second = await asyncio.gather(
        send(ANSWER, question), send(ANSWER + " Also, tests.", question)
    )
    codes = sorted([first.status_code, second.status_code])
    assert codes == [200, 409], (first.text, second.text)
    refused = first if first.status_code == 409 else second
    assert refused.json()["detail"] == ANSWERED_MEANWHILE
    assert len(fake_openai.calls_for("evaluation")) == 2, "both answers reached the model"

    # A client retrying with the same key during the slow call gets the same turn twice.
    question = await current_question_id(client, token, started["id"])
    again = await asyncio.gather(
        send(ANSWER, question, "retry-1"), send(ANSWER, question, "retry-1")
    )
    assert [r.status_code for r in again] == [200, 200], [r.text for r in again]
    assert again[0].json()["answer"]["id"] == again[1].json()["answer"]["id"]

    transcript = await client.get(url, params={"limit": 200}, headers=auth(token))
    messages = transcript.json()["items"]
    assert [m["sequence_number"] for m in messages] == list(range(1, len(messages) + 1))
    answers = [m for m in messages if m["message_type"] == "candidate_response"]
    assert len(answers) == 2, "one answer from the race and one from the retried pair"

    # Every call the model was paid for counts on the interview, the refused one included.
    detail = await client.get(f"/api/v1/interviews/{started['id']}", headers=auth(token))
    prompt, completion = fake_openai.billed()
    assert detail.json()["total_tokens_used"] == prompt + completion


async def _application(client: AsyncClient, app: Any) -> tuple[str, dict[str, Any], str]:
    """(candidate token, their application, the recruiter's token) for a new job."""
    recruiter = await create_staff_user(app, UserRole.recruiter)
    posting = await create_job(
        client, recruiter, title="Data Engineer", required_skills=["Apache Spark", "Airflow"]
    )
    token = (await register_candidate(client))["access_token"]
    return token, await apply(client, token, posting["id"]), recruiter


async def test_other_users_write_while_a_model_words_the_first_question(
    client: AsyncClient, app: Any, fake_openai: FakeOpenAI
) -> None:
    token, application, _ = await _application(client, app)
    delay = 3.0
    fake_openai.script = slow(delay, "question")
    starting = asyncio.create_task(
        client.post(START, json={"application_id": application["id"]}, headers=auth(token))
    )
    await _write_during(client, await _until_called(fake_openai, "question"), delay, "opening")

    started = await starting
    assert started.status_code == 201, started.text
    body = started.json()
    assert body["job_posting_id"] == application["job_posting_id"]
    assert "Data Engineer" in body["first_question"]["content_text"]
    assert body["first_question"]["metadata"]["fallback"] is False
    assert body["total_tokens_used"] == sum(fake_openai.billed())


async def test_concurrent_starts_with_a_model_begin_the_interview_once(
    client: AsyncClient, app: Any, fake_openai: FakeOpenAI
) -> None:
    token, application, _ = await _application(client, app)
    fake_openai.script = slow(0.5, "question")
    responses = await asyncio.gather(
        *(
            client.post(START, json={"application_id": application["id"]}, headers=auth(token))
            for _ in range(4)
        )
    )
    assert sorted(r.status_code for r in responses) == [200, 200, 200, 201]
    assert len({r.json()["first_question"]["id"] for r in responses}) == 1
    interview = f"/api/v1/interviews/{responses[0].json()['id']}"
    transcript = await client.get(f"{interview}/messages", headers=auth(token))
    assert [m["sequence_number"] for m in transcript.json()["items"]] == [1]
    # Each start's call to the model was paid for, and each counts on the interview.
    detail = await client.get(interview, headers=auth(token))
    assert detail.json()["total_tokens_used"] == sum(fake_openai.billed())


async def test_other_users_write_while_a_model_words_the_results_of_finishing_early(
    client: AsyncClient, fake_openai: FakeOpenAI
) -> None:
    token, interview, _ = await _answered_once(client)
    delay = 3.0
    finishing, call = await _finish_slowly(client, fake_openai, token, interview, delay)
    await _write_during(client, call, delay, "results")

    finished = await finishing
    assert finished.status_code == 200, finished.text
    assert finished.json()["status"] == "completed"
    assert finished.json()["total_tokens_used"] == sum(fake_openai.billed())
    results = (await client.get(f"{interview}/results", headers=auth(token))).json()
    worded = " ".join([*results["strengths"], *(g["suggestion"] for g in results["growth_areas"])])
    assert "Model praise" in worded or "Model advice" in worded
    transcript = await client.get(f"{interview}/messages", headers=auth(token))
    kinds = [m["message_type"] for m in transcript.json()["items"]]
    assert kinds[-1] == "ai_closing" and kinds.count("ai_closing") == 1


async def test_an_answer_taken_while_finishing_early_is_in_the_results(
    client: AsyncClient, fake_openai: FakeOpenAI
) -> None:
    token, interview, first = await _answered_once(client)
    plan = (await client.get(interview, headers=auth(token))).json()["session"]["skill_plan"]
    upcoming = first["next_question"]
    finishing, _ = await _finish_slowly(client, fake_openai, token, interview, 1.0)
    # The candidate's answer arrives while the model words the results of finishing.
    second = await client.post(
        f"{interview}/messages",
        json={
            "content": strong_answer(upcoming, question_for(upcoming, plan)),
            "question_id": upcoming["id"],
        },
        headers=auth(token),
    )
    assert second.status_code == 200, second.text

    finished = await finishing
    assert finished.status_code == 200, finished.text
    assert finished.json()["status"] == "completed"
    items = (await client.get(f"{interview}/messages", headers=auth(token))).json()["items"]
    assert [m["sequence_number"] for m in items] == list(range(1, len(items) + 1))
    assert items[-1]["message_type"] == "ai_closing"
    answer_ids = {m["id"] for m in items if m["message_type"] == "candidate_response"}
    assert answer_ids == {first["answer"]["id"], second.json()["answer"]["id"]}
    results = (await client.get(f"{interview}/results", headers=auth(token))).json()
    quoted = {c["message_id"] for s in results["skill_results"] for c in s["credited"]}
    assert second.json()["answer"]["id"] in quoted, "the results were built again with it"
    assert finished.json()["total_tokens_used"] == sum(fake_openai.billed())


async def test_a_job_closed_while_the_model_words_the_first_question_refuses_the_start(
    client: AsyncClient, app: Any, fake_openai: FakeOpenAI
) -> None:
    token, application, recruiter = await _application(client, app)
    fake_openai.script = slow(1.0, "question")
    starting = asyncio.create_task(
        client.post(START, json={"application_id": application["id"]}, headers=auth(token))
    )
    await _until_called(fake_openai, "question")
    job = application["job_posting_id"]
    closed = await client.post(f"/api/v1/job-postings/{job}/close", headers=auth(recruiter))
    assert closed.status_code == 200, closed.text

    refused = await starting
    assert refused.status_code == 400, refused.text
    assert refused.json() == {"detail": "Job posting is no longer active", "code": "job_not_active"}
    mine = await client.get(f"/api/v1/applications/{application['id']}", headers=auth(token))
    assert mine.json()["status"] == application["status"], "the application did not move on"
    assert mine.json()["interview"]["status"] == "scheduled"

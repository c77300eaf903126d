"""Interview lifecycle: access, completion, abandonment, retries, concurrency, restarts."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from datetime import timedelta
from typing import Any

from httpx import ASGITransport, AsyncClient
from sqlalchemy import update

from hireloop.auth.models import UserRole
from hireloop.db import utcnow
from hireloop.interviews.models import Interview, InterviewSession
from hireloop.interviews.sweeper import sweep_once
from hireloop.main import create_app
from tests.factories import apply, auth, create_job, create_staff_user, register_candidate
from tests.interviews.simulate import full_transcript, strong_answer, take_interview

START = "/api/v1/interviews/start"


async def _started(client: AsyncClient, app: Any) -> tuple[str, str, str, dict[str, Any]]:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    posting = await create_job(client, recruiter)
    token = (await register_candidate(client))["access_token"]
    application = await apply(client, token, posting["id"])
    started = await client.post(
        START, json={"application_id": application["id"]}, headers=auth(token)
    )
    assert started.status_code == 201
    return recruiter, token, application["id"], started.json()


def _url(started: dict[str, Any], tail: str = "") -> str:
    return f"/api/v1/interviews/{started['id']}{tail}"


async def test_access_owner_recruiter_admin_and_refusals(client: AsyncClient, app: Any) -> None:
    recruiter, token, _, started = await _started(client, app)
    other_recruiter = await create_staff_user(app, UserRole.recruiter)
    admin = await create_staff_user(app, UserRole.admin)
    stranger = (await register_candidate(client))["access_token"]
    for reader in (token, recruiter, admin):
        assert (await client.get(_url(started), headers=auth(reader))).status_code == 200
        assert (
            await client.get(_url(started, "/messages"), headers=auth(reader))
        ).status_code == 200
    for outsider in (stranger, other_recruiter):
        for path in ("", "/messages", "/results"):
            response = await client.get(_url(started, path), headers=auth(outsider))
            assert response.status_code == 403, path
            assert "content_text" not in response.text
        answer = await client.post(
            _url(started, "/messages"),
            json={"content": "hello", "question_id": started["first_question"]["id"]},
            headers=auth(outsider),
        )
        assert answer.status_code == 403
    # Only the candidate answers, even the job's recruiter cannot.
    answer = await client.post(
        _url(started, "/messages"),
        json={"content": "x", "question_id": started["first_question"]["id"]},
        headers=auth(recruiter),
    )
    assert answer.status_code == 403
    missing = f"/api/v1/interviews/{uuid.uuid4()}"
    assert (await client.get(missing, headers=auth(token))).status_code == 404
    mine = (await client.get("/api/v1/interviews/me", headers=auth(token))).json()
    assert [i["id"] for i in mine["items"]] == [started["id"]]
    assert (await client.get("/api/v1/interviews/me", headers=auth(stranger))).json()["total"] == 0


async def test_complete_is_idempotent_and_results_wait_for_it(
    client: AsyncClient, app: Any
) -> None:
    recruiter, token, application_id, started = await _started(client, app)
    early = await client.get(_url(started, "/results"), headers=auth(token))
    assert early.status_code == 409
    first = await client.post(
        _url(started, "/messages"),
        json={
            "content": strong_answer({}, _first_question(started)),
            "question_id": started["first_question"]["id"],
        },
        headers=auth(token),
    )
    assert first.status_code == 200 and first.json()["progress"]["question_number"] == 2
    assert "evaluation" not in first.json()["answer"]["metadata"], "hidden until the end"
    done = await client.post(_url(started, "/complete"), headers=auth(token))
    again = await client.post(_url(started, "/complete"), headers=auth(token))
    assert done.status_code == again.status_code == 200
    assert done.json()["status"] == "completed"
    results = (await client.get(_url(started, "/results"), headers=auth(recruiter))).json()
    assert len([s for s in results["skill_results"] if s["score"] is not None]) == 1
    assert results["insufficient_evidence"], "unasked skills are listed, not scored"
    late = await client.post(
        _url(started, "/messages"),
        json={"content": "more", "question_id": first.json()["next_question"]["id"]},
        headers=auth(token),
    )
    assert late.status_code == 409
    restart = await client.post(START, json={"application_id": application_id}, headers=auth(token))
    assert restart.status_code == 409
    assert (await client.post(_url(started, "/abandon"), headers=auth(token))).status_code == 409
    transcript = await full_transcript(client, token, started["id"])
    assert [m["message_type"] for m in transcript] == [
        "ai_question",
        "candidate_response",
        "ai_question",
        "ai_closing",
    ]


def _first_question(started: dict[str, Any]) -> Any:
    from tests.interviews.simulate import question_for

    return question_for(started["first_question"], started["session"]["skill_plan"])


async def test_abandon_then_answering_is_409(client: AsyncClient, app: Any) -> None:
    _, token, _, started = await _started(client, app)
    abandoned = await client.post(_url(started, "/abandon"), headers=auth(token))
    assert abandoned.status_code == 200 and abandoned.json()["status"] == "abandoned"
    answer = await client.post(
        _url(started, "/messages"),
        json={"content": "hi", "question_id": started["first_question"]["id"]},
        headers=auth(token),
    )
    assert answer.status_code == 409
    assert (await client.get(_url(started, "/results"), headers=auth(token))).status_code == 409


async def test_answer_validation(client: AsyncClient, app: Any) -> None:
    _, token, _, started = await _started(client, app)
    question = started["first_question"]["id"]
    for body in (
        {"content": "", "question_id": question},
        {"content": "   \n\t ", "question_id": question},  # blank once stripped
        {"content": "x" * 5001, "question_id": question},
        {"content": "an answer"},  # which question?
        {"content": "an answer", "question_id": "not-a-uuid"},
        {},
        {"content": 5, "question_id": question},
    ):
        response = await client.post(_url(started, "/messages"), json=body, headers=auth(token))
        assert response.status_code == 422, body
    long_answer = "word " * 1000
    ok = await client.post(
        _url(started, "/messages"),
        json={"content": long_answer[:5000], "question_id": question},
        headers=auth(token),
    )
    assert ok.status_code == 200
    assert ok.json()["answer"]["content_text"] == long_answer[:5000].strip()


async def test_retry_with_idempotency_key_does_not_add_a_turn(
    client: AsyncClient, app: Any
) -> None:
    _, token, _, started = await _started(client, app)
    body = {
        "content": "Indexes speed up reads at the cost of writes.",
        "idempotency_key": "k-1",
        "question_id": started["first_question"]["id"],
    }
    first = await client.post(_url(started, "/messages"), json=body, headers=auth(token))
    retry = await client.post(_url(started, "/messages"), json=body, headers=auth(token))
    assert first.status_code == retry.status_code == 200
    assert retry.json()["answer"]["id"] == first.json()["answer"]["id"]
    assert retry.json()["next_question"]["id"] == first.json()["next_question"]["id"]
    second = {"content": "second answer", "question_id": first.json()["next_question"]["id"]}
    header_retry = await client.post(
        _url(started, "/messages"), json=second, headers={**auth(token), "Idempotency-Key": "k-2"}
    )
    header_again = await client.post(
        _url(started, "/messages"), json=second, headers={**auth(token), "Idempotency-Key": "k-2"}
    )
    assert header_again.json()["answer"]["id"] == header_retry.json()["answer"]["id"]
    transcript = await full_transcript(client, token, started["id"])
    assert len([m for m in transcript if m["message_type"] == "candidate_response"]) == 2


async def test_parallel_answers_are_serialised_without_lost_turns(
    client: AsyncClient, app: Any
) -> None:
    _, token, _, started = await _started(client, app)
    responses = await asyncio.gather(
        *[
            client.post(
                _url(started, "/messages"),
                json={
                    "content": f"Parallel answer number {i} about caching and indexes.",
                    "question_id": started["first_question"]["id"],
                },
                headers=auth(token),
            )
            for i in range(20)
        ]
    )
    accepted = [r for r in responses if r.status_code == 200]
    assert all(r.status_code in (200, 409) for r in responses), [r.text for r in responses]
    # All twenty answer the question on screen: exactly one is recorded against it.
    assert len(accepted) == 1, [r.text for r in responses]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"question_not_current"}
    transcript = await full_transcript(client, token, started["id"])
    answers = [m for m in transcript if m["message_type"] == "candidate_response"]
    assert len(answers) == len(accepted)
    assert {m["id"] for m in answers} == {r.json()["answer"]["id"] for r in accepted}
    assert [m["sequence_number"] for m in transcript] == list(range(1, len(transcript) + 1))
    kinds = [m["message_type"] for m in transcript]
    for before, after in itertools.pairwise(kinds):
        assert not (before == after == "candidate_response"), "every answer got its own turn"


async def test_a_new_server_process_continues_the_interview(
    client: AsyncClient, app: Any, settings: Any
) -> None:
    _, token, _, started = await _started(client, app)
    first = await client.post(
        _url(started, "/messages"),
        json={
            "content": strong_answer({}, _first_question(started)),
            "question_id": started["first_question"]["id"],
        },
        headers=auth(token),
    )
    assert first.status_code == 200
    second_app = create_app(settings)
    async with second_app.router.lifespan_context(second_app):
        transport = ASGITransport(app=second_app)
        async with AsyncClient(transport=transport, base_url="http://test") as other:
            resumed = await other.post(
                START, json={"application_id": started["application_id"]}, headers=auth(token)
            )
            assert resumed.status_code == 200
            assert resumed.json()["current_question"]["id"] == first.json()["next_question"]["id"]
            await take_interview(other, token, resumed.json(), strong_answer)
    detail = (await client.get(_url(started), headers=auth(token))).json()
    assert detail["status"] == "completed"


async def _left_idle(app: Any, settings: Any, started: dict[str, Any]) -> None:
    long_ago = utcnow() - timedelta(minutes=settings.idle_abandon_minutes + 1)
    async with app.state.sessionmaker() as session:
        await session.execute(
            update(InterviewSession)
            .where(InterviewSession.interview_id == uuid.UUID(started["id"]))
            .values(last_activity_at=long_ago)
        )
        await session.commit()


async def test_an_idle_interview_is_refused_then_swept_and_never_ended_by_a_read(
    client: AsyncClient, app: Any, settings: Any
) -> None:
    _, token, _, started = await _started(client, app)
    _, _, _, active = await _started(client, app)
    await _left_idle(app, settings, started)

    async def status() -> str:
        detail = await client.get(_url(started), headers=auth(token))
        return str(detail.json()["status"])

    # Reading changes nothing, however often.
    assert [await status() for _ in range(2)] == ["in_progress", "in_progress"]
    # Answering an idle interview is refused, as if it were already ended.
    answer = await client.post(
        _url(started, "/messages"),
        json={"content": "hi", "question_id": started["first_question"]["id"]},
        headers=auth(token),
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "interview_not_in_progress"
    # The sweep records it; the interview still in use is left alone; a second sweep is a no-op.
    assert await sweep_once(app.state.sessionmaker, settings) == 1
    assert await status() == "abandoned"
    assert await sweep_once(app.state.sessionmaker, settings) == 0
    async with app.state.sessionmaker() as session:
        still = await session.get(Interview, uuid.UUID(active["id"]))
        assert still is not None and still.status.value == "in_progress"


async def test_the_server_sweeps_idle_interviews_in_the_background(
    client: AsyncClient, app: Any, settings: Any
) -> None:
    _, token, _, started = await _started(client, app)
    await _left_idle(app, settings, started)
    sweeping = create_app(settings.model_copy(update={"idle_sweep_seconds": 1}))
    async with sweeping.router.lifespan_context(sweeping):
        for _ in range(100):
            detail = await client.get(_url(started), headers=auth(token))
            if detail.json()["status"] == "abandoned":
                break
            await asyncio.sleep(0.1)
    assert detail.json()["status"] == "abandoned"


async def test_time_limit_ends_the_interview(client: AsyncClient, app: Any, settings: Any) -> None:
    _, token, _, started = await _started(client, app)
    async with app.state.sessionmaker() as session:
        await session.execute(
            update(Interview)
            .where(Interview.id == uuid.UUID(started["id"]))
            .values(started_at=utcnow() - timedelta(minutes=settings.time_limit_minutes + 1))
        )
        await session.commit()
    answer = await client.post(
        _url(started, "/messages"),
        json={
            "content": strong_answer({}, _first_question(started)),
            "question_id": started["first_question"]["id"],
        },
        headers=auth(token),
    )
    assert answer.status_code == 200
    assert answer.json()["interview_complete"] is True
    transcript = await full_transcript(client, token, started["id"])
    assert transcript[-1]["metadata"]["stop_reason"] == "time_limit"

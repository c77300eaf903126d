"""Two server processes serving one interview: no lost or duplicated turns."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from tests.factories import PASSWORD, accept_notice, auth
from tests.live_server import live_server, server_env


async def _interleaved_answers(
    bases: list[str],
) -> tuple[list[httpx.Response], list[dict[str, object]]]:
    async with httpx.AsyncClient(timeout=60) as client:
        registered = await client.post(
            f"{bases[0]}/api/v1/auth/register",
            json={"email": "two-servers@example.com", "password": PASSWORD, "full_name": "Two"},
        )
        token = registered.json()["access_token"]
        await accept_notice(client, token, bases[0])
        started = await client.post(
            f"{bases[1]}/api/v1/interviews/start", json={"role_type": "go"}, headers=auth(token)
        )
        assert started.status_code == 201, started.text
        interview_id = started.json()["id"]
        question = started.json()["first_question"]["id"]
        responses = await asyncio.gather(
            *[
                client.post(
                    f"{bases[i % 2]}/api/v1/interviews/{interview_id}/messages",
                    json={
                        "content": f"Answer {i}: goroutines, channels and context cancellation.",
                        "question_id": question,
                    },
                    headers=auth(token),
                )
                for i in range(20)
            ]
        )
        page = await client.get(
            f"{bases[0]}/api/v1/interviews/{interview_id}/messages",
            params={"limit": 200},
            headers=auth(token),
        )
        return responses, page.json()["items"]


async def test_two_processes_serialise_answers_to_one_interview(
    app: object, database_url: str, tmp_path: Path
) -> None:
    env = server_env(database_url, str(tmp_path))
    with live_server(env) as (first, _), live_server(env) as (second, _):
        responses, transcript = await _interleaved_answers([first, second])
    accepted = [r.json()["answer"]["id"] for r in responses if r.status_code == 200]
    assert all(r.status_code in (200, 409) for r in responses), [r.text for r in responses]
    # All twenty answer the first question: one is taken, the others are told it moved on.
    assert len(accepted) == 1, [r.text for r in responses]
    refused = [r.json() for r in responses if r.status_code == 409]
    assert {r["code"] for r in refused} == {"question_not_current"}
    assert all(r["current_question"]["id"] for r in refused)
    answers = [m for m in transcript if m["message_type"] == "candidate_response"]
    assert sorted(m["id"] for m in answers) == sorted(accepted), "no answer lost or duplicated"
    assert [m["sequence_number"] for m in transcript] == list(range(1, len(transcript) + 1))

"""Faults and restarts against a real server process (SPEC §9: no answer is ever lost)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.factories import PASSWORD, accept_notice, auth
from tests.live_server import TcpProxy, live_server, server_env, wait_ready

ANSWER = "I would use an index on the filtered columns, measure with EXPLAIN and add a cache."


async def _candidate(client: httpx.AsyncClient, index: int) -> tuple[str, str]:
    registered = await client.post(
        "/api/v1/auth/register",
        json={"email": f"fault{index}@example.com", "password": PASSWORD, "full_name": "F"},
    )
    token = registered.json()["access_token"]
    await accept_notice(client, token)
    started = await client.post(
        "/api/v1/interviews/start", json={"role_type": "python"}, headers=auth(token)
    )
    assert started.status_code == 201, started.text
    return token, started.json()["id"]


async def _answer_until_failure(
    client: httpx.AsyncClient, token: str, interview_id: str, acknowledged: list[str]
) -> None:
    """Answers as fast as possible; records every answer the server acknowledged."""
    with contextlib.suppress(httpx.HTTPError):
        detail = await client.get(f"/api/v1/interviews/{interview_id}", headers=auth(token))
        if detail.json()["current_question"] is None:  # finished before the server was killed
            return
        question = detail.json()["current_question"]["id"]
        while True:
            response = await client.post(
                f"/api/v1/interviews/{interview_id}/messages",
                json={"content": ANSWER, "question_id": question},
                headers=auth(token),
            )
            if response.status_code != 200:
                return
            acknowledged.append(response.json()["answer"]["id"])
            if response.json()["next_question"]:
                question = response.json()["next_question"]["id"]
            if response.json()["interview_complete"]:
                return


async def _transcript(client: httpx.AsyncClient, token: str, interview_id: str) -> list[Any]:
    page = await client.get(
        f"/api/v1/interviews/{interview_id}/messages", params={"limit": 200}, headers=auth(token)
    )
    assert page.status_code == 200, page.text
    items: list[Any] = page.json()["items"]
    return items


async def test_sigkill_under_load_loses_no_committed_answer(
    app: object, database_url: str, tmp_path: Path
) -> None:
    env = server_env(database_url, str(tmp_path))
    with live_server(env) as (base, process):
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            people = [await _candidate(client, i) for i in range(6)]
            acknowledged: dict[str, list[str]] = {interview: [] for _, interview in people}
            load = [
                asyncio.create_task(_answer_until_failure(client, t, i, acknowledged[i]))
                for t, i in people
            ]
            await asyncio.sleep(1.0)
            os.kill(process.pid, signal.SIGKILL)  # no shutdown, no flush: a crash
            await asyncio.gather(*load)
    assert sum(map(len, acknowledged.values())) > 0, "the kill happened under load"

    with live_server(env, port=httpx.URL(base).port):
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            for token, interview_id in people:
                transcript = await _transcript(client, token, interview_id)
                stored = {m["id"] for m in transcript if m["message_type"] == "candidate_response"}
                assert set(acknowledged[interview_id]) <= stored, "an acknowledged answer was lost"
                assert [m["sequence_number"] for m in transcript] == list(
                    range(1, len(transcript) + 1)
                )
                # No half-written turn: every answer is followed by a question or the closing.
                kinds = [m["message_type"] for m in transcript]
                for index, kind in enumerate(kinds):
                    if kind == "candidate_response":
                        assert kinds[index + 1] in ("ai_question", "ai_closing")
                # And the interview continues where it stopped.
                await _answer_until_failure(client, token, interview_id, [])
                detail = await client.get(f"/api/v1/interviews/{interview_id}", headers=auth(token))
                assert detail.json()["status"] == "completed"


@pytest.mark.skipif(
    not os.environ.get("HIRELOOP_TEST_DATABASE_URL"),
    reason="needs PostgreSQL over TCP (runs in the PostgreSQL pass of .ci/run)",
)
async def test_database_outage_gives_503_and_recovers_without_restart(
    app: object, database_url: str, tmp_path: Path
) -> None:
    url = make_url(database_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    env = server_env(proxied, str(tmp_path))
    try:
        with live_server(env) as (base, process):
            async with httpx.AsyncClient(base_url=base, timeout=30) as client:
                assert (await client.get("/readyz")).status_code == 200
                token, _ = await _candidate(client, 99)

                proxy.stop()
                ready = await client.get("/readyz")
                assert ready.status_code == 503
                listing = await client.get("/api/v1/job-postings")
                assert listing.status_code == 503
                assert listing.json()["detail"] == "Database unavailable, please retry shortly"
                me = await client.get("/api/v1/auth/me", headers=auth(token))
                assert me.status_code == 503

                proxy.start()
                deadline = time.monotonic() + 20
                while (await client.get("/readyz")).status_code != 200:
                    assert time.monotonic() < deadline, "did not recover"
                    await asyncio.sleep(0.2)
                assert process.poll() is None, "recovered without a restart"
                assert (await client.get("/api/v1/auth/me", headers=auth(token))).status_code == 200
                assert (await client.get("/api/v1/job-postings")).status_code == 200
    finally:
        proxy.stop()


def test_wait_ready_reports_a_dead_server() -> None:
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    process.wait()
    with pytest.raises(RuntimeError, match="exited"):
        wait_ready("http://127.0.0.1:1", process, timeout=5)

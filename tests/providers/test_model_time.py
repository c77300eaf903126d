"""Time with a model: a stalled model costs at most the turn's budget, and a circuit
breaker stops paying even that once the model keeps failing."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import pytest
from httpx import AsyncClient

from hireloop.config import Settings
from hireloop.engine.providers.breaker import MemoryBreaker, RedisBreaker
from tests.factories import auth, register_candidate
from tests.providers.fake_openai import Call, FakeOpenAI, Reply, naive_model

REDIS_URL = "redis://127.0.0.1:6379/0"
ANSWER = "A tuple is immutable while a list can be changed in place, so tuples can be dict keys."


async def _start(client: AsyncClient) -> tuple[str, dict[str, Any]]:
    token = (await register_candidate(client))["access_token"]
    response = await client.post(
        "/api/v1/interviews/start", json={"role_type": "python"}, headers=auth(token)
    )
    assert response.status_code == 201, response.text
    return token, response.json()


async def test_a_stalled_model_costs_at_most_the_turn_budget(
    client: AsyncClient, settings: Settings, fake_openai: FakeOpenAI
) -> None:
    token, started = await _start(client)  # the opening question while the model works
    settings.ai_turn_budget_seconds = 1.5
    settings.ai_timeout_seconds = 30.0  # each call alone would wait far longer

    def stalled(call: Call) -> Reply:
        reply = naive_model(call)
        reply.delay = 20.0
        return reply

    fake_openai.script = stalled
    began = time.monotonic()
    response = await client.post(
        f"/api/v1/interviews/{started['id']}/messages",
        json={"content": ANSWER, "question_id": started["first_question"]["id"]},
        headers=auth(token),
    )
    took = time.monotonic() - began
    assert response.status_code == 200, response.text
    assert took < settings.ai_turn_budget_seconds + 5, took
    body = response.json()
    assert body["answer"]["metadata"]["fallback_reason"] == "timeout"
    assert body["next_question"]["metadata"]["fallback"] is True


async def test_an_open_breaker_skips_the_model_until_the_cool_down_ends(
    client: AsyncClient, settings: Settings, fake_openai: FakeOpenAI
) -> None:
    token, started = await _start(client)
    settings.ai_breaker_failures = 2
    settings.ai_breaker_cooldown_seconds = 60
    settings.ai_max_retries = 0
    fake_openai.script = lambda call: Reply(status=503, content="down")
    calls_before = len(fake_openai.calls)
    response = await client.post(
        f"/api/v1/interviews/{started['id']}/messages",
        json={"content": ANSWER, "question_id": started["first_question"]["id"]},
        headers=auth(token),
    )
    assert response.status_code == 200, response.text
    assert len(fake_openai.calls) - calls_before == 2, "evaluate, then word the question"
    fake_openai.script = naive_model  # back, but the breaker is open: nobody asks
    began = time.monotonic()
    following = await client.post(
        f"/api/v1/interviews/{started['id']}/messages",
        json={"content": ANSWER, "question_id": response.json()["next_question"]["id"]},
        headers=auth(token),
    )
    assert following.status_code == 200, following.text
    assert len(fake_openai.calls) - calls_before == 2
    meta = following.json()["answer"]["metadata"]
    assert meta["fallback_reason"] == "circuit_open" and meta["attempts"] == 0
    assert time.monotonic() - began < 2


async def test_the_memory_breaker_opens_after_failures_and_closes_on_success() -> None:
    breaker = MemoryBreaker(failures=3, cooldown=0.2)
    for _ in range(2):
        await breaker.failed()
    assert not await breaker.is_open()
    await breaker.failed()
    assert await breaker.is_open()
    await asyncio.sleep(0.25)
    assert not await breaker.is_open(), "the cool-down ended: the model is tried again"
    await breaker.failed()
    await breaker.succeeded()
    await breaker.failed()
    await breaker.failed()
    assert not await breaker.is_open(), "a success resets the count"


async def test_the_redis_breaker_is_shared_by_every_process() -> None:
    pytest.importorskip("redis")
    server = f"test-{uuid.uuid4()}"
    first = RedisBreaker(REDIS_URL, server, failures=2, cooldown=30)
    second = RedisBreaker(REDIS_URL, server, failures=2, cooldown=30)  # another process
    try:
        await first.failed()
        await second.failed()
        assert await first.is_open() and await second.is_open()
        await second.succeeded()
        assert not await first.is_open()
    finally:
        await first.succeeded()
        await first.aclose()
        await second.aclose()


async def test_an_unreachable_redis_leaves_the_breaker_closed() -> None:
    breaker = RedisBreaker("redis://127.0.0.1:1/0", "nowhere", failures=1, cooldown=30)
    await breaker.failed()
    assert not await breaker.is_open()
    await breaker.aclose()

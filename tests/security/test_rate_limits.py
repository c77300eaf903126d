"""Rate limits: logins per account and per IP, interview starts and answers per user —
429 with Retry-After; in memory by default, shared across processes through Redis."""

from __future__ import annotations

import asyncio
import os
import re
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from httpx import ASGITransport, AsyncClient

from hireloop.config import Settings
from hireloop.main import create_app
from hireloop.ratelimit import MemoryStore
from tests.factories import PASSWORD, auth, register_candidate
from tests.live_server import live_server, server_env
from tests.web.forms import question_of, submit, web_register

LOGIN = "/api/v1/auth/login"
REDIS_URL = "redis://127.0.0.1:6379/0"
ClientFactory = Callable[..., AbstractAsyncContextManager[AsyncClient]]


@pytest.fixture
def limited_client(settings: Settings, app: Any) -> ClientFactory:
    """A client for an app with the given limits (``app`` keeps the tables cleaned)."""

    @asynccontextmanager
    async def make(**limits: Any) -> AsyncIterator[AsyncClient]:
        limited = create_app(settings.model_copy(update=limits))
        async with limited.router.lifespan_context(limited):
            transport = ASGITransport(app=limited)
            async with AsyncClient(transport=transport, base_url="http://test") as client:
                yield client

    return make


def assert_limited(response: httpx.Response, window: int) -> None:
    assert response.status_code == 429, response.text
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= window
    assert "try again" in response.json()["detail"]


async def test_login_is_limited_per_account(limited_client: ClientFactory) -> None:
    async with limited_client(login_limit_per_account=3, login_window_seconds=600) as client:
        victim = await register_candidate(client)
        email = victim["user"]["email"]
        for _ in range(3):
            wrong = await client.post(LOGIN, json={"email": email, "password": "guess-123"})
            assert wrong.status_code == 401
        # Over the limit even the right password waits (case and spaces do not help).
        right = await client.post(LOGIN, json={"email": f" {email.upper()}", "password": PASSWORD})
        assert_limited(right, 600)
        # Other accounts from the same address are not affected.
        other = await register_candidate(client)
        ok = await client.post(LOGIN, json={"email": other["user"]["email"], "password": PASSWORD})
        assert ok.status_code == 200


async def test_the_login_page_shares_the_per_account_limit(limited_client: ClientFactory) -> None:
    async with limited_client(login_limit_per_account=2, login_window_seconds=600) as client:
        victim = await register_candidate(client)
        email = victim["user"]["email"]
        page = await client.get("/login")
        match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert match
        form = {"email": email, "password": "guess-123", "csrf_token": match.group(1)}
        for _ in range(2):
            assert (await client.post("/login", data=form)).status_code == 401
        assert (await client.post("/login", data=form)).status_code == 429
        # ... and the API refuses that account too: the same counter.
        api = await client.post(LOGIN, json={"email": email, "password": PASSWORD})
        assert_limited(api, 600)


async def test_login_is_limited_per_ip(limited_client: ClientFactory) -> None:
    async with limited_client(login_limit_per_ip=5, login_window_seconds=300) as client:
        for i in range(5):
            response = await client.post(
                LOGIN, json={"email": f"spray{i}@example.com", "password": "guess-123"}
            )
            assert response.status_code == 401
        sixth = await client.post(LOGIN, json={"email": "spray6@example.com", "password": "x1"})
        assert_limited(sixth, 300)


async def test_interview_starts_are_limited_per_user(limited_client: ClientFactory) -> None:
    async with limited_client(interview_start_limit=2) as client:
        first, second = await register_candidate(client), await register_candidate(client)
        start = "/api/v1/interviews/start"
        for _ in range(2):
            ok = await client.post(
                start, json={"role_type": "go"}, headers=auth(first["access_token"])
            )
            assert ok.status_code == 201
        refused = await client.post(
            start, json={"role_type": "go"}, headers=auth(first["access_token"])
        )
        assert_limited(refused, 3600)
        other = await client.post(
            start, json={"role_type": "go"}, headers=auth(second["access_token"])
        )
        assert other.status_code == 201


async def test_answers_are_limited_per_user(limited_client: ClientFactory) -> None:
    async with limited_client(answer_limit=2, answer_window_seconds=60) as client:
        user = await register_candidate(client)
        headers = auth(user["access_token"])
        started = await client.post(
            "/api/v1/interviews/start", json={"role_type": "python"}, headers=headers
        )
        url = f"/api/v1/interviews/{started.json()['id']}/messages"
        answer = {
            "content": "I would use a generator to stream the rows lazily.",
            "question_id": started.json()["first_question"]["id"],
        }
        for _ in range(2):
            response = await client.post(url, json=answer, headers=headers)
            assert response.status_code == 200
            answer["question_id"] = response.json()["next_question"]["id"]
        refused = await client.post(url, json=answer, headers=headers)
        assert_limited(refused, 60)
        transcript = await client.get(url, headers=headers)
        answers = [
            m for m in transcript.json()["items"] if m["message_type"] == "candidate_response"
        ]
        assert len(answers) == 2, "the refused answer was not stored"


async def test_web_pages_share_the_per_user_start_and_answer_limits(
    limited_client: ClientFactory,
) -> None:
    """Starting and answering through the web pages counts against the same per-user
    limits as the API, answered with a 429 page and Retry-After."""
    limits = {"interview_start_limit": 2, "answer_limit": 1, "answer_window_seconds": 60}
    async with limited_client(**limits) as client:
        email = f"web-{uuid.uuid4().hex[:8]}@example.com"
        await web_register(client, email)
        started = await submit(client, "/practice", "/practice", {"role_type": "go"})
        assert started.status_code == 303, started.text
        interview_url = started.headers["location"]
        # The API sees the same counter: one start left, then none.
        token = (await client.post(LOGIN, json={"email": email, "password": PASSWORD})).json()
        api = await client.post(
            "/api/v1/interviews/start",
            json={"role_type": "python"},
            headers=auth(token["access_token"]),
        )
        assert api.status_code == 201
        refused = await submit(client, "/practice", "/practice", {"role_type": "go"})
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 3600
        assert "many times in a short while" in refused.text and "try again" in refused.text

        question = question_of(await client.get(interview_url))
        answer = {
            "content": "I would use goroutines with a bounded worker pool.",
            "question_id": question,
        }
        first = await submit(client, interview_url, interview_url + "/answer", answer)
        assert first.status_code == 303
        second = await submit(client, interview_url, interview_url + "/answer", answer)
        assert second.status_code == 429 and 1 <= int(second.headers["retry-after"]) <= 60
        page = await client.get(interview_url)
        assert page.text.count("bounded worker pool") == 1, "the refused answer was not stored"


async def test_limits_can_be_switched_off(limited_client: ClientFactory) -> None:
    async with limited_client(login_limit_per_account=1, rate_limits_enabled=False) as client:
        for _ in range(3):
            response = await client.post(LOGIN, json={"email": "a@example.com", "password": "x1"})
            assert response.status_code == 401


async def test_memory_windows_open_at_the_first_request_and_expire() -> None:
    store = MemoryStore()
    assert await store.hit("k", 60, now=1000.0) == (1, 60.0)
    assert await store.hit("k", 60, now=1030.0) == (2, 30.0)
    assert await store.hit("k", 60, now=1060.0) == (1, 60.0)  # a new window
    assert await store.hit("other", 60, now=1060.0) == (1, 60.0)


def _redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


async def test_two_server_processes_share_the_login_limit_through_redis(
    app: Any, database_url: str, tmp_path: Path
) -> None:
    if not _redis_available():
        if os.environ.get("CI"):
            pytest.fail("Redis at 127.0.0.1:6379 is needed (.ci/run starts it)")
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    env = server_env(
        database_url,
        str(tmp_path),
        HIRELOOP_REDIS_URL=REDIS_URL,
        HIRELOOP_LOGIN_LIMIT_PER_ACCOUNT="4",
    )
    email = f"shared-{uuid.uuid4().hex[:8]}@example.com"
    with live_server(env) as (first, _), live_server(env) as (second, _):
        async with httpx.AsyncClient(timeout=30) as client:
            registered = await client.post(
                f"{first}/api/v1/auth/register",
                json={"email": email, "password": PASSWORD, "full_name": "Shared Limit"},
            )
            assert registered.status_code == 201
            statuses = []
            for attempt in range(6):  # alternate between the servers: 3 attempts each
                base = (first, second)[attempt % 2]
                response = await client.post(
                    f"{base}{LOGIN}", json={"email": email, "password": "guess-123"}
                )
                statuses.append(response.status_code)
            # Each server saw only three attempts; together they saw six, over the limit.
            assert statuses == [401, 401, 401, 401, 429, 429]
            assert int(response.headers["retry-after"]) >= 1
            both = await asyncio.gather(
                *(
                    client.post(f"{base}{LOGIN}", json={"email": email, "password": PASSWORD})
                    for base in (first, second)
                )
            )
            assert [r.status_code for r in both] == [429, 429]

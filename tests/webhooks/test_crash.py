"""A server killed (SIGKILL) in the middle of a delivery loses no event: after a restart
the delivery is made again, with the same event id (at least once)."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from hireloop.auth.models import UserRole
from hireloop.outbox import MessageStatus, OutboxMessage, emit
from tests.factories import auth, create_staff_user
from tests.live_server import live_server, server_env
from tests.webhooks.receiver import Receiver, Step


def wait_for(condition: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


async def test_sigkill_mid_delivery_loses_no_event(
    app: Any, database_url: str, tmp_path: Path, hook: Receiver
) -> None:
    admin = await create_staff_user(app, UserRole.admin, "Ann Admin")
    env = server_env(
        database_url,
        str(tmp_path / "server"),
        HIRELOOP_WEBHOOK_ALLOWED_NETWORKS="127.0.0.1",
        HIRELOOP_OUTBOX_POLL_SECONDS="0.2",
        HIRELOOP_OUTBOX_LEASE_SECONDS="4",
        HIRELOOP_WEBHOOK_TIMEOUT_SECONDS="3",
        HIRELOOP_OUTBOX_RETRY_BASE_SECONDS="0",
    )
    hook.script = [Step(200, hang=30)]  # the first delivery hangs: the server dies meanwhile
    with live_server(env) as (base, process):
        async with httpx.AsyncClient(base_url=base, timeout=30) as server:
            created = await server.post(
                "/api/v1/admin/webhooks",
                json={"url": hook.url, "events": ["job_posting.status_changed"]},
                headers=auth(admin),
            )
        assert created.status_code == 201, created.text
        async with app.state.sessionmaker() as session:
            event = await emit(session, "job_posting.status_changed", {"n": 1})
            await session.commit()
        wait_for(lambda: len(hook.received) == 1, 60, "the first delivery")
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    with live_server(env):
        wait_for(lambda: len(hook.received) >= 2, 90, "the delivery after the restart")
        for _ in range(300):
            message = await the_message(app)
            if message.status is MessageStatus.delivered:
                break
            await asyncio.sleep(0.1)
    assert set(hook.ids()) == {str(event.id)}
    assert message.status is MessageStatus.delivered and message.attempts == 2


async def the_message(app: Any) -> OutboxMessage:
    # A short session each time: an open SQLite transaction would block the server.
    async with app.state.sessionmaker() as session:
        message = await session.scalar(select(OutboxMessage))
    assert message is not None
    return message

"""Several workers share the queue: on PostgreSQL their claims skip each other's locked
rows, on SQLite they take turns; either way no attempt is ever made twice."""

from __future__ import annotations

import asyncio
from typing import Any

from httpx import AsyncClient
from sqlalchemy import func, select

from hireloop.config import Settings
from hireloop.db import create_engine, create_sessionmaker
from hireloop.outbox import OutboxAttempt, emit
from hireloop.outbox.worker import drain
from tests.webhooks.conftest import register_endpoint
from tests.webhooks.receiver import Receiver

EVENTS = 60


async def test_two_workers_never_deliver_the_same_attempt_twice(
    client: AsyncClient, app: Any, admin: str, hook: Receiver, settings: Settings
) -> None:
    await register_endpoint(client, admin, hook.url, ["job_posting.status_changed"])
    async with app.state.sessionmaker() as session:
        for number in range(EVENTS):
            await emit(session, "job_posting.status_changed", {"number": number})
        await session.commit()
    hook.delay = 0.01  # each answer takes a moment, so the workers overlap
    small = settings.model_copy(update={"outbox_batch_size": 4})
    engines = [create_engine(small) for _ in range(2)]
    try:
        done = await asyncio.gather(
            *(drain(create_sessionmaker(engine), small) for engine in engines)
        )
    finally:
        for engine in engines:
            await engine.dispose()
    assert sum(done) == EVENTS and all(count > 0 for count in done), done
    ids = hook.ids()
    assert len(ids) == EVENTS and len(set(ids)) == EVENTS
    assert sorted(r.json["data"]["number"] for r in hook.received) == list(range(EVENTS))
    async with app.state.sessionmaker() as session:
        attempts = await session.scalar(select(func.count()).select_from(OutboxAttempt))
        numbers = set(await session.scalars(select(OutboxAttempt.number)))
    assert attempts == EVENTS and numbers == {1}

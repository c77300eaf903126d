"""The outbox worker with a test channel: what commits is delivered, what rolls back is
not, retries back off and end, a crashed attempt is retried with the same event id."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hireloop.config import Settings
from hireloop.outbox import (
    ChannelContext,
    Delivery,
    MessageStatus,
    OutboxAttempt,
    OutboxMessage,
    Outcome,
    enqueue,
    register_channel,
)
from hireloop.outbox.worker import claim, drain, retry_delay

CHANNEL = "test-channel"


class Recorder:
    """A channel whose answers are scripted: each call takes the next outcome."""

    def __init__(self) -> None:
        self.script: list[Outcome | Exception] = []
        self.received: list[Delivery] = []

    async def deliver(self, delivery: Delivery, _context: ChannelContext) -> Outcome:
        self.received.append(delivery)
        step = self.script.pop(0) if self.script else Outcome.delivered()
        if isinstance(step, Exception):
            raise step
        return step


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"outbox_worker_in_server": False, "outbox_retry_base_seconds": 0}
    )


@pytest.fixture
async def recorder() -> AsyncIterator[Recorder]:
    channel = Recorder()
    register_channel(CHANNEL, channel.deliver)
    yield channel


def maker_of(app: Any) -> async_sessionmaker[AsyncSession]:
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    return maker


async def write(maker: async_sessionmaker[AsyncSession], *, commit: bool = True) -> None:
    async with maker() as session:
        enqueue(session, channel=CHANNEL, destination="somewhere", payload={"n": 1})
        await session.flush()
        if commit:
            await session.commit()
        else:
            await session.rollback()


async def messages(maker: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with maker() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def test_a_committed_message_is_delivered_once_and_a_rolled_back_one_never(
    app: Any, settings: Settings, recorder: Recorder
) -> None:
    maker = maker_of(app)
    await write(maker, commit=False)
    assert await drain(maker, settings) == 0
    await write(maker)
    assert await drain(maker, settings) == 1
    assert await drain(maker, settings) == 0
    assert [d.payload for d in recorder.received] == [{"n": 1}]
    [message] = await messages(maker)
    assert message.status is MessageStatus.delivered and message.attempts == 1


async def test_retries_until_delivered_and_logs_every_attempt(
    app: Any, settings: Settings, recorder: Recorder
) -> None:
    maker = maker_of(app)
    recorder.script = [Outcome.retry("HTTP 500", 500), RuntimeError("boom"), Outcome.retry("x")]
    await write(maker)
    await drain(maker, settings)
    assert [d.attempt for d in recorder.received] == [1, 2, 3, 4]
    assert len({d.event_id for d in recorder.received}) == 1
    [message] = await messages(maker)
    assert message.status is MessageStatus.delivered
    async with maker() as session:
        log = list(await session.scalars(select(OutboxAttempt).order_by(OutboxAttempt.number)))
    assert [(a.outcome.value, a.status_code) for a in log] == [
        ("retry", 500),
        ("retry", None),
        ("retry", None),
        ("delivered", None),
    ]
    assert log[1].error == "sender error: RuntimeError"


async def test_a_failed_outcome_is_final_and_the_retry_window_ends(
    app: Any, settings: Settings, recorder: Recorder
) -> None:
    maker = maker_of(app)
    recorder.script = [Outcome.failed("gone for good")]
    await write(maker)
    await drain(maker, settings)
    short = settings.model_copy(update={"outbox_retry_hours": 1e-9})
    recorder.script = [Outcome.retry("still down")]
    await write(maker)
    await drain(maker, short)
    first, second = await messages(maker)
    assert (first.status, first.last_error) == (MessageStatus.failed, "gone for good")
    assert second.status is MessageStatus.failed
    assert second.last_error is not None and second.last_error.startswith("gave up after 1")
    assert len(recorder.received) == 2


async def test_a_worker_that_dies_mid_attempt_leaves_the_message_to_be_retried(
    app: Any, settings: Settings, recorder: Recorder
) -> None:
    maker = maker_of(app)
    leased = settings.model_copy(update={"outbox_lease_seconds": 1})
    await write(maker)
    [taken] = await claim(maker, leased, 10)  # claimed, then the worker "dies"
    assert await claim(maker, leased, 10) == []  # nobody else takes a leased message
    await asyncio.sleep(1.2)
    assert await drain(maker, leased) == 1
    [again] = recorder.received
    assert again.event_id == taken.event_id and again.attempt == 2


def test_the_backoff_grows_with_jitter_up_to_the_cap(settings: Settings) -> None:
    timing = settings.model_copy(
        update={"outbox_retry_base_seconds": 30, "outbox_retry_max_delay_seconds": 3600}
    )
    first = [retry_delay(timing, 1) for _ in range(20)]
    fifth = [retry_delay(timing, 5) for _ in range(50)]
    late = [retry_delay(timing, 30) for _ in range(50)]
    assert all(delay == 30 for delay in first)
    assert all(30 <= delay <= 480 for delay in fifth) and len(set(fifth)) > 1
    assert all(30 <= delay <= 3600 for delay in late) and max(late) > 480


async def test_a_batch_shares_work_once_per_key_and_closes_what_it_opened(
    app: Any, settings: Settings
) -> None:
    """``context.shared`` makes each key's value once for a batch's concurrent attempts
    (an exception too); what goes on ``context.resources`` is closed before the outcomes
    are written; the next batch makes its own."""
    maker = maker_of(app)
    made: list[str] = []
    closed: list[str] = []

    class Resource:
        def __init__(self, name: str) -> None:
            self.name = name
            self.open = True

        async def __aenter__(self) -> Resource:
            return self

        async def __aexit__(self, *_exc: object) -> None:
            self.open = False
            closed.append(self.name)

    async def make(key: str) -> Resource:
        made.append(key)
        await asyncio.sleep(0.01)  # concurrent callers arrive while it is being made
        if key == "bad":
            raise ValueError("cannot make it")
        return Resource(key)

    async def deliver(delivery: Delivery, context: ChannelContext) -> Outcome:
        key = str(delivery.payload["key"])
        try:
            resource = await context.shared(
                key, lambda: context.resources.enter_async_context(make_and_enter(key))
            )
        except ValueError as error:
            return Outcome.failed(str(error))
        if not resource.open or resource.name != key:  # closed too early, or mixed up
            return Outcome.failed("wrong resource")
        return Outcome.delivered()

    @contextlib.asynccontextmanager
    async def make_and_enter(key: str) -> AsyncIterator[Resource]:
        async with await make(key) as resource:
            yield resource

    register_channel(CHANNEL, deliver)
    async with maker() as session:
        for key in ("a", "a", "b", "bad", "a", "bad", "b"):
            enqueue(session, channel=CHANNEL, destination="x", payload={"key": key})
        await session.commit()
    assert await drain(maker, settings, limit=20) == 7
    assert sorted(made) == ["a", "b", "bad"]
    assert sorted(closed) == ["a", "b"]
    statuses = [(m.payload["key"], m.status) for m in await messages(maker)]
    assert statuses.count(("a", MessageStatus.delivered)) == 3
    assert statuses.count(("bad", MessageStatus.failed)) == 2
    async with maker() as session:
        enqueue(session, channel=CHANNEL, destination="x", payload={"key": "a"})
        await session.commit()
    assert await drain(maker, settings, limit=20) == 1
    assert made.count("a") == 2 and closed.count("a") == 2  # a new batch, made anew


async def test_one_attempt_timing_out_does_not_cancel_shared_work_for_the_others(
    settings: Settings,
) -> None:
    context = ChannelContext(settings, None)  # type: ignore[arg-type]
    release = asyncio.Event()
    calls = 0

    async def slow() -> str:
        nonlocal calls
        calls += 1
        await release.wait()
        return "made"

    first = asyncio.create_task(context.shared("k", slow))
    second = asyncio.create_task(context.shared("k", slow))
    await asyncio.sleep(0)
    first.cancel()  # its attempt ran out of time
    release.set()
    assert await second == "made"
    assert first.cancelled() and calls == 1

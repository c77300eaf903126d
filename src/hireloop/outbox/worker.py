"""The outbox worker: claim due messages, hand each to its channel, record the outcome.

A claim is one short transaction that leases due messages: it counts the attempt and
moves ``next_attempt_at`` a lease ahead, so no other worker takes them while the attempt
runs. On PostgreSQL the claim reads with ``FOR UPDATE SKIP LOCKED``: workers claiming at
the same moment take different rows instead of waiting on each other. SQLite takes the
write lock when a transaction begins (``db._sqlite_begin``), so claims run one at a time.
An attempt never outlives its lease (it is cut off first), so one attempt is never made
twice; a worker killed mid-attempt leaves the lease to run out and the message is tried
again: at least once, with the same event id.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import structlog
from sqlalchemy import ColumnElement, Table, Update, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tenacity import RetryCallState, Retrying, wait_random_exponential

from hireloop.config import Settings
from hireloop.db import utcnow
from hireloop.outbox.channels import ChannelContext, Delivery, Outcome, channel, channel_names
from hireloop.outbox.models import AttemptOutcome, MessageStatus, OutboxAttempt, OutboxMessage
from hireloop.outbox.pacing import RequestsInFlight, pause_after
from hireloop.periodic import repeating

log = structlog.get_logger(__name__)

ERROR_LENGTH = 500


def retry_delay(settings: Settings, attempt: int) -> float:
    """Seconds to wait after failed attempt number ``attempt``: exponential, with jitter
    (uniform between the base and the exponential step), at most the cap."""
    base = settings.outbox_retry_base_seconds
    wait = wait_random_exponential(
        multiplier=base, max=max(base, settings.outbox_retry_max_delay_seconds), min=base
    )
    state = RetryCallState(Retrying(), None, (), {})
    state.attempt_number = attempt
    return float(wait(state))


async def claim(
    maker: async_sessionmaker[AsyncSession], settings: Settings, limit: int
) -> list[Delivery]:
    """Lease up to ``limit`` due messages of the channels this process can send."""
    names = channel_names()
    if not names:
        return []
    now = utcnow()
    async with maker() as session:
        ids = list(
            await session.scalars(
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.status == MessageStatus.pending,
                    OutboxMessage.next_attempt_at <= now,
                    OutboxMessage.channel.in_(names),
                )
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if not ids:
            await session.rollback()
            return []
        lease_end = now + timedelta(seconds=settings.outbox_lease_seconds)
        rows = await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(
                attempts=OutboxMessage.attempts + 1,
                next_attempt_at=lease_end,
                last_attempt_at=now,
            )
            .returning(
                OutboxMessage.id,
                OutboxMessage.event_id,
                OutboxMessage.channel,
                OutboxMessage.destination,
                OutboxMessage.event_type,
                OutboxMessage.payload,
                OutboxMessage.attempts,
                OutboxMessage.created_at,
            )
        )
        claimed = [Delivery(*row) for row in rows]
        await session.commit()
    claimed.sort(key=lambda delivery: delivery.message_id)
    return claimed


async def attempt(delivery: Delivery, context: ChannelContext) -> Outcome:
    """One attempt, cut off before the lease ends; a sender's exception means retry."""
    sender = channel(delivery.channel)
    if sender is None:
        return Outcome.retry(f"no sender for channel {delivery.channel!r} in this worker")
    try:
        async with asyncio.timeout(context.settings.outbox_lease_seconds * 0.8):
            return await sender.deliver(delivery, context)
    except TimeoutError:
        return Outcome.retry("the attempt took longer than its lease")
    except Exception as error:
        log.exception("outbox_sender_failed", channel=delivery.channel)
        return Outcome.retry(f"sender error: {type(error).__name__}")


@dataclass(frozen=True)
class Attempted:
    delivery: Delivery
    outcome: Outcome
    started_at: datetime
    latency_ms: int


def _message_change(settings: Settings, done: Attempted, now: datetime) -> dict[str, object]:
    """What an attempt's outcome changes on its message: delivered, due again later, or
    failed (``None`` leaves a column as it is)."""
    delivery, outcome = done.delivery, done.outcome
    error = outcome.reason[:ERROR_LENGTH] if outcome.reason else None
    change: dict[str, object] = {
        "b_id": delivery.message_id,
        "b_attempt": delivery.attempt,
        "b_status": None,
        "b_finished_at": None,
        "b_next_attempt_at": None,
        "b_error": error,
    }
    if outcome.kind is AttemptOutcome.delivered:
        change |= {"b_status": MessageStatus.delivered, "b_finished_at": now}
    elif outcome.kind is AttemptOutcome.retry and now - delivery.created_at < timedelta(
        hours=settings.outbox_retry_hours
    ):
        delay = retry_delay(settings, delivery.attempt)
        if outcome.retry_after is not None:  # the receiver asked for a pause
            delay = max(delay, min(outcome.retry_after, settings.outbox_retry_max_delay_seconds))
        change["b_next_attempt_at"] = now + timedelta(seconds=delay)
    else:
        change |= {"b_status": MessageStatus.failed, "b_finished_at": now}
        if outcome.kind is AttemptOutcome.retry:
            change["b_error"] = (
                f"gave up after {delivery.attempt} attempts over "
                f"{settings.outbox_retry_hours:g} h; last: {error}"
            )[:ERROR_LENGTH]
    return change


@functools.cache
def _move_on_statement() -> Update:
    """One UPDATE for every message of a batch (executemany): only the holder of an
    attempt's lease (same attempt number, still pending) moves its message on."""
    table = cast(Table, OutboxMessage.__table__)
    columns = table.c

    def kept(name: str) -> ColumnElement[Any]:
        column = columns[name]
        return func.coalesce(bindparam(f"b_{name}", type_=column.type), column)

    return (
        update(table)
        .where(
            columns.id == bindparam("b_id"),
            columns.attempts == bindparam("b_attempt"),
            columns.status == MessageStatus.pending.value,
        )
        .values(
            status=kept("status"),
            finished_at=kept("finished_at"),
            next_attempt_at=kept("next_attempt_at"),
            last_error=bindparam("b_error", type_=columns.last_error.type),
        )
    )


async def record(
    session: AsyncSession,
    settings: Settings,
    attempted: Sequence[Attempted],
    context: ChannelContext,
) -> None:
    """Log a batch's attempts and move each message on, in a few statements whatever the
    batch's size (SQLite has one writer: the write is kept short); then each channel's
    ``after_batch`` sees its attempts, in message order."""
    if not attempted:
        return
    now = utcnow()
    session.add_all(
        OutboxAttempt(
            message_id=done.delivery.message_id,
            number=done.delivery.attempt,
            started_at=done.started_at,
            latency_ms=done.latency_ms,
            outcome=done.outcome.kind,
            status_code=done.outcome.status_code,
            error=done.outcome.reason[:ERROR_LENGTH] if done.outcome.reason else None,
        )
        for done in attempted
    )
    await session.flush()
    await session.execute(
        _move_on_statement(), [_message_change(settings, done, now) for done in attempted]
    )
    by_channel: dict[str, list[tuple[Delivery, Outcome]]] = {}
    for done in sorted(attempted, key=lambda done: done.delivery.message_id):
        by_channel.setdefault(done.delivery.channel, []).append((done.delivery, done.outcome))
    for name, outcomes in by_channel.items():
        sender = channel(name)
        if sender is not None and sender.after_batch is not None:
            await sender.after_batch(session, outcomes, context)


async def _timed_attempt(delivery: Delivery, context: ChannelContext) -> Attempted:
    started_at = utcnow()
    clock = time.perf_counter()
    outcome = await attempt(delivery, context)
    latency_ms = round((time.perf_counter() - clock) * 1000)
    log.info(
        "outbox_attempt",
        channel=delivery.channel,
        message_id=delivery.message_id,
        attempt=delivery.attempt,
        outcome=outcome.kind.value,
        status_code=outcome.status_code,
        latency_ms=latency_ms,
    )
    return Attempted(delivery, outcome, started_at, latency_ms)


async def work_once(maker: async_sessionmaker[AsyncSession], settings: Settings) -> int:
    """Claim one batch, attempt it concurrently, record the outcomes in one transaction
    (one short write per batch, not per message: SQLite has one writer); the number
    attempted.
    A crash before that commit leaves the batch to be attempted again (at least once)."""
    batch = await claim(maker, settings, settings.outbox_batch_size)
    if not batch:
        return 0
    context = ChannelContext(settings, maker)
    async with context.resources:  # what the attempts opened is closed before the write
        attempted = await asyncio.gather(*(_timed_attempt(item, context) for item in batch))
    async with maker() as session:
        await record(session, settings, attempted, context)
        await session.commit()
    return len(batch)


async def drain(
    maker: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    limit: int | None = None,
    busy: Callable[[], bool] | None = None,
) -> int:
    """Work batch after batch until nothing is due (or ``limit`` attempts were made); the
    number of attempts made. While ``busy()`` says requests are being answered, pause
    between batches to use at most ``outbox_server_share`` of the time (``pacing``)."""
    total = 0
    while limit is None or total < limit:
        clock = time.perf_counter()
        done = await work_once(maker, settings)
        if not done:
            break
        total += done
        if busy is not None and busy():
            spent = time.perf_counter() - clock
            await asyncio.sleep(pause_after(spent, settings.outbox_server_share))
    return total


def outbox_worker(
    maker: async_sessionmaker[AsyncSession],
    settings: Settings,
    requests: RequestsInFlight | None = None,
) -> contextlib.AbstractAsyncContextManager[None]:
    """Deliver in the background while the app runs (``hireloop serve``), polling every
    ``outbox_poll_seconds`` and giving way to ``requests`` in flight; off with
    ``HIRELOOP_OUTBOX_WORKER_IN_SERVER=false``."""
    interval = settings.outbox_poll_seconds if settings.outbox_worker_in_server else 0
    busy = requests.busy if requests is not None else None
    return repeating(
        "outbox-worker", interval, lambda: drain(maker, settings, busy=busy), run_at_start=True
    )


async def run_worker(settings: Settings, *, once: bool = False) -> int:
    """``hireloop worker``: deliver until SIGTERM or SIGINT (``once``: until nothing is
    due); the number of messages attempted."""
    import signal

    from hireloop import models  # noqa: F401  (every mapper, for the ORM to configure)
    from hireloop.db import create_engine, create_sessionmaker
    from hireloop.outbox.channels import load_channels

    load_channels()
    engine = create_engine(settings)
    maker = create_sessionmaker(engine)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    total = 0
    try:
        while not stop.is_set():
            try:
                total += await drain(maker, settings)
            except Exception as error:  # the database may be away for a moment
                log.warning("outbox_worker_round_failed", error=type(error).__name__)
            if once:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), settings.outbox_poll_seconds)
    finally:
        await engine.dispose()
    return total

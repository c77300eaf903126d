"""Writing messages into the outbox, inside the caller's transaction.

``enqueue`` adds one message for one channel and destination. ``emit`` announces a domain
event (``application.created`` ...): every subscriber registered with ``subscribe`` (the
webhooks fan out to their endpoints; email may notify someone) turns it into messages in
the same transaction. Nothing here commits: the caller's commit makes the change and its
messages durable together, and a rollback discards both.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.db import utcnow
from hireloop.outbox.models import MessageStatus, OutboxMessage


@dataclass(frozen=True)
class Event:
    """A domain event. ``data`` holds ids, statuses and scores, never names, emails or
    text a person wrote: the outbox keeps it after the person may have been erased."""

    type: str
    data: dict[str, Any]
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    occurred_at: datetime = field(default_factory=utcnow)

    def envelope(self) -> dict[str, Any]:
        """The event as sent: the Standard Webhooks payload shape."""
        return {
            "type": self.type,
            "timestamp": self.occurred_at.isoformat().replace("+00:00", "Z"),
            "data": self.data,
        }


Subscriber = Callable[[AsyncSession, Event], Awaitable[None]]
BatchSubscriber = Callable[[AsyncSession, Sequence[Event]], Awaitable[None]]
_subscribers: list[Subscriber] = []
_batch_subscribers: list[BatchSubscriber] = []


def subscribe(subscriber: Subscriber) -> None:
    """Call ``subscriber(session, event)`` for every emitted event (once per function)."""
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)


def subscribe_batch(subscriber: BatchSubscriber) -> None:
    """Call ``subscriber(session, events)`` once per ``emit_many`` (and per ``emit``), for
    subscribers that write several events in one statement."""
    if subscriber not in _batch_subscribers:
        _batch_subscribers.append(subscriber)


def enqueue(
    session: AsyncSession,
    *,
    channel: str,
    destination: str,
    payload: dict[str, Any],
    event_type: str | None = None,
    event_id: uuid.UUID | None = None,
    person_id: uuid.UUID | None = None,
    deliver_after: datetime | None = None,
) -> OutboxMessage:
    """Add a message to the caller's transaction; the worker delivers it after the commit.

    ``person_id``: the person whose personal data ``payload`` or ``destination`` holds (an
    email's recipient), so erasing them deletes the message.
    """
    now = utcnow()
    message = OutboxMessage(
        event_id=event_id or uuid.uuid4(),
        channel=channel,
        destination=destination,
        event_type=event_type,
        payload=payload,
        person_id=person_id,
        status=MessageStatus.pending,
        attempts=0,
        next_attempt_at=deliver_after or now,
        created_at=now,
    )
    session.add(message)
    return message


async def emit(session: AsyncSession, event_type: str, data: dict[str, Any]) -> Event:
    """Announce a domain event in the caller's transaction (to every subscriber)."""
    [event] = await emit_many(session, [Event(type=event_type, data=data)])
    return event


async def emit_many(session: AsyncSession, events: Sequence[Event]) -> Sequence[Event]:
    """Announce several events of one change together (one statement per batch
    subscriber: the interview start's hot path emits two)."""
    if not events:
        return events
    for batch_subscriber in _batch_subscribers:
        await batch_subscriber(session, events)
    for subscriber in _subscribers:
        for event in events:
            await subscriber(session, event)
    return events


def redeliver(session: AsyncSession, message: OutboxMessage) -> OutboxMessage:
    """Queue ``message`` again as a new message (same event id, channel, destination and
    payload), leaving the original and its attempt log as they are."""
    return enqueue(
        session,
        channel=message.channel,
        destination=message.destination,
        payload=message.payload,
        event_type=message.event_type,
        event_id=message.event_id,
        person_id=message.person_id,
    )

"""The outbox's tables: one row per message to deliver, one row per delivery attempt.

A message is written by the change that causes it, in the same transaction, so the table
itself is the queue (see ``hireloop.outbox``). Ids are integers from the database, so a
domain event fans out to its subscribers in one ``INSERT ... SELECT`` (no id is made per
row in Python); ``event_id`` is the event's own id, the same on every retry, every
redelivery and for every subscriber.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from hireloop.db import Base, JSONType, enum_column, utcnow

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class MessageStatus(StrEnum):
    pending = "pending"  # waiting for its next attempt, or being attempted (leased)
    delivered = "delivered"
    failed = "failed"  # given up: out of retries, refused for good, or cancelled


class AttemptOutcome(StrEnum):
    delivered = "delivered"
    retry = "retry"
    failed = "failed"


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        # The worker's claim: due pending messages, oldest first.
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        # A channel's log for one destination (a webhook endpoint's deliveries).
        Index("ix_outbox_messages_destination", "channel", "destination", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid(), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    # Whom the channel delivers to: a webhook endpoint's id, an email address, ...
    destination: Mapped[str] = mapped_column(String(320))
    event_type: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # The person whose personal data the message carries (an email's recipient): erasing
    # them deletes it. Webhook payloads carry ids only and leave this empty.
    person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[MessageStatus] = enum_column(MessageStatus, length=16)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When the next attempt is due; while an attempt runs, when its lease runs out.
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]  # delivered or given up
    last_error: Mapped[str | None] = mapped_column(String(500))


class OutboxAttempt(Base):
    """One try at delivering a message: the delivery log."""

    __tablename__ = "outbox_attempts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    message_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)  # 1 for the first attempt
    started_at: Mapped[datetime]
    latency_ms: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[AttemptOutcome] = enum_column(AttemptOutcome, length=16)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))

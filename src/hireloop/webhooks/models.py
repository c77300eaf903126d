"""Webhook endpoints registered by admins, and the events each one listens to."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hireloop.db import Base, Timestamps, UUIDPrimaryKey


class WebhookEndpoint(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "webhook_endpoints"

    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    # "whsec_" + base64 of the key; kept to sign, shown to the admin only when created.
    secret: Mapped[str] = mapped_column(String(100))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Why the endpoint was switched off automatically (shown to the admin); None otherwise.
    disabled_reason: Mapped[str | None] = mapped_column(String(500))
    disabled_at: Mapped[datetime | None]
    # Failed attempts in a row since the last success, and when the streak began.
    failure_streak: Mapped[int] = mapped_column(Integer, default=0)
    failing_since: Mapped[datetime | None]

    subscriptions: Mapped[list[WebhookSubscription]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True
    )


class WebhookSubscription(Base):
    """One event type an endpoint receives; the emit's fan-out joins on ``event_type``."""

    __tablename__ = "webhook_subscriptions"

    endpoint_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), primary_key=True
    )
    event_type: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)

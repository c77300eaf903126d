"""API shapes of webhook endpoints and their delivery log."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hireloop.outbox.events import EventType
from hireloop.outbox.models import AttemptOutcome, MessageStatus
from hireloop.webhooks.signing import SECRET_PREFIX

EVENTS_DESCRIPTION = "the events sent to the endpoint: " + ", ".join(e.value for e in EventType)


def _unique(events: list[EventType] | None) -> list[EventType] | None:
    return None if events is None else list(dict.fromkeys(events))


class WebhookEndpointCreate(BaseModel):
    url: str = Field(
        min_length=1, max_length=2000, description="http(s) URL that receives the events"
    )
    events: list[EventType] = Field(min_length=1, description=EVENTS_DESCRIPTION)
    description: str = Field(default="", max_length=200)
    secret: str | None = Field(
        default=None,
        description=(
            "`whsec_` + base64 of 24-64 bytes, to reuse a receiver's secret; "
            "omitted: generated (and shown once, in this response)"
        ),
    )

    @field_validator("events")
    @classmethod
    def _events(cls, value: list[EventType] | None) -> list[EventType] | None:
        return _unique(value)

    @field_validator("secret")
    @classmethod
    def _secret(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(SECRET_PREFIX):
            raise ValueError(f"the secret must start with {SECRET_PREFIX}")
        try:
            key = base64.b64decode(value.removeprefix(SECRET_PREFIX), validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("the secret after whsec_ must be base64") from None
        if not 24 <= len(key) <= 64:
            raise ValueError("the secret must encode 24 to 64 bytes")
        return value


class WebhookEndpointUpdate(BaseModel):
    """What an admin may change; omitted fields stay as they are. ``enabled: true``
    switches an endpoint that was switched off back on (its failure count starts anew)."""

    url: str | None = Field(default=None, min_length=1, max_length=2000)
    events: list[EventType] | None = Field(default=None, min_length=1)
    description: str | None = Field(default=None, max_length=200)
    enabled: bool | None = None

    @field_validator("events")
    @classmethod
    def _events(cls, value: list[EventType] | None) -> list[EventType] | None:
        return _unique(value)


class WebhookEndpointRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    url: str
    description: str
    events: list[str]
    enabled: bool
    disabled_reason: str | None = Field(
        description="why the endpoint was switched off automatically; null otherwise"
    )
    disabled_at: datetime | None
    failure_streak: int = Field(description="failed attempts in a row since the last success")
    created_at: datetime


class WebhookEndpointCreated(WebhookEndpointRead):
    secret: str = Field(description="the signing secret; shown only now: keep it with the receiver")


class WebhookEndpointList(BaseModel):
    items: list[WebhookEndpointRead]


class AttemptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int
    started_at: datetime
    outcome: AttemptOutcome
    status_code: int | None
    latency_ms: int
    error: str | None


class DeliveryRead(BaseModel):
    id: int
    event_id: uuid.UUID = Field(description="the webhook-id header, the same on every retry")
    event_type: str | None
    status: MessageStatus
    attempts: list[AttemptRead]
    created_at: datetime
    next_attempt_at: datetime | None = Field(description="pending deliveries only")
    finished_at: datetime | None
    last_error: str | None


class DeliveryList(BaseModel):
    items: list[DeliveryRead]
    total: int
    skip: int
    limit: int

"""The ``webhook`` outbox channel: fan events out to endpoints, sign and send each one.

Fan-out is one ``INSERT ... SELECT`` in the emitting transaction: a message for every
enabled endpoint subscribed to the event, and no write at all when none is (the request
that causes an event pays one statement). Each attempt re-reads its endpoint (it may have
been switched off or its URL changed), re-checks the address (``outbound``) and signs
the body with a fresh timestamp; the body and ``webhook-id`` stay the same on retries.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import httpx
from sqlalchemy import (
    ColumnElement,
    String,
    Uuid,
    cast,
    func,
    insert,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.db import utcnow
from hireloop.outbox import (
    ChannelContext,
    Delivery,
    Event,
    Outcome,
    register_channel,
    subscribe_batch,
)
from hireloop.outbox.models import AttemptOutcome, MessageStatus, OutboxMessage
from hireloop.webhooks import outbound, signing
from hireloop.webhooks.models import WebhookEndpoint, WebhookSubscription

CHANNEL = "webhook"
GONE = 410  # Standard Webhooks: the receiver asks to be switched off


def body_of(payload: dict[str, object]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def destination_of(endpoint_id: uuid.UUID) -> str:
    """An endpoint's id as its messages name it (32 hex digits, on every database)."""
    return endpoint_id.hex


def _destination_column() -> ColumnElement[str]:
    # SQLite stores a UUID as 32 hex digits, PostgreSQL prints it with dashes.
    return func.replace(cast(WebhookEndpoint.id, String), "-", "")


async def fan_out(session: AsyncSession, events: Sequence[Event]) -> None:
    """Queue ``events`` for every enabled endpoint that listens to each, in one statement."""
    now = utcnow()
    rows = [
        select(
            literal(event.id, Uuid()).label("event_id"),
            literal(event.type, String()).label("event_type"),
            literal(event.envelope(), OutboxMessage.payload.type).label("payload"),
        )
        for event in events
    ]
    emitted = (union_all(*rows) if len(rows) > 1 else rows[0]).subquery("emitted")
    subscribed = (
        select(
            emitted.c.event_id,
            literal(CHANNEL).label("channel"),
            _destination_column().label("destination"),
            emitted.c.event_type,
            emitted.c.payload,
            literal(MessageStatus.pending.value).label("status"),
            literal(0).label("attempts"),
            literal(now, OutboxMessage.next_attempt_at.type).label("next_attempt_at"),
            literal(now, OutboxMessage.created_at.type).label("created_at"),
        )
        .select_from(emitted)
        .join(WebhookSubscription, WebhookSubscription.event_type == emitted.c.event_type)
        .join(WebhookEndpoint, WebhookSubscription.endpoint_id == WebhookEndpoint.id)
        .where(WebhookEndpoint.enabled)
    )
    columns = [
        "event_id",
        "channel",
        "destination",
        "event_type",
        "payload",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
    ]
    await session.execute(insert(OutboxMessage).from_select(columns, subscribed))


@dataclass(frozen=True)
class _Endpoint:
    url: str
    secret: str
    enabled: bool


async def _read_endpoint(context: ChannelContext, endpoint_id: uuid.UUID) -> _Endpoint | None:
    async with context.sessionmaker() as session:
        found = (
            await session.execute(
                select(WebhookEndpoint.url, WebhookEndpoint.secret, WebhookEndpoint.enabled).where(
                    WebhookEndpoint.id == endpoint_id
                )
            )
        ).first()
        await session.rollback()
    return None if found is None else _Endpoint(*found)


async def deliver(delivery: Delivery, context: ChannelContext) -> Outcome:
    """One attempt. The endpoint is read again (it may have been switched off or its URL
    changed), its host resolved and checked, and a client opened, once per claimed batch
    and endpoint: the batch's messages to it share them (and the client's connections)."""
    try:
        endpoint_id = uuid.UUID(delivery.destination)
    except ValueError:
        return Outcome.failed("not a webhook endpoint id")
    endpoint = await context.shared(
        ("webhook-endpoint", endpoint_id), lambda: _read_endpoint(context, endpoint_id)
    )
    if endpoint is None:
        return Outcome.failed("the endpoint was deleted")
    if not endpoint.enabled:
        return Outcome.failed("the endpoint is switched off")
    settings = context.settings
    try:
        target = await context.shared(
            ("webhook-target", endpoint.url),
            lambda: outbound.resolve(endpoint.url, settings.webhook_allowed_networks),
        )
    except outbound.UnsafeURL as error:
        return Outcome.retry(f"refused: {error}")
    client = await context.shared(
        ("webhook-client", target.origin),
        lambda: context.resources.enter_async_context(outbound.client(settings)),
    )
    body = body_of(delivery.payload)
    headers = signing.headers(endpoint.secret, str(delivery.event_id), int(time.time()), body)
    try:
        response = await outbound.post(client, target, body, headers, settings)
    except TimeoutError:
        return Outcome.retry(f"no answer within {settings.webhook_timeout_seconds:g} s")
    except httpx.HTTPError as error:
        return Outcome.retry(f"connection failed: {type(error).__name__}")
    code = response.status_code
    if 200 <= code < 300:
        return Outcome.delivered(code)
    if code == GONE:
        return Outcome.failed(f"HTTP {GONE}: the receiver wants no more deliveries", code)
    if 300 <= code < 400:
        return Outcome.retry(f"HTTP {code}: redirects are not followed", code)
    said = " ".join(response.body_excerpt[:200].split())
    return Outcome.retry(f"HTTP {code} {said}".strip(), code, response.retry_after)


async def after_batch(
    session: AsyncSession,
    outcomes: Sequence[tuple[Delivery, Outcome]],
    context: ChannelContext,
) -> None:
    """Keep each endpoint's failure streak, attempt by attempt in message order; switch an
    endpoint off when its streak is too long (or the receiver answered 410)."""
    by_endpoint: dict[uuid.UUID, list[tuple[Delivery, Outcome]]] = {}
    for delivery, outcome in outcomes:
        try:
            endpoint_id = uuid.UUID(delivery.destination)
        except ValueError:
            continue
        by_endpoint.setdefault(endpoint_id, []).append((delivery, outcome))
    if not by_endpoint:
        return
    endpoints = await session.scalars(
        select(WebhookEndpoint)
        .where(WebhookEndpoint.id.in_(by_endpoint))
        .order_by(WebhookEndpoint.id)  # one lock order for every worker
        .with_for_update()
    )
    for endpoint in endpoints:
        for delivery, outcome in by_endpoint[endpoint.id]:
            await _count_attempt(session, endpoint, delivery, outcome, context)


async def _count_attempt(
    session: AsyncSession,
    endpoint: WebhookEndpoint,
    delivery: Delivery,
    outcome: Outcome,
    context: ChannelContext,
) -> None:
    if outcome.kind is AttemptOutcome.delivered:
        endpoint.failure_streak = 0
        endpoint.failing_since = None
        return
    if not endpoint.enabled:
        return
    now = utcnow()
    endpoint.failure_streak += 1
    endpoint.failing_since = endpoint.failing_since or now
    gone = outcome.status_code == GONE
    if gone or endpoint.failure_streak >= context.settings.webhook_disable_after_failures:
        endpoint.enabled = False
        endpoint.disabled_at = now
        endpoint.disabled_reason = (
            "Switched off automatically: the receiver answered 410 Gone."
            if gone
            else f"Switched off automatically after {endpoint.failure_streak} failed attempts "
            f"in a row since {endpoint.failing_since:%Y-%m-%d %H:%M} UTC. "
            f"Last error: {outcome.reason or 'unknown'}"
        )[:500]
        # What is still queued for it would only fail: give it up now, visibly.
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.channel == CHANNEL,
                OutboxMessage.destination == delivery.destination,
                OutboxMessage.status == MessageStatus.pending,
                OutboxMessage.id != delivery.message_id,
            )
            .values(status=MessageStatus.failed, finished_at=now, last_error="endpoint disabled")
        )


register_channel(CHANNEL, deliver, after_batch=after_batch)
subscribe_batch(fan_out)

"""Admins manage webhook endpoints and read and replay their deliveries."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from hireloop.audit.models import AuditAction
from hireloop.audit.service import record
from hireloop.auth.models import User
from hireloop.config import Settings
from hireloop.db import utcnow
from hireloop.errors import Conflict, InvalidInput, NotFound
from hireloop.outbox import MessageStatus, OutboxAttempt, OutboxMessage, redeliver
from hireloop.webhooks import outbound, signing
from hireloop.webhooks.channel import CHANNEL, destination_of
from hireloop.webhooks.models import WebhookEndpoint, WebhookSubscription
from hireloop.webhooks.schemas import WebhookEndpointCreate, WebhookEndpointUpdate

SUBJECT = "webhook_endpoint"


async def check_url(url: str, settings: Settings) -> str:
    """The URL, if the server may call it now (422 with the reason otherwise)."""
    try:
        await outbound.resolve(url.strip(), settings.webhook_allowed_networks)
    except outbound.UnsafeURL as error:
        raise InvalidInput(f"url: {error}", code="webhook_url_refused") from None
    return url.strip()


async def create_endpoint(
    session: AsyncSession, admin: User, data: WebhookEndpointCreate, settings: Settings
) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(
        id=uuid.uuid4(),
        url=await check_url(data.url, settings),
        description=data.description.strip(),
        secret=data.secret or signing.new_secret(),
        enabled=True,
        failure_streak=0,
    )
    endpoint.subscriptions = [WebhookSubscription(event_type=e.value) for e in data.events]
    session.add(endpoint)
    await session.flush()
    record(
        session,
        admin,
        AuditAction.webhook_created,
        SUBJECT,
        endpoint.id,
        details={"events": [e.value for e in data.events]},
    )
    return endpoint


async def list_endpoints(session: AsyncSession) -> Sequence[WebhookEndpoint]:
    rows = await session.scalars(
        select(WebhookEndpoint)
        .options(selectinload(WebhookEndpoint.subscriptions))
        .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
    )
    return rows.all()


async def get_endpoint(
    session: AsyncSession, endpoint_id: uuid.UUID, *, lock: bool = False
) -> WebhookEndpoint:
    stmt = (
        select(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id)
        .options(selectinload(WebhookEndpoint.subscriptions))
    )
    if lock:
        stmt = stmt.with_for_update(of=WebhookEndpoint)
    endpoint = await session.scalar(stmt)
    if endpoint is None:
        raise NotFound(f"Webhook endpoint {endpoint_id} not found")
    return endpoint


async def update_endpoint(
    session: AsyncSession,
    admin: User,
    endpoint_id: uuid.UUID,
    data: WebhookEndpointUpdate,
    settings: Settings,
) -> WebhookEndpoint:
    endpoint = await get_endpoint(session, endpoint_id, lock=True)
    changed: list[str] = []
    if data.url is not None and data.url.strip() != endpoint.url:
        endpoint.url = await check_url(data.url, settings)
        changed.append("url")
    if data.description is not None and data.description.strip() != endpoint.description:
        endpoint.description = data.description.strip()
        changed.append("description")
    if data.events is not None and {e.value for e in data.events} != events_of(endpoint):
        endpoint.subscriptions = [WebhookSubscription(event_type=e.value) for e in data.events]
        changed.append("events")
    if data.enabled is not None and data.enabled != endpoint.enabled:
        endpoint.enabled = data.enabled
        endpoint.failure_streak = 0
        endpoint.failing_since = None
        if data.enabled:
            endpoint.disabled_reason = None
            endpoint.disabled_at = None
        changed.append("enabled")
    await session.flush()
    if changed:
        record(
            session,
            admin,
            AuditAction.webhook_updated,
            SUBJECT,
            endpoint.id,
            details={"fields": changed, "enabled": endpoint.enabled},
        )
    return endpoint


async def delete_endpoint(session: AsyncSession, admin: User, endpoint_id: uuid.UUID) -> None:
    """Remove the endpoint; its queued deliveries are given up, its log is kept."""
    endpoint = await get_endpoint(session, endpoint_id, lock=True)
    await session.delete(endpoint)
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.channel == CHANNEL,
            OutboxMessage.destination == destination_of(endpoint_id),
            OutboxMessage.status == MessageStatus.pending,
        )
        .values(
            status=MessageStatus.failed, finished_at=utcnow(), last_error="the endpoint was deleted"
        )
    )
    record(session, admin, AuditAction.webhook_deleted, SUBJECT, endpoint_id)


def events_of(endpoint: WebhookEndpoint) -> set[str]:
    return {subscription.event_type for subscription in endpoint.subscriptions}


async def list_deliveries(
    session: AsyncSession, endpoint_id: uuid.UUID, skip: int, limit: int
) -> tuple[list[OutboxMessage], dict[int, list[OutboxAttempt]], int]:
    """An endpoint's deliveries, newest first, with each one's attempts (oldest first)."""
    await get_endpoint(session, endpoint_id)
    mine = (OutboxMessage.channel == CHANNEL) & (
        OutboxMessage.destination == destination_of(endpoint_id)
    )
    total = await session.scalar(select(func.count()).where(mine)) or 0
    messages = list(
        await session.scalars(
            select(OutboxMessage)
            .where(mine)
            .order_by(OutboxMessage.id.desc())
            .offset(skip)
            .limit(limit)
        )
    )
    attempts: dict[int, list[OutboxAttempt]] = {message.id: [] for message in messages}
    if messages:
        rows = await session.scalars(
            select(OutboxAttempt)
            .where(OutboxAttempt.message_id.in_(attempts))
            .order_by(OutboxAttempt.message_id, OutboxAttempt.number, OutboxAttempt.id)
        )
        for attempt in rows:
            attempts[attempt.message_id].append(attempt)
    return messages, attempts, total


async def redeliver_message(
    session: AsyncSession, admin: User, endpoint_id: uuid.UUID, message_id: int
) -> OutboxMessage:
    """Queue a delivery again (same event id and body) as a new delivery."""
    endpoint = await get_endpoint(session, endpoint_id)
    message = await session.get(OutboxMessage, message_id)
    if (
        message is None
        or message.channel != CHANNEL
        or message.destination != destination_of(endpoint_id)
    ):
        raise NotFound(f"Delivery {message_id} of this endpoint not found")
    if not endpoint.enabled:
        raise Conflict(
            "The endpoint is switched off; switch it on before redelivering",
            code="webhook_disabled",
        )
    if message.status is MessageStatus.pending:
        raise Conflict("The delivery is still being attempted", code="delivery_pending")
    again = redeliver(session, message)
    await session.flush()
    record(
        session,
        admin,
        AuditAction.webhook_redelivered,
        SUBJECT,
        endpoint_id,
        details={"delivery": message_id, "new_delivery": again.id},
    )
    return again

"""Admins register webhook endpoints, read each one's delivery log and redeliver."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from hireloop.auth.dependencies import AdminUser
from hireloop.config import settings_of
from hireloop.db import SessionDep
from hireloop.errors import error_responses
from hireloop.outbox.models import MessageStatus, OutboxAttempt, OutboxMessage
from hireloop.webhooks import service
from hireloop.webhooks.models import WebhookEndpoint
from hireloop.webhooks.schemas import (
    AttemptRead,
    DeliveryList,
    DeliveryRead,
    WebhookEndpointCreate,
    WebhookEndpointCreated,
    WebhookEndpointList,
    WebhookEndpointRead,
    WebhookEndpointUpdate,
)

router = APIRouter(prefix="/admin/webhooks", tags=["webhooks"])


def read_endpoint(endpoint: WebhookEndpoint) -> WebhookEndpointRead:
    return WebhookEndpointRead.model_validate(
        {
            **{
                name: getattr(endpoint, name)
                for name in WebhookEndpointRead.model_fields
                if name != "events"
            },
            "events": sorted(service.events_of(endpoint)),
        }
    )


def read_delivery(message: OutboxMessage, attempts: list[OutboxAttempt]) -> DeliveryRead:
    pending = message.status is MessageStatus.pending
    return DeliveryRead(
        id=message.id,
        event_id=message.event_id,
        event_type=message.event_type,
        status=message.status,
        attempts=[AttemptRead.model_validate(attempt) for attempt in attempts],
        created_at=message.created_at,
        next_attempt_at=message.next_attempt_at if pending else None,
        finished_at=message.finished_at,
        last_error=message.last_error,
    )


@router.get("", responses=error_responses(401, 403))
async def list_webhook_endpoints(_admin: AdminUser, session: SessionDep) -> WebhookEndpointList:
    """Admins: every webhook endpoint (secrets are never shown again)."""
    endpoints = await service.list_endpoints(session)
    return WebhookEndpointList(items=[read_endpoint(endpoint) for endpoint in endpoints])


@router.post("", status_code=status.HTTP_201_CREATED, responses=error_responses(401, 403, 422))
async def create_webhook_endpoint(
    data: WebhookEndpointCreate, admin: AdminUser, session: SessionDep, request: Request
) -> WebhookEndpointCreated:
    """Admins: register an endpoint. The URL must reach a public address (or one the
    operator allows); the response shows the signing secret, this once."""
    endpoint = await service.create_endpoint(session, admin, data, settings_of(request))
    read = read_endpoint(endpoint)
    return WebhookEndpointCreated(**read.model_dump(), secret=endpoint.secret)


@router.get("/{endpoint_id}", responses=error_responses(401, 403, 404))
async def get_webhook_endpoint(
    endpoint_id: uuid.UUID, _admin: AdminUser, session: SessionDep
) -> WebhookEndpointRead:
    return read_endpoint(await service.get_endpoint(session, endpoint_id))


@router.patch("/{endpoint_id}", responses=error_responses(401, 403, 404, 422))
async def update_webhook_endpoint(
    endpoint_id: uuid.UUID,
    data: WebhookEndpointUpdate,
    admin: AdminUser,
    session: SessionDep,
    request: Request,
) -> WebhookEndpointRead:
    """Admins: change the URL, events or description, or switch the endpoint on or off."""
    endpoint = await service.update_endpoint(
        session, admin, endpoint_id, data, settings_of(request)
    )
    return read_endpoint(endpoint)


@router.delete(
    "/{endpoint_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404),
    response_class=Response,
)
async def delete_webhook_endpoint(
    endpoint_id: uuid.UUID, admin: AdminUser, session: SessionDep
) -> Response:
    """Admins: remove the endpoint; deliveries still queued for it are given up."""
    await service.delete_endpoint(session, admin, endpoint_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{endpoint_id}/deliveries", responses=error_responses(401, 403, 404, 422))
async def list_webhook_deliveries(
    endpoint_id: uuid.UUID,
    _admin: AdminUser,
    session: SessionDep,
    skip: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> DeliveryList:
    """Admins: the endpoint's deliveries, newest first, each with its attempts (status
    code, latency, error)."""
    messages, attempts, total = await service.list_deliveries(session, endpoint_id, skip, limit)
    return DeliveryList(
        items=[read_delivery(message, attempts[message.id]) for message in messages],
        total=total,
        skip=skip,
        limit=limit,
    )


@router.post(
    "/{endpoint_id}/deliveries/{delivery_id}/redeliver",
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(401, 403, 404, 409),
)
async def redeliver_webhook(
    endpoint_id: uuid.UUID,
    delivery_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    admin: AdminUser,
    session: SessionDep,
) -> DeliveryRead:
    """Admins: send a finished delivery again, as a new delivery with the same event id
    and body."""
    again = await service.redeliver_message(session, admin, endpoint_id, delivery_id)
    return read_delivery(again, [])

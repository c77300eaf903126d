"""Webhook tests: the app with its in-server worker off (tests drain the outbox when they
choose), retries without waiting, short timeouts, and 127.0.0.1 allowed, as an operator
would allow a receiver on the same machine."""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import ip_network
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hireloop.auth.models import UserRole
from hireloop.config import Settings
from hireloop.outbox.worker import drain
from tests.factories import auth, create_staff_user
from tests.webhooks.receiver import Receiver, receiver

ALL_EVENTS = [
    "application.created",
    "application.status_changed",
    "interview.started",
    "interview.completed",
    "job_posting.status_changed",
]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "outbox_worker_in_server": False,
            "outbox_retry_base_seconds": 0,
            "webhook_timeout_seconds": 2,
            "webhook_allowed_networks": [ip_network("127.0.0.1/32")],
        }
    )


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with receiver() as running:
        yield running


@pytest.fixture
async def admin(app: Any) -> str:
    return await create_staff_user(app, UserRole.admin, "Ann Admin")


async def register_endpoint(
    client: AsyncClient, admin: str, url: str, events: list[str] | None = None, **extra: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/admin/webhooks",
        json={"url": url, "events": events or ALL_EVENTS, **extra},
        headers=auth(admin),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def deliver(app: Any, settings: Settings | None = None, *, limit: int = 500) -> int:
    """Run the worker until nothing is due (as ``hireloop worker --once``), making at most
    ``limit`` attempts."""
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    return await drain(maker, settings or app.state.settings, limit=limit)


async def deliveries(client: AsyncClient, admin: str, endpoint_id: str) -> list[dict[str, Any]]:
    response = await client.get(
        f"/api/v1/admin/webhooks/{endpoint_id}/deliveries",
        params={"limit": 100},
        headers=auth(admin),
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items

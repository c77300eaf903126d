"""A claimed batch's deliveries: messages to one endpoint share one endpoint read, one
address check and one client; a batch's outcomes count towards each endpoint's failure
streak in message order."""

from __future__ import annotations

import threading
import uuid
from ipaddress import ip_network
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hireloop.config import Settings
from hireloop.outbox import ChannelContext, MessageStatus, OutboxMessage, Outcome, emit
from hireloop.outbox.worker import claim
from hireloop.webhooks import channel, outbound
from hireloop.webhooks.models import WebhookEndpoint
from tests.webhooks.conftest import deliver, register_endpoint
from tests.webhooks.receiver import Receiver, receiver

EVENT = "application.created"


async def emit_events(app: Any, count: int) -> None:
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    async with maker() as session:
        for number in range(count):
            await emit(session, EVENT, {"number": number})
        await session.commit()


async def test_messages_to_one_endpoint_share_its_read_address_check_and_client(
    client: AsyncClient, app: Any, admin: str, hook: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"read": 0, "resolve": 0, "client": 0}

    def counted(name: str, function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(channel, "_read_endpoint", counted("read", channel._read_endpoint))
    monkeypatch.setattr(outbound, "resolve", counted("resolve", outbound.resolve))
    monkeypatch.setattr(outbound, "client", counted("client", outbound.client))
    with receiver() as other:
        await register_endpoint(client, admin, hook.url, [EVENT])
        await register_endpoint(client, admin, other.url, [EVENT])
        calls["resolve"] = 0  # registering checked each address once too
        await emit_events(app, 6)
        assert await deliver(app) == 12  # one batch of 12 (the batch size is 20)
    assert calls == {"read": 2, "resolve": 2, "client": 2}
    for got in (hook, other):
        assert sorted(request.json["data"]["number"] for request in got.received) == list(range(6))
    # Each event's id is its webhook-id, the same for every endpoint.
    assert len(set(hook.ids())) == 6 and set(hook.ids()) == set(other.ids())


async def test_one_client_only_serves_one_origin() -> None:
    """A pooled connection went to one pinned address with one TLS server name: requests
    to another host name at the same address must not reuse it."""
    same_address = [
        await outbound.resolve(url, [ip_network("127.0.0.1/32")])
        for url in ("http://127.0.0.1:8000/a", "http://127.0.0.1:8000/b")
    ]
    assert same_address[0].origin == same_address[1].origin  # only the path differs
    renamed = outbound.Target(
        "https://hooks.example:8000/a",
        "https",
        "hooks.example",
        8000,
        same_address[0].address,
        "/a",
    )
    assert renamed.origin != same_address[0].origin


@pytest.mark.parametrize(
    ("outcomes", "streak", "enabled"),
    [
        (["retry", "retry", "delivered"], 0, True),
        (["delivered", "retry", "retry"], 2, True),
        (["retry", "retry", "retry", "retry"], 3, False),
        (["delivered", "gone"], 1, False),
    ],
)
async def test_a_batch_counts_failures_in_message_order(
    client: AsyncClient,
    app: Any,
    admin: str,
    hook: Receiver,
    settings: Settings,
    outcomes: list[str],
    streak: int,
    enabled: bool,
) -> None:
    endpoint = await register_endpoint(client, admin, hook.url, [EVENT])
    await emit_events(app, len(outcomes) + 1)  # one more stays queued, unclaimed
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    strict = settings.model_copy(update={"webhook_disable_after_failures": 3})
    batch = await claim(maker, strict, len(outcomes))
    made = {
        "retry": Outcome.retry("HTTP 500", 500),
        "delivered": Outcome.delivered(200),
        "gone": Outcome.failed("HTTP 410", 410),
    }
    async with maker() as session:
        await channel.after_batch(
            session,
            [(delivery, made[kind]) for delivery, kind in zip(batch, outcomes, strict=True)],
            ChannelContext(strict, maker),
        )
        await session.commit()
    async with maker() as session:
        stored = await session.get(WebhookEndpoint, uuid.UUID(endpoint["id"]))
        assert stored is not None
        assert (stored.failure_streak, stored.enabled) == (streak, enabled)
        queued = await session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
    assert queued is not None
    if enabled:
        assert stored.disabled_reason is None and queued.status is MessageStatus.pending
    else:
        assert stored.disabled_reason is not None
        assert ("410 Gone" in stored.disabled_reason) == ("gone" in outcomes)
        # What was still queued for it is given up at once, visibly.
        assert (queued.status, queued.last_error) == (MessageStatus.failed, "endpoint disabled")


async def test_a_big_batch_to_one_endpoint_is_sent_all_at_once(
    client: AsyncClient, app: Any, admin: str, hook: Receiver, settings: Settings
) -> None:
    """120 messages in one batch to a receiver that answers only once all 120 requests are
    in: each attempt gets its own connection at once (a pool of 100, httpx's default,
    would hold the last 20 back until their deadline)."""
    await register_endpoint(client, admin, hook.url, [EVENT])
    await emit_events(app, 120)
    hook.together = threading.Barrier(120, timeout=20)
    big = settings.model_copy(update={"outbox_batch_size": 120, "webhook_timeout_seconds": 15})
    assert await deliver(app, big, limit=120) == 120
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    async with maker() as session:
        statuses = list(await session.scalars(select(OutboxMessage.status)))
    assert statuses == [MessageStatus.delivered] * 120
    assert len(set(hook.ids())) == 120 and len(hook.received) == 120

"""Erasing a candidate leaves none of their personal data in the outbox: webhook payloads
hold ids and scores only, and a message addressed to them (an email) goes with them."""

from __future__ import annotations

import uuid
from typing import Any

from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hireloop.auth.models import UserRole
from hireloop.outbox import MessageStatus, OutboxMessage, enqueue
from tests.factories import PASSWORD, auth, create_job, create_staff_user
from tests.privacy.people import find_in_tables, interviewed_person
from tests.webhooks.conftest import register_endpoint
from tests.webhooks.receiver import Receiver


async def test_erasure_leaves_no_personal_data_in_pending_messages(
    client: AsyncClient, app: Any, admin: str, hook: Receiver
) -> None:
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    await register_endpoint(client, admin, hook.url)
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    person = await interviewed_person(client, job["id"], "Petra Pending")
    async with maker() as session:
        enqueue(
            session,
            channel="email",
            destination=person.email,
            payload={"subject": f"Thank you, {person.name}"},
            person_id=uuid.UUID(person.user_id),
        )
        await session.commit()
        webhooks = await session.scalar(
            select(func.count()).where(OutboxMessage.channel == "webhook")
        )
    # Applied, started (and its status change), completed (and its status change).
    assert webhooks == 5
    assert await find_in_tables(maker, person.needles) != []
    erased = await client.request(
        "DELETE", "/api/v1/me", json={"password": PASSWORD}, headers=auth(person.token)
    )
    assert erased.status_code == 204, erased.text
    assert await find_in_tables(maker, person.needles) == []
    async with maker() as session:
        left = list(await session.scalars(select(OutboxMessage)))
    # The webhook events stay queued (ids only); the email to the person is gone.
    assert {m.channel for m in left} == {"webhook"} and len(left) == 5
    assert all(m.status is MessageStatus.pending and m.person_id is None for m in left)

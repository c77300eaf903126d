"""Events reach a real receiver on 127.0.0.1, signed the Standard Webhooks way, exactly as
the changes that cause them commit: retried until delivered, never for a rollback."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from collections import Counter
from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from standardwebhooks.webhooks import Webhook

from hireloop.applications import service as applications
from hireloop.auth.models import User, UserRole
from tests.factories import auth, create_job, create_staff_user
from tests.recruiter.helpers import applied, finish, move, start
from tests.webhooks.conftest import deliver, deliveries, register_endpoint
from tests.webhooks.receiver import Receiver, Step


def spec_signature(secret: str, received: Any) -> str:
    """The specification's algorithm, written out: HMAC-SHA256 of id.timestamp.body."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{received.webhook_id}.{received.headers['webhook-timestamp']}.".encode()
    digest = hmac.new(key, signed + received.body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


async def test_every_event_arrives_signed_with_ids_statuses_and_scores_only(
    client: AsyncClient, app: Any, admin: str, hook: Receiver
) -> None:
    endpoint = await register_endpoint(client, admin, hook.url)
    secret = endpoint["secret"]
    assert secret.startswith("whsec_") and 24 <= len(base64.b64decode(secret[6:])) <= 64
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    made = await applied(client, job["id"], "Wanda Webhook")
    application_id = made["application"]["id"]
    started = await start(client, made["token"], application_id)
    await finish(client, made["token"], started["id"])
    assert (await move(client, recruiter, application_id, "under_review"))[0] == 200
    paused = await client.post(f"/api/v1/job-postings/{job['id']}/pause", headers=auth(recruiter))
    assert paused.status_code == 200
    assert hook.received == []  # nothing is sent by the request itself: the worker sends
    await deliver(app)  # the candidate's emails go out too; the endpoint gets 7 events
    assert len(hook.received) == 7

    bodies = [request.json for request in hook.received]
    assert Counter(body["type"] for body in bodies) == {
        "application.created": 1,
        "interview.started": 1,
        "interview.completed": 1,
        "application.status_changed": 3,
        "job_posting.status_changed": 1,
    }
    for request in hook.received:
        assert Webhook(secret).verify(request.body, request.headers) == request.json
        assert request.headers["webhook-signature"] == spec_signature(secret, request)
        # Nothing about the person but ids: no name, no email, no answer text.
        text = request.body.decode()
        assert "Wanda" not in text and made["user"]["email"] not in text
    assert len({request.webhook_id for request in hook.received}) == 7
    by_type = {body["type"]: body["data"] for body in bodies}
    assert by_type["application.created"]["application_id"] == application_id
    assert by_type["interview.started"]["interview_id"] == started["id"]
    summary = by_type["interview.completed"]["results"]
    results = await client.get(
        f"/api/v1/interviews/{started['id']}/results", headers=auth(recruiter)
    )
    assert results.status_code == 200
    assert summary["overall_score"] == results.json()["overall_score"]
    assert summary["recommendation"] == results.json()["recommendation"]
    assert {"skill_id", "level", "score"} <= set(summary["skills"][0])
    moves = sorted(
        (body["data"]["previous_status"], body["data"]["status"])
        for body in bodies
        if body["type"] == "application.status_changed"
    )
    assert moves == [
        ("interview_completed", "under_review"),
        ("interview_in_progress", "interview_completed"),
        ("interview_scheduled", "interview_in_progress"),
    ]
    assert by_type["job_posting.status_changed"] == {
        "job_posting_id": job["id"],
        "status": "paused",
        "previous_status": "active",
    }


async def test_a_receiver_failing_three_times_gets_one_successful_delivery(
    client: AsyncClient, app: Any, admin: str, hook: Receiver
) -> None:
    endpoint = await register_endpoint(client, admin, hook.url, ["application.created"])
    hook.script = [Step(500), Step(503), Step(502)]
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    await applied(client, job["id"])
    await deliver(app)
    ids = hook.ids()
    assert len(ids) == 4 and len(set(ids)) == 1  # the same webhook-id on every retry
    [delivery] = await deliveries(client, admin, endpoint["id"])
    assert delivery["status"] == "delivered"
    assert [(a["outcome"], a["status_code"]) for a in delivery["attempts"]] == [
        ("retry", 500),
        ("retry", 503),
        ("retry", 502),
        ("delivered", 200),
    ]
    assert all(a["latency_ms"] >= 0 for a in delivery["attempts"])
    assert await deliver(app) == 0 and len(hook.received) == 4


async def test_a_change_that_rolls_back_sends_nothing(
    client: AsyncClient, app: Any, admin: str, hook: Receiver
) -> None:
    await register_endpoint(client, admin, hook.url, ["application.status_changed"])
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    made = await applied(client, job["id"])
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    application_id = made["application"]["id"]
    for commit in (False, True):
        async with maker() as session:
            candidate = await session.get(User, uuid.UUID(made["user"]["id"]))
            assert candidate is not None
            await applications.withdraw(session, candidate, uuid.UUID(application_id))
            await (session.commit() if commit else session.rollback())
        await deliver(app)
        if not commit:
            assert hook.received == []
    [request] = hook.received
    assert request.json["data"]["status"] == "withdrawn"


async def test_only_enabled_endpoints_subscribed_to_the_event_get_it(
    client: AsyncClient, app: Any, admin: str, hook: Receiver
) -> None:
    created = await register_endpoint(client, admin, hook.url, ["application.created"])
    await register_endpoint(client, admin, hook.url + "?other", ["job_posting.status_changed"])
    off = await register_endpoint(client, admin, hook.url + "?off", ["application.created"])
    switched = await client.patch(
        f"/api/v1/admin/webhooks/{off['id']}", json={"enabled": False}, headers=auth(admin)
    )
    assert switched.status_code == 200 and switched.json()["enabled"] is False
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    await applied(client, job["id"])
    await deliver(app)
    assert [(r.path, r.json["type"]) for r in hook.received] == [("/hooks", "application.created")]
    assert len(await deliveries(client, admin, created["id"])) == 1
    assert await deliveries(client, admin, off["id"]) == []

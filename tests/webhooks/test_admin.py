"""Only admins manage webhooks: every route refuses candidates, recruiters and strangers.
Secrets are shown once; redelivery, switching off and on, and deletion do what they say."""

from __future__ import annotations

import uuid
from typing import Any

from httpx import AsyncClient

from hireloop.auth.models import UserRole
from tests.factories import auth, create_job, create_staff_user, register_candidate
from tests.recruiter.helpers import applied
from tests.webhooks.conftest import deliver, deliveries, register_endpoint
from tests.webhooks.receiver import Receiver, Step


def routes(endpoint_id: str) -> list[tuple[str, str, dict[str, Any] | None]]:
    base = "/api/v1/admin/webhooks"
    body = {"url": "http://127.0.0.1:9/", "events": ["application.created"]}
    return [
        ("GET", base, None),
        ("POST", base, body),
        ("GET", f"{base}/{endpoint_id}", None),
        ("PATCH", f"{base}/{endpoint_id}", {"enabled": False}),
        ("DELETE", f"{base}/{endpoint_id}", None),
        ("GET", f"{base}/{endpoint_id}/deliveries", None),
        ("POST", f"{base}/{endpoint_id}/deliveries/1/redeliver", None),
    ]


async def test_every_webhook_route_refuses_everyone_but_admins(
    client: AsyncClient, app: Any, admin: str, hook: Receiver
) -> None:
    endpoint = await register_endpoint(client, admin, hook.url)
    candidate = (await register_candidate(client))["access_token"]
    recruiter = await create_staff_user(app, UserRole.recruiter)
    for method, url, body in routes(endpoint["id"]):
        anonymous = await client.request(method, url, json=body)
        assert anonymous.status_code == 401, (method, url)
        for token in (candidate, recruiter):
            response = await client.request(method, url, json=body, headers=auth(token))
            assert response.status_code == 403, (method, url, response.text)
    still = await client.get(f"/api/v1/admin/webhooks/{endpoint['id']}", headers=auth(admin))
    assert still.status_code == 200 and still.json()["enabled"] is True


async def test_the_secret_is_shown_once_and_can_be_brought_along(
    client: AsyncClient, admin: str, hook: Receiver
) -> None:
    own = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    endpoint = await register_endpoint(client, admin, hook.url, secret=own)
    assert endpoint["secret"] == own
    for url in ("/api/v1/admin/webhooks", f"/api/v1/admin/webhooks/{endpoint['id']}"):
        response = await client.get(url, headers=auth(admin))
        assert own not in response.text and "secret" not in response.text
    for bad in ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_short", "whsec_!!!notbase64!!!"):
        response = await client.post(
            "/api/v1/admin/webhooks",
            json={"url": hook.url, "events": ["application.created"], "secret": bad},
            headers=auth(admin),
        )
        assert response.status_code == 422 and "secret" in response.text
    for events in ([], ["application.deleted"]):
        response = await client.post(
            "/api/v1/admin/webhooks",
            json={"url": hook.url, "events": events},
            headers=auth(admin),
        )
        assert response.status_code == 422


async def test_redeliver_sends_the_same_event_again_and_unknown_ids_are_404(
    client: AsyncClient, app: Any, admin: str, hook: Receiver
) -> None:
    endpoint = await register_endpoint(client, admin, hook.url, ["application.created"])
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    await applied(client, job["id"])
    await deliver(app)
    [first] = await deliveries(client, admin, endpoint["id"])
    base = f"/api/v1/admin/webhooks/{endpoint['id']}/deliveries"
    again = await client.post(f"{base}/{first['id']}/redeliver", headers=auth(admin))
    assert again.status_code == 202, again.text
    assert again.json()["event_id"] == first["event_id"]
    await deliver(app)
    assert len(hook.received) == 2 and hook.received[0].body == hook.received[1].body
    assert len(set(hook.ids())) == 1
    for missing in (f"{base}/999999/redeliver", f"/api/v1/admin/webhooks/{uuid.uuid4()}"):
        response = await client.request(
            "POST" if missing.endswith("redeliver") else "GET", missing, headers=auth(admin)
        )
        assert response.status_code == 404
    huge = await client.post(f"{base}/{10**30}/redeliver", headers=auth(admin))
    assert huge.status_code == 422


async def test_an_endpoint_that_keeps_failing_is_switched_off_and_says_why(
    client: AsyncClient, app: Any, admin: str, hook: Receiver, settings: Any
) -> None:
    endpoint = await register_endpoint(client, admin, hook.url, ["application.created"])
    hook.script = [Step(500)] * 10
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    await applied(client, job["id"])
    await applied(client, job["id"])
    strict = settings.model_copy(
        update={"webhook_disable_after_failures": 3, "outbox_batch_size": 1}
    )
    await deliver(app, strict)
    read = await client.get(f"/api/v1/admin/webhooks/{endpoint['id']}", headers=auth(admin))
    body = read.json()
    assert body["enabled"] is False and body["failure_streak"] == 3
    assert "after 3 failed attempts in a row" in body["disabled_reason"]
    assert "HTTP 500" in body["disabled_reason"]
    assert len(hook.received) == 3
    statuses = sorted(d["status"] for d in await deliveries(client, admin, endpoint["id"]))
    assert statuses == ["failed", "failed"]
    # No new events queue up for it; switching it back on clears the reason.
    await applied(client, job["id"])
    assert len(await deliveries(client, admin, endpoint["id"])) == 2
    on = await client.patch(
        f"/api/v1/admin/webhooks/{endpoint['id']}", json={"enabled": True}, headers=auth(admin)
    )
    assert on.json()["enabled"] is True and on.json()["disabled_reason"] is None
    assert on.json()["failure_streak"] == 0


async def test_a_410_gone_switches_the_endpoint_off_at_once(
    client: AsyncClient, app: Any, admin: str, hook: Receiver
) -> None:
    endpoint = await register_endpoint(client, admin, hook.url, ["application.created"])
    hook.script = [Step(410)]
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    await applied(client, job["id"])
    await deliver(app)
    read = await client.get(f"/api/v1/admin/webhooks/{endpoint['id']}", headers=auth(admin))
    assert read.json()["enabled"] is False and "410 Gone" in read.json()["disabled_reason"]
    assert len(hook.received) == 1


async def test_deleting_an_endpoint_gives_up_what_was_queued_for_it(
    client: AsyncClient, app: Any, admin: str, hook: Receiver
) -> None:
    endpoint = await register_endpoint(client, admin, hook.url, ["application.created"])
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    await applied(client, job["id"])
    gone = await client.delete(f"/api/v1/admin/webhooks/{endpoint['id']}", headers=auth(admin))
    assert gone.status_code == 204
    assert await deliver(app) == 0 and hook.received == []
    audit = await client.get(
        "/api/v1/admin/audit", params={"action": "webhook.deleted"}, headers=auth(admin)
    )
    assert audit.json()["total"] == 1

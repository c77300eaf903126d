"""The admin webhook pages, driven in-process like a browser: add an endpoint (the secret
shown once), refused URLs explained beside the field, the delivery log, switching off and
on, redelivery; other users get no access."""

from __future__ import annotations

import re
from typing import Any

from httpx import AsyncClient

from hireloop.auth.models import UserRole
from tests.factories import create_job, create_staff_user
from tests.recruiter.helpers import applied
from tests.web.forms import csrf_of, staff_page_login
from tests.webhooks.conftest import deliver
from tests.webhooks.receiver import Receiver


async def post_form(client: AsyncClient, page: str, action: str, data: dict[str, Any]) -> Any:
    opened = await client.get(page)
    assert opened.status_code == 200, opened.text
    return await client.post(action, data={**data, "csrf_token": csrf_of(opened)})


async def test_an_admin_adds_an_endpoint_and_follows_its_deliveries(
    client: AsyncClient, app: Any, admin: str, hook: Receiver
) -> None:
    await staff_page_login(client, admin)
    empty = await client.get("/admin/webhooks")
    assert empty.status_code == 200 and "No endpoint yet" in empty.text
    refused = await post_form(
        client,
        "/admin/webhooks",
        "/admin/webhooks",
        {"url": "http://169.254.169.254/latest/", "events": ["application.created"]},
    )
    assert refused.status_code == 422
    assert "non-public address" in refused.text and 'aria-invalid="true"' in refused.text
    no_events = await post_form(
        client, "/admin/webhooks", "/admin/webhooks", {"url": hook.url, "events": []}
    )
    assert no_events.status_code == 422 and "Choose at least one event." in no_events.text
    added = await post_form(
        client,
        "/admin/webhooks",
        "/admin/webhooks",
        {"url": hook.url, "description": "Our ATS", "events": ["application.created"]},
    )
    assert added.status_code == 201, added.text
    secret = re.search(r'value="(whsec_[^"]+)"', added.text)
    assert secret, "the secret is shown once"
    listed = await client.get("/admin/webhooks")
    assert hook.url in listed.text and secret.group(1) not in listed.text
    endpoint_url = re.search(r'href="(/admin/webhooks/[0-9a-f-]{36})"', listed.text)
    assert endpoint_url

    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    await applied(client, job["id"])
    await deliver(app)
    log = await client.get(endpoint_url.group(1))
    assert log.status_code == 200 and "application.created" in log.text
    assert "HTTP 200" in log.text and "Redeliver" in log.text
    action = re.search(r'action="([^"]+/redeliver)"', log.text)
    assert action
    again = await post_form(client, endpoint_url.group(1), action.group(1), {})
    assert again.status_code == 303
    await deliver(app)
    assert len(hook.received) == 2

    off = await post_form(
        client, endpoint_url.group(1), endpoint_url.group(1) + "/switch", {"enabled": "false"}
    )
    assert off.status_code == 303
    page = await client.get(off.headers["location"])
    assert "Switched off" in page.text and "Switch on" in page.text
    removed = await post_form(client, endpoint_url.group(1), endpoint_url.group(1) + "/remove", {})
    assert removed.status_code == 303
    assert "No endpoint yet" in (await client.get(removed.headers["location"])).text


async def test_only_admins_open_the_webhook_pages(client: AsyncClient, app: Any) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    anonymous = await client.get("/admin/webhooks")
    assert anonymous.status_code in (303, 307) and "/login" in anonymous.headers["location"]
    await staff_page_login(client, recruiter)
    page = await client.get("/admin/webhooks")
    assert page.status_code == 403
    menu = await client.get("/recruiter/jobs")
    assert 'href="/admin/webhooks"' not in menu.text

"""Adversary suite of the outbound guard: URLs that try to reach the server's own network,
checked at registration (a clear 422) and again at every delivery; receivers that
redirect, never answer, or stream without end."""

from __future__ import annotations

import time
from ipaddress import ip_address, ip_network
from typing import Any

import pytest
from httpx import AsyncClient

from hireloop.auth.models import UserRole
from hireloop.config import Settings
from hireloop.webhooks import outbound
from tests.factories import auth, create_job, create_staff_user
from tests.recruiter.helpers import applied
from tests.webhooks.conftest import deliver, deliveries, register_endpoint
from tests.webhooks.receiver import Receiver, Step, receiver

PRIVATE_URLS = [
    "http://127.1/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://017700000001/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://localhost/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fe80::1]/",
    "http://0.0.0.0/",
    "http://[::]/",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://224.0.0.1/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    "http://[2002:7f00:1::]/",  # 6to4 around 127.0.0.1
    "http://[fc00::1]/",
]
SPELLINGS_OF_127_0_0_1 = {
    "http://127.1/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://017700000001/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://localhost/",
}
NOT_HTTP = [
    "file:///etc/passwd",
    "ftp://example.com/",
    "gopher://example.com/",
    "javascript:alert(1)",
    "//example.com/",
    "example.com/hooks",
]
WITH_CREDENTIALS = ["http://user:pass@example.com/", "https://user@example.com/"]
MALFORMED = ["http://", "http://exa mple.com/", "http://example.com:99999/", "http://[::1/"]


@pytest.mark.parametrize("url", PRIVATE_URLS)
async def test_private_addresses_are_refused(url: str) -> None:
    with pytest.raises(outbound.UnsafeURL, match="non-public address"):
        await outbound.resolve(url, [])


async def test_a_name_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(outbound.UnsafeURL, match="cannot be resolved"):
        await outbound.resolve("http://no.such.host.invalid/", [])


@pytest.mark.parametrize("url", NOT_HTTP + WITH_CREDENTIALS + MALFORMED)
def test_only_plain_http_urls_pass(url: str) -> None:
    with pytest.raises(outbound.UnsafeURL):
        outbound.parse(url)


def test_the_allow_list_opens_exactly_what_it_names() -> None:
    allowed = [ip_network("127.0.0.1/32")]
    assert outbound.permitted(ip_address("127.0.0.1"), allowed)
    assert outbound.permitted(ip_address("::ffff:127.0.0.1"), allowed)
    assert not outbound.permitted(ip_address("127.0.0.2"), allowed)
    assert not outbound.permitted(ip_address("::1"), allowed)
    assert not outbound.permitted(ip_address("2002:7f00:1::"), allowed)  # 6to4, not local
    assert not outbound.permitted(ip_address("169.254.169.254"), allowed)
    assert outbound.permitted(ip_address("93.184.215.14"), [])


async def test_registration_refuses_each_bad_url_in_plain_words(
    client: AsyncClient, app: Any, admin: str
) -> None:
    # The test settings allow 127.0.0.1 (in any spelling); the rest of 127/8, ::1 and the
    # other private ranges stay refused.
    still_private = [url for url in PRIVATE_URLS if url not in SPELLINGS_OF_127_0_0_1]
    for url in [*still_private, *NOT_HTTP, *WITH_CREDENTIALS, "http://127.0.0.2/"]:
        response = await client.post(
            "/api/v1/admin/webhooks",
            json={"url": url, "events": ["application.created"]},
            headers=auth(admin),
        )
        assert response.status_code == 422, (url, response.text)
        detail = response.json()["detail"]
        assert detail.startswith("url: ") and "Internal" not in detail, (url, detail)
    listed = await client.get("/api/v1/admin/webhooks", headers=auth(admin))
    assert listed.json()["items"] == []


async def test_without_the_allow_list_a_local_receiver_is_refused_and_never_called(
    client: AsyncClient, app: Any, admin: str, hook: Receiver, settings: Settings
) -> None:
    endpoint = await register_endpoint(client, admin, hook.url, ["application.created"])
    await _one_event(client, app)
    # The operator removes 127.0.0.1 from the allow-list after the endpoint was registered.
    closed = settings.model_copy(update={"webhook_allowed_networks": []})
    await deliver(app, closed.model_copy(update={"outbox_retry_hours": 1e-9}))
    assert hook.received == []
    [delivery] = await deliveries(client, admin, endpoint["id"])
    assert delivery["status"] == "failed"
    assert "non-public address" in delivery["attempts"][0]["error"]


async def _one_event(client: AsyncClient, app: Any) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    await applied(client, job["id"])


async def test_a_redirect_to_a_private_address_is_not_followed(
    client: AsyncClient, app: Any, admin: str, hook: Receiver, settings: Settings
) -> None:
    with receiver("127.0.0.2") as inside:
        hook.script = [Step(302, location=inside.url)]
        endpoint = await register_endpoint(client, admin, hook.url, ["application.created"])
        await _one_event(client, app)
        await deliver(app, settings.model_copy(update={"outbox_retry_hours": 1e-9}))
        assert inside.received == []
    [delivery] = await deliveries(client, admin, endpoint["id"])
    [attempt] = delivery["attempts"]
    assert attempt["status_code"] == 302 and "redirects are not followed" in attempt["error"]


async def test_an_endless_body_is_cut_at_the_cap(
    client: AsyncClient, app: Any, admin: str, hook: Receiver
) -> None:
    total = 2 * 1024 * 1024 * 1024
    hook.script = [Step(200, stream_bytes=total)]
    endpoint = await register_endpoint(client, admin, hook.url, ["application.created"])
    await _one_event(client, app)
    clock = time.monotonic()
    await deliver(app)
    assert time.monotonic() - clock < 30
    assert hook.streamed < total  # the worker hung up long before the end
    [delivery] = await deliveries(client, admin, endpoint["id"])
    assert delivery["status"] == "delivered"


async def test_a_receiver_that_never_answers_times_out(
    client: AsyncClient, app: Any, admin: str, hook: Receiver, settings: Settings
) -> None:
    hook.script = [Step(200, hang=30)]
    endpoint = await register_endpoint(client, admin, hook.url, ["application.created"])
    await _one_event(client, app)
    short = settings.model_copy(update={"webhook_timeout_seconds": 1, "outbox_retry_hours": 1e-9})
    clock = time.monotonic()
    await deliver(app, short)
    assert time.monotonic() - clock < 20
    [delivery] = await deliveries(client, admin, endpoint["id"])
    assert delivery["status"] == "failed"
    assert delivery["attempts"][0]["error"] == "no answer within 1 s"

"""X-Forwarded-For and X-Forwarded-Proto are believed only from the configured proxies
(HIRELOOP_TRUSTED_PROXIES): a client cannot pick the address its per-IP login limit
counts against, nor claim https."""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from httpx import ASGITransport, AsyncClient, Response

from hireloop.config import Settings
from hireloop.main import create_app
from tests.live_server import READY_BUDGET_SECONDS, server_env

LOGIN = "/api/v1/auth/login"
ClientFactory = Callable[..., AbstractAsyncContextManager[AsyncClient]]


@pytest.fixture
def client_from(settings: Settings, app: Any) -> ClientFactory:
    """A client connecting from ``peer`` to an app with ``trusted_proxies`` and a per-IP
    login limit of 3 (``app`` keeps the tables cleaned)."""

    @asynccontextmanager
    async def make(peer: str, trusted: str = "") -> AsyncIterator[AsyncClient]:
        configured = Settings.model_validate(
            {
                **settings.model_dump(),
                "trusted_proxies": trusted,
                "login_limit_per_ip": 3,
                "login_window_seconds": 300,
            }
        )
        limited = create_app(configured)
        async with limited.router.lifespan_context(limited):
            transport = ASGITransport(app=limited, client=(peer, 40000))
            async with AsyncClient(transport=transport, base_url="http://test") as client:
                yield client

    return make


async def failed_login(client: AsyncClient, forwarded_for: str | None, n: int) -> Response:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return await client.post(
        LOGIN, json={"email": f"spray{n}@example.com", "password": "guess-123"}, headers=headers
    )


async def test_a_local_client_cannot_reset_its_budget_with_x_forwarded_for(
    client_from: ClientFactory,
) -> None:
    async with client_from("127.0.0.1") as client:
        for n in range(3):
            assert (await failed_login(client, f"10.0.0.{n}", n)).status_code == 401
        refused = await failed_login(client, "10.9.9.9", 99)
        assert refused.status_code == 429, "a made-up X-Forwarded-For bought more guesses"


async def test_a_trusted_proxy_forwards_each_clients_address(client_from: ClientFactory) -> None:
    async with client_from("10.1.2.3", trusted="10.0.0.0/8") as proxy:
        for n in range(3):
            assert (await failed_login(proxy, "203.0.113.7", n)).status_code == 401
        assert (await failed_login(proxy, "203.0.113.7", 9)).status_code == 429
        # Another client behind the same proxy has its own budget.
        assert (await failed_login(proxy, "198.51.100.2", 10)).status_code == 401
        # A client that sends its own X-Forwarded-For gets the proxy's entry appended;
        # the address the proxy saw (the last one not ours) is the one that counts.
        spoofed = await failed_login(proxy, "192.0.2.55, 203.0.113.7", 11)
        assert spoofed.status_code == 429
        # ... also through a second proxy of ours.
        chained = await failed_login(proxy, "192.0.2.55, 203.0.113.7, 10.0.0.9", 12)
        assert chained.status_code == 429


async def test_forwarded_headers_from_an_untrusted_peer_are_ignored(
    client_from: ClientFactory,
) -> None:
    async with client_from("192.0.2.10", trusted="10.0.0.0/8,::1") as client:
        for n in range(3):
            assert (await failed_login(client, f"10.0.0.{n}", n)).status_code == 401
        assert (await failed_login(client, "10.0.0.77", 9)).status_code == 429


async def test_https_is_believed_only_from_a_trusted_proxy(client_from: ClientFactory) -> None:
    headers = {"X-Forwarded-Proto": "https"}
    async with client_from("127.0.0.1") as direct:
        page = await direct.get("/register", headers=headers)
        assert "Secure" not in _cookie(page, "hireloop_csrf")
    async with client_from("127.0.0.1", trusted="127.0.0.1") as proxied:
        page = await proxied.get("/register", headers=headers)
        assert "Secure" in _cookie(page, "hireloop_csrf")


def _cookie(response: Response, name: str) -> str:
    return next(h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}="))


def test_the_setting_takes_addresses_and_ranges() -> None:
    parsed = Settings(trusted_proxies="127.0.0.1, 10.0.0.1/8 ,::1").trusted_proxies
    assert [str(network) for network in parsed] == ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]
    assert Settings().trusted_proxies == []
    with pytest.raises(ValueError, match="does not appear to be an IPv4 or IPv6 network"):
        Settings(trusted_proxies="localhost")


def test_hireloop_serve_believes_no_proxy_unless_configured(
    database_url: str, tmp_path: Path, app: Any
) -> None:
    """The issue's case, as an operator runs it: ``hireloop serve`` on 127.0.0.1 and a
    local client making up X-Forwarded-For. (``app``: the tables are emptied after.)"""
    env = server_env(database_url, str(tmp_path), HIRELOOP_LOGIN_LIMIT_PER_IP="3")
    command = [sys.executable, "-m", "hireloop.cli", "serve", "--host", "127.0.0.1", "--port", "0"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = _announced_address(process)
        with httpx.Client(base_url=base, timeout=30) as client:
            statuses = [
                client.post(
                    LOGIN,
                    json={"email": f"spray{n}@example.com", "password": "guess-123"},
                    headers={"X-Forwarded-For": f"10.0.0.{n}"},
                ).status_code
                for n in range(4)
            ]
        assert statuses == [401, 401, 401, 429], (
            f"{statuses}: the server let a local client pick its address; uvicorn must not "
            "apply X-Forwarded-For itself (proxy_headers=False): the app does, from "
            "HIRELOOP_TRUSTED_PROXIES"
        )
    finally:
        process.terminate()
        process.wait(timeout=30)


def _announced_address(process: subprocess.Popen[bytes]) -> str:
    """The address ``hireloop serve`` prints once it listens; then waits until it is ready."""
    assert process.stdout is not None
    deadline = time.monotonic() + READY_BUDGET_SECONDS
    for raw in process.stdout:
        match = re.search(r"Hireloop on (http://\S+)", raw.decode(errors="replace"))
        if match:
            base = match.group(1)
            break
        if time.monotonic() > deadline:
            raise AssertionError("hireloop serve did not announce its address")
    else:
        raise AssertionError(f"hireloop serve exited with {process.wait()}")
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                return base
        time.sleep(0.2)
    raise AssertionError("hireloop serve did not become ready")

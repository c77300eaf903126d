"""The admin webhook pages in Chromium: an admin adds an endpoint for a real receiver,
copies the secret shown once, and follows the delivery on the endpoint's page; axe finds
nothing serious and nothing scrolls sideways on a phone."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page

from hireloop.auth.models import UserRole
from tests.factories import PASSWORD, auth, job_payload
from tests.live_server import live_server, server_env
from tests.web.browser import CHROMIUM, check_page, create_recruiter, log_in, new_page
from tests.webhooks.receiver import receiver

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed"),
]
_WIDE = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


async def _fits(page: Page, name: str) -> None:
    for size, (width, height) in {"phone": (360, 740), "desktop": (1280, 800)}.items():
        await page.set_viewport_size({"width": width, "height": height})
        await page.wait_for_timeout(50)
        await check_page(page, f"{name}-{size}")
        assert await page.evaluate(_WIDE), f"{name} scrolls sideways at {width}"


async def test_an_admin_adds_an_endpoint_and_sees_the_delivery(
    app: Any, database_url: str, tmp_path: Path, browser: Browser
) -> None:
    admin_email = await create_recruiter(app, UserRole.admin)
    recruiter_email = await create_recruiter(app)
    env = server_env(
        database_url,
        str(tmp_path),
        HIRELOOP_WEBHOOK_ALLOWED_NETWORKS="127.0.0.1",
        HIRELOOP_OUTBOX_POLL_SECONDS="0.2",
    )
    with receiver() as hook, live_server(env) as (base, _process):
        context, page = await new_page(browser)
        await log_in(page, base, admin_email)
        await page.get_by_role("link", name="Webhooks").click()
        await page.wait_for_selector("#add-heading")
        await _fits(page, "admin-webhooks")
        await page.get_by_label("URL").fill("http://10.0.0.7/hooks")
        await page.get_by_label("A job posting is paused").check()
        await page.get_by_role("button", name="Add the endpoint").click()
        await page.wait_for_selector("#f-url-error")
        assert "non-public address" in await page.locator("#f-url-error").inner_text()
        await page.get_by_label("URL").fill(hook.url)
        await page.get_by_role("button", name="Add the endpoint").click()
        secret = await page.get_by_role("textbox", name="Signing secret").input_value()
        assert secret.startswith("whsec_")
        await _fits(page, "admin-webhook-added")

        async with httpx.AsyncClient(base_url=base, timeout=60) as api:
            login = await api.post(
                "/api/v1/auth/login", json={"email": recruiter_email, "password": PASSWORD}
            )
            token = login.json()["access_token"]
            job = (
                await api.post("/api/v1/job-postings", json=job_payload(), headers=auth(token))
            ).json()
            paused = await api.post(f"/api/v1/job-postings/{job['id']}/pause", headers=auth(token))
            assert paused.status_code == 200
        for _ in range(300):
            if hook.received:
                break
            await asyncio.sleep(0.1)
        assert [r.json["type"] for r in hook.received] == ["job_posting.status_changed"]

        await page.get_by_role("link", name="See").click()
        await page.wait_for_selector("text=HTTP 200")
        await _fits(page, "admin-webhook-deliveries")
        await page.get_by_role("button", name="Redeliver").click()
        await page.wait_for_selector("text=The delivery is queued again.")
        for _ in range(300):
            if len(hook.received) == 2:
                break
            await asyncio.sleep(0.1)
        assert len(set(hook.ids())) == 1 and len(hook.received) == 2
        await context.close()

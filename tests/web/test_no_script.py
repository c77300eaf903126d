"""With JavaScript switched off, a step that cannot be undone still asks first: the
server's confirmation page stands in for static/confirm.js's dialog."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests.factories import PASSWORD, auth, job_payload
from tests.live_server import live_server, server_env
from tests.web.browser import ARTIFACTS, CHROMIUM, check_page, create_recruiter, log_in, new_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed"),
]


async def test_withdrawing_without_javascript_goes_through_a_confirmation_page(
    app: object, database_url: str, tmp_path: Path, browser: Browser
) -> None:
    recruiter_email = await create_recruiter(app)
    email = f"nojs-{uuid.uuid4().hex[:6]}@example.com"
    with live_server(server_env(database_url, str(tmp_path))) as (base, _process):
        async with httpx.AsyncClient(base_url=base, timeout=60) as api:
            login = await api.post(
                "/api/v1/auth/login", json={"email": recruiter_email, "password": PASSWORD}
            )
            job = await api.post(
                "/api/v1/job-postings",
                json=job_payload(title="Quiet Engineer", company="Stillwater"),
                headers=auth(login.json()["access_token"]),
            )
            registered = await api.post(
                "/api/v1/auth/register",
                json={"email": email, "password": PASSWORD, "full_name": "Nora No-Script"},
            )
            token = registered.json()["access_token"]
            await api.post(
                "/api/v1/applications",
                json={"job_posting_id": job.json()["id"]},
                headers=auth(token),
            )

        context = await browser.new_context(java_script_enabled=False)
        page = await context.new_page()
        page.set_default_timeout(15_000)
        await log_in(page, base, email)
        await page.goto(f"{base}/applications")
        withdraw = page.get_by_role("button", name="Withdraw application for Quiet Engineer")
        # Without the dialog, the first click only asks; Cancel leads back unchanged.
        await withdraw.click()
        heading = page.get_by_role("heading", level=1)
        await expect(heading).to_have_text("Withdraw your application for Quiet Engineer?")
        await expect(page.get_by_text("Stillwater will no longer consider you")).to_be_visible()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "confirm-page-no-js.png"), full_page=True)
        await _check_with_axe(browser, base, await page.content())
        await page.get_by_role("link", name="Cancel").click()
        await expect(page.get_by_role("heading", name="My applications")).to_be_visible()
        await expect(page.get_by_text("Interview scheduled")).to_be_visible()
        # Asked again and answered yes, it withdraws.
        await withdraw.click()
        await page.get_by_role("button", name="Yes, withdraw application").click()
        await expect(page.get_by_text("Application withdrawn.")).to_be_visible()
        await expect(page.get_by_text("Withdrawn", exact=True)).to_be_visible()
        await context.close()


async def _check_with_axe(browser: Browser, base: str, html: str) -> None:
    """axe runs as a script, which this page never gets: the same HTML is served again, at
    the same origin (so its stylesheets apply), to a page that has axe, and checked there."""
    context, page = await new_page(browser)
    snapshot = f"{base}/confirm-snapshot-for-axe"
    await page.route(snapshot, lambda route: route.fulfill(body=html, content_type="text/html"))
    await page.goto(snapshot)
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Withdraw")
    await check_page(page, "confirm-page-no-js")
    await context.close()

"""The bias report page and the profile's self-identification section in Chromium, at a
phone's width and at desktop width: axe-core finds nothing serious, nothing scrolls
sideways outside the scrolling tables, and the strict CSP reports no violation (the
chart is inline SVG without script or style)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page

from hireloop.auth.models import UserRole
from hireloop.auth.schemas import UserCreate
from hireloop.auth.service import register_user
from tests.factories import PASSWORD, auth, job_payload
from tests.fairness.population import JOB_A, populate
from tests.live_server import live_server, server_env
from tests.web.browser import CHROMIUM, check_page, create_recruiter, log_in, new_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed"),
]
_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter(el => el.getBoundingClientRect().right > width + 1)
    .filter(el => !el.closest(".table-scroll, .table-wrap")).length;
}"""


async def _admin(app: Any) -> str:
    email = f"admin-{uuid.uuid4().hex[:8]}@example.com"
    async with app.state.sessionmaker() as session:
        data = UserCreate(email=email, password=PASSWORD, full_name="Ada Admin")
        await register_user(session, data, role=UserRole.admin)
        await session.commit()
    return email


async def _check(page: Page, name: str, violations: list[str]) -> None:
    for size, (width, height) in {"phone": (360, 740), "desktop": (1280, 800)}.items():
        await page.set_viewport_size({"width": width, "height": height})
        await page.wait_for_timeout(50)
        await check_page(page, f"{name}-{size}")
        assert await page.evaluate(_OVERFLOW) == 0, f"{name} scrolls sideways at {width}"
    assert not violations, violations


async def test_bias_report_and_profile_section_in_chromium(
    app: Any, database_url: str, tmp_path: Path, browser: Browser
) -> None:
    recruiter_email = await create_recruiter(app)
    admin_email = await _admin(app)
    with live_server(server_env(database_url, str(tmp_path))) as (base, _process):
        async with httpx.AsyncClient(base_url=base, timeout=60) as api:
            login = await api.post(
                "/api/v1/auth/login", json={"email": recruiter_email, "password": PASSWORD}
            )
            token = login.json()["access_token"]
            job = (
                await api.post(
                    "/api/v1/job-postings",
                    json=job_payload(title="Data Engineer"),
                    headers=auth(token),
                )
            ).json()
        await populate(app, job["id"], JOB_A)

        context, page = await new_page(browser)
        csp_violations: list[str] = []
        page.on(
            "console",
            lambda message: (
                csp_violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        await log_in(page, base, admin_email)
        await page.goto(f"{base}/admin/bias-report?job_id={job['id']}")
        await page.wait_for_selector("svg[role=img]")
        assert await page.locator("svg[role=img] rect.chart-flagged").count() > 0
        await _check(page, "bias-report", csp_violations)
        await page.get_by_label("Job").select_option("")
        await page.get_by_role("button", name="Show report").click()
        await page.wait_for_selector("#summary-heading:has-text('All jobs')")
        await context.close()

        context, page = await new_page(browser)
        email = f"selfid-{uuid.uuid4().hex[:6]}@example.com"
        async with httpx.AsyncClient(base_url=base, timeout=60) as api:
            registered = await api.post(
                "/api/v1/auth/register",
                json={"email": email, "password": PASSWORD, "full_name": "Noa Candidate"},
            )
            assert registered.status_code == 201
        await log_in(page, base, email)
        await page.goto(f"{base}/profile")
        await page.get_by_label("Sex").select_option("female")
        await page.get_by_role("button", name="Save answers").click()  # race left unchosen
        await page.wait_for_selector("text=Choose an answer, or Decline to answer.")
        await _check(page, "profile-self-identification-error", [])
        await page.get_by_label("Race/ethnicity").select_option("two_or_more_races")
        await page.get_by_role("button", name="Save answers").click()
        await page.wait_for_selector("text=Your answers are saved")
        assert await page.locator("dd", has_text="Two or More Races").count() == 1
        await _check(page, "profile-self-identification", [])
        await context.close()

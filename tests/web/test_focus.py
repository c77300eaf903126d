"""Keyboard users always see where they are: every control reached with Tab shows the
same focus ring, on the candidate's pages and the recruiter's; and the empty states pass
axe-core and fit a phone."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page

from tests.factories import PASSWORD
from tests.live_server import live_server, server_env
from tests.web.browser import CHROMIUM, check_page, create_recruiter, log_in, new_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed"),
]

_FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    what: el.tagName.toLowerCase() + " " + (el.textContent || "").trim().slice(0, 40),
    outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
    outlineColor: style.outlineColor, boxShadow: style.boxShadow,
    isBody: el === document.body,
  };
}"""


async def _tab_through(page: Page, stops: int) -> list[str]:
    """Tab ``stops`` times; each control reached must show a ring of 3 px or more."""
    seen = []
    for _ in range(stops):
        await page.keyboard.press("Tab")
        focused = await page.evaluate(_FOCUSED)
        if focused["isBody"]:
            break
        seen.append(focused["what"])
        assert focused["outlineStyle"] != "none", focused
        assert focused["outlineWidth"] >= 3, focused
        assert focused["outlineColor"] == "rgb(26, 95, 208)", focused
        assert focused["boxShadow"] != "none", focused  # the white gap inside the ring
    return seen


async def test_focus_is_visible_everywhere_and_empty_states_pass_axe(
    app: object, database_url: str, tmp_path: Path, browser: Browser
) -> None:
    recruiter_email = await create_recruiter(app)
    email = f"focus-{uuid.uuid4().hex[:6]}@example.com"
    with live_server(server_env(database_url, str(tmp_path))) as (base, _process):
        async with httpx.AsyncClient(base_url=base, timeout=60) as api:
            registered = await api.post(
                "/api/v1/auth/register",
                json={"email": email, "password": PASSWORD, "full_name": "Kai Keyboard"},
            )
            assert registered.status_code == 201

        context, page = await new_page(browser)
        await page.goto(f"{base}/login")
        seen = await _tab_through(page, 12)
        assert seen[0].startswith("a Skip to main content")
        assert any(what.startswith("input") for what in seen)
        assert any(what.startswith("button Log in") for what in seen)

        await log_in(page, base, email)
        for name, path in (("applications", "/applications"), ("practice", "/practice")):
            await page.goto(f"{base}{path}")
            seen = await _tab_through(page, 30)
            assert any("Hireloop" in what for what in seen), seen
            first_step = "a Browse jobs" if name == "applications" else "a Choose a role type"
            assert any(what.startswith(first_step) for what in seen), seen
            await check_page(page, f"empty-{name}")
            await page.set_viewport_size({"width": 360, "height": 740})
            await check_page(page, f"empty-{name}-phone")
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"{name} scrolls sideways on a phone"
            await page.set_viewport_size({"width": 1280, "height": 800})
        await context.close()

        context, page = await new_page(browser)
        await log_in(page, base, recruiter_email)
        await page.goto(f"{base}/recruiter/jobs")
        seen = await _tab_through(page, 20)
        assert any(what.startswith("a Post your first job") for what in seen), seen
        await check_page(page, "empty-recruiter-postings")
        await page.set_viewport_size({"width": 360, "height": 740})
        await check_page(page, "empty-recruiter-postings-phone")
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        await context.close()

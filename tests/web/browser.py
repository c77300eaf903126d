"""Chromium (Debian's /usr/bin/chromium) driven by Playwright, with axe-core in every page.

The browser tests skip only when Chromium itself is not installed; a missing axe-core or
Playwright is a broken setup and fails loudly (.ci/run installs all three).
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, BrowserContext, Page

from hireloop.auth.models import UserRole
from hireloop.auth.schemas import UserCreate
from hireloop.auth.service import register_user
from tests.factories import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
REPO = Path(__file__).resolve().parents[2]
# .ci/run installs axe-core here with npm; HIRELOOP_AXE_PATH points elsewhere if needed.
AXE_PATH = Path(
    os.environ.get("HIRELOOP_AXE_PATH", REPO / ".ci/npm/node_modules/axe-core/axe.min.js")
)
ARTIFACTS = REPO / "test-artifacts" / "web"
BLOCKING_IMPACTS = ("serious", "critical")

_AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
  }));
}"""


def axe_source() -> Path:
    if not AXE_PATH.is_file():
        raise AssertionError(
            f"axe-core not found at {AXE_PATH}; install it with "
            "`npm install --prefix .ci/npm axe-core` (as .ci/run does) or set HIRELOOP_AXE_PATH"
        )
    return AXE_PATH


async def check_page(page: Page, name: str) -> list[dict[str, Any]]:
    """Screenshot the page into test-artifacts/ and assert axe finds nothing serious."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    violations: list[dict[str, Any]] = await page.evaluate(_AXE_RUN)
    # Every finding is kept beside the screenshot; serious and critical ones fail the test.
    (ARTIFACTS / f"{name}.axe.json").write_text(json.dumps(violations, indent=2))
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"accessibility violations on {name} ({page.url}): {blocking}"
    return violations


async def new_page(browser: Browser, **options: object) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(**options)  # type: ignore[arg-type]
    # axe-core goes into every document before the page's own scripts run.
    await context.add_init_script(path=axe_source())
    page = await context.new_page()
    page.set_default_timeout(15_000)
    return context, page


async def create_recruiter(app: object, role: UserRole = UserRole.recruiter) -> str:
    maker = app.state.sessionmaker  # type: ignore[attr-defined]
    email = f"{role.value}-{uuid.uuid4().hex[:8]}@example.com"
    async with maker() as session:
        data = UserCreate(email=email, password=PASSWORD, full_name="Rita Recruiter")
        await register_user(session, data, role=role)
        await session.commit()
    return email


async def log_in(page: Page, base: str, email: str) -> None:
    await page.goto(f"{base}/login")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()

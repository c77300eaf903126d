"""Every page at a small phone's width (360 px) and at desktop width (1280 px), in Chromium:
nothing scrolls sideways, and axe-core finds no serious or critical violation. Screenshots
of each land in test-artifacts/web/ (SPEC §7)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page

from hireloop.auth.models import UserRole
from tests.factories import PASSWORD, accept_notice, auth, job_payload
from tests.interviews.simulate import Answerer, strong_answer, take_interview, weak_answer
from tests.live_server import live_server, server_env
from tests.web.browser import CHROMIUM, check_page, create_recruiter, log_in, new_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed"),
]

WIDTHS = {"phone": (360, 740), "desktop": (1280, 800)}
_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter(el => el.getBoundingClientRect().right > width + 1)
    .filter(el => !el.closest(".table-scroll, .table-wrap"))
    .slice(0, 5)
    .map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
               + (el.className && typeof el.className === "string" ? "." + el.className : ""));
  return {scroll: document.documentElement.scrollWidth, width, wide};
}"""


async def _candidate(api: httpx.AsyncClient, name: str) -> tuple[str, str]:
    email = f"{name.split()[0].lower()}-{uuid.uuid4().hex[:6]}@example.com"
    registered = await api.post(
        "/api/v1/auth/register", json={"email": email, "password": PASSWORD, "full_name": name}
    )
    assert registered.status_code == 201, registered.text
    await accept_notice(api, registered.json()["access_token"])
    return email, registered.json()["access_token"]


async def _interviewed(
    api: httpx.AsyncClient, job_id: str, name: str, answerer: Answerer
) -> dict[str, Any]:
    email, token = await _candidate(api, name)
    applied = (
        await api.post("/api/v1/applications", json={"job_posting_id": job_id}, headers=auth(token))
    ).json()
    started = await api.post(
        "/api/v1/interviews/start", json={"application_id": applied["id"]}, headers=auth(token)
    )
    await take_interview(api, token, started.json(), answerer)
    return {"email": email, "application": applied["id"], "interview": started.json()["id"]}


async def _fits(page: Page, name: str) -> None:
    for size, (width, height) in WIDTHS.items():
        await page.set_viewport_size({"width": width, "height": height})
        await page.wait_for_timeout(50)  # let the layout settle after the resize
        await check_page(page, f"layout-{name}-{size}")
        found = await page.evaluate(_OVERFLOW)
        assert found["scroll"] <= found["width"], f"{name} scrolls sideways at {width}: {found}"


async def test_every_page_fits_a_phone_and_passes_axe(
    app: object, database_url: str, tmp_path: Path, browser: Browser
) -> None:
    env = server_env(
        database_url, str(tmp_path), HIRELOOP_MIN_QUESTIONS="4", HIRELOOP_MAX_QUESTIONS="6"
    )
    recruiter_email = await create_recruiter(app)
    admin_email = await create_recruiter(app, UserRole.admin)
    with live_server(env) as (base, _process):
        async with httpx.AsyncClient(base_url=base, timeout=60) as api:
            login = await api.post(
                "/api/v1/auth/login", json={"email": recruiter_email, "password": PASSWORD}
            )
            recruiter_token = login.json()["access_token"]
            job = (
                await api.post(
                    "/api/v1/job-postings",
                    json=job_payload(
                        title="Staff Platform Engineer (Observability and Developer Experience)",
                        required_skills=["Testing (unit and integration)", "Kubernetes", "SQL"],
                    ),
                    headers=auth(recruiter_token),
                )
            ).json()
            strong = await _interviewed(api, job["id"], "Stella Strong", strong_answer)
            weak = await _interviewed(api, job["id"], "Walter Weak-Answers", weak_answer)

        anonymous_ctx, anonymous = await new_page(browser)
        for name, path in (
            ("login", "/login"),
            ("register", "/register"),
            ("jobs", "/jobs"),
            ("job", f"/jobs/{job['id']}"),
            ("candidate-notice", "/privacy/notice"),
            ("not-found", "/no/such/page"),
        ):
            await anonymous.goto(f"{base}{path}")
            await _fits(anonymous, name)
        await anonymous_ctx.close()

        candidate_ctx, candidate = await new_page(browser)
        await log_in(candidate, base, strong["email"])
        for name, path in (
            ("my-applications", "/applications"),
            ("practice", "/practice"),
            ("profile", "/profile"),
            ("delete-account", "/profile/delete"),
            ("results", f"/interviews/{strong['interview']}/results"),
            ("candidate-notice-accepted", "/privacy/notice"),
            ("transcript", f"/interviews/{strong['interview']}/transcript"),
        ):
            await candidate.goto(f"{base}{path}")
            await _fits(candidate, name)
        await candidate.goto(f"{base}/practice")
        await candidate.get_by_label("Role type").select_option("python")
        await candidate.get_by_role("button", name="Start practice interview").click()
        await candidate.wait_for_selector("#answer")
        await _fits(candidate, "interview")
        await candidate_ctx.close()

        recruiter_ctx, recruiter = await new_page(browser)
        await log_in(recruiter, base, recruiter_email)
        compare = (
            f"/recruiter/jobs/{job['id']}/compare"
            f"?application={strong['application']}&application={weak['application']}"
        )
        for name, path in (
            ("recruiter-jobs", "/recruiter/jobs"),
            ("recruiter-new-job", "/recruiter/jobs/new"),
            ("recruiter-edit-job", f"/recruiter/jobs/{job['id']}/edit"),
            ("recruiter-applicants", f"/recruiter/jobs/{job['id']}/applicants"),
            ("recruiter-compare", compare),
            ("recruiter-applicant", f"/recruiter/applications/{weak['application']}"),
        ):
            await recruiter.goto(f"{base}{path}")
            await _fits(recruiter, name)
        await recruiter_ctx.close()

        admin_ctx, admin = await new_page(browser)
        await log_in(admin, base, admin_email)
        for name, path in (("admin-audit", "/admin/audit"), ("admin-people", "/admin/people")):
            await admin.goto(f"{base}{path}")
            await _fits(admin, name)
        await admin.locator("a[href$='/erase']").first.click()
        await admin.wait_for_selector("#erase-heading")
        await _fits(admin, "admin-erase")
        await admin_ctx.close()

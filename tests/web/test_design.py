"""The look that makes it a product: the brand mark and favicon on every page, and empty
lists that say what is missing and offer the next step instead of a bare table."""

from __future__ import annotations

import html
import re

from httpx import AsyncClient

from hireloop.auth.models import UserRole
from tests.factories import auth, create_job, create_staff_user, register_candidate
from tests.web.forms import web_login


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def _has_link(page: str, href: str, label: str) -> bool:
    pattern = rf'<a class="button[^"]*" href="{re.escape(href)}">{re.escape(label)}</a>'
    return re.search(pattern, page) is not None


async def test_the_favicon_and_brand_mark_are_served(client: AsyncClient) -> None:
    icon = await client.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in icon.text and "<title>Hireloop</title>" in icon.text
    for path in ("/jobs", "/login", "/no/such/page"):
        page = (await client.get(path)).text
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page, path
        brand = re.search(r'<a class="brand" href="/">(.*?)</a>', page, re.S)
        assert brand, path
        # The mark is decorative; the wordmark beside it names the link.
        assert '<svg class="brand-mark"' in brand.group(1)
        assert 'aria-hidden="true"' in brand.group(1)
        assert _text(brand.group(1)).strip() == "Hireloop"
        # No inline styles: the strict CSP (style-src 'self') would block them.
        assert "style=" not in page and "<style" not in page


async def test_a_new_candidate_sees_empty_states_with_next_steps(client: AsyncClient) -> None:
    candidate = await register_candidate(client, name="Nia New")
    await web_login(client, candidate["user"]["email"])
    applications = (await client.get("/applications")).text
    assert "No applications yet" in applications and "<table" not in applications
    assert "shows up here" in _text(applications)
    assert _has_link(applications, "/jobs", "Browse jobs")
    assert _has_link(applications, "/practice", "Try a practice interview")
    practice = (await client.get("/practice")).text
    assert "No interviews yet" in practice
    assert _has_link(practice, "#f-role_type", "Choose a role type")
    nothing = (await client.get("/jobs", params={"search": "no-such-job-anywhere"})).text
    assert "No jobs match these filters" in nothing
    assert _has_link(nothing, "/jobs", "Clear filters and show all jobs")


async def test_a_new_recruiter_sees_empty_states_with_next_steps(
    client: AsyncClient, app: object
) -> None:
    token = await create_staff_user(app, UserRole.recruiter)
    me = (await client.get("/api/v1/auth/me", headers=auth(token))).json()
    await web_login(client, me["email"])
    postings = (await client.get("/recruiter/jobs")).text
    assert "No job postings yet" in postings and "<table" not in postings
    assert _has_link(postings, "/recruiter/jobs/new", "Post your first job")
    job = await create_job(client, token, title="Data Engineer")
    applicants = (await client.get(f"/recruiter/jobs/{job['id']}/applicants")).text
    assert "No applicants yet" in applicants and "<table" not in applicants
    assert _has_link(applicants, f"/jobs/{job['id']}", "View the job posting")
    assert _has_link(applicants, "/recruiter/jobs", "Back to my postings")

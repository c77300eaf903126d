"""The web pages in-process (httpx): sessions, CSRF, escaping, permissions, the journey.

The browser tests (test_browser.py) cover the same journey in Chromium; these are fast
and check what a browser cannot easily show (cookie flags, refusals, status codes).
"""

from __future__ import annotations

import json
import re
import uuid

import pytest
from httpx import AsyncClient

from hireloop.auth.models import UserRole
from tests.factories import (
    PASSWORD,
    apply,
    auth,
    create_job,
    create_staff_user,
    logged_events,
    register_candidate,
)
from tests.web.forms import CONFIRMED, csrf_of, question_of, submit, web_login, web_register


def email() -> str:
    return f"web-{uuid.uuid4().hex[:8]}@example.com"


async def test_session_cookie_is_httponly_and_lax(client: AsyncClient) -> None:
    response = await web_register(client, email())
    cookie = next(h for h in response.headers.get_list("set-cookie") if "hireloop_session=" in h)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http here; https requests get Secure
    assert response.headers["location"] == "/jobs?notice=registered"
    page = await client.get("/jobs?notice=registered")
    assert "Welcome to Hireloop" in page.text and "Ada Candidate" in page.text
    logout = await submit(client, "/jobs", "/logout")
    assert logout.status_code == 303
    assert "Ada Candidate" not in (await client.get("/jobs")).text


async def test_secure_cookie_behind_https(app: object) -> None:
    from httpx import ASGITransport

    transport = ASGITransport(app=app)  # type: ignore[arg-type]
    async with AsyncClient(transport=transport, base_url="https://hireloop.test") as https:
        response = await web_register(https, email())
    cookies = response.headers.get_list("set-cookie")
    assert all("Secure" in c for c in cookies if "hireloop_" in c)


async def test_state_changes_need_the_csrf_token(client: AsyncClient, app: object) -> None:
    await client.get("/register")  # the browser has a CSRF cookie, but the form lacks a token
    data = {"full_name": "Mallory", "email": email(), "password": PASSWORD}
    for token in (None, "forged", "0" * 64):
        body = dict(data) if token is None else {**data, "csrf_token": token}
        refused = await client.post("/register", data=body)
        assert refused.status_code == 403 and "form has expired" in refused.text
    # A token from another browser (another CSRF cookie) is refused as well.
    other = AsyncClient(transport=client._transport, base_url="http://test")  # type: ignore[attr-defined]
    async with other:
        foreign = csrf_of(await other.get("/register"))
    assert (await client.post("/register", data={**data, "csrf_token": foreign})).status_code == 403
    await web_register(client, data["email"])
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    assert (await client.post(f"/jobs/{job['id']}/apply")).status_code == 403
    assert (await client.post("/logout")).status_code == 403
    header = await client.post(
        f"/jobs/{job['id']}/apply",
        headers={"X-CSRF-Token": csrf_of(await client.get("/jobs"))},
    )
    assert header.status_code == 303


async def test_login_errors_and_safe_redirects(client: AsyncClient) -> None:
    address = email()
    await web_register(client, address)
    await submit(client, "/jobs", "/logout")
    wrong = await web_login(client, address, "not-the-password-1")
    assert wrong.status_code == 401 and "Invalid email or password" in wrong.text
    unknown = await web_login(client, "nobody@example.com")
    assert unknown.status_code == 401 and "Invalid email or password" in unknown.text
    page = await client.get("/login?next=/applications")
    response = await client.post(
        "/login",
        data={
            "email": address,
            "password": PASSWORD,
            "next": "//evil.example/",
            "csrf_token": csrf_of(page),
        },
    )
    assert response.status_code == 303 and response.headers["location"] == "/jobs"
    # Pages that need an account send visitors to log in and back.
    await submit(client, "/jobs", "/logout")
    gate = await client.get("/applications?page=2")
    assert gate.status_code == 303
    assert gate.headers["location"] == "/login?next=/applications%3Fpage%3D2"


async def test_refused_logins_are_logged_with_the_reason_and_no_email(
    capsys: pytest.CaptureFixture[str], client: AsyncClient
) -> None:
    # capsys first: the app (built by the client fixture) logs to the stream it finds.
    address = email()
    await web_register(client, address)
    await submit(client, "/jobs", "/logout")
    logged_events(capsys)  # forget registration's lines
    await web_login(client, address, "not-the-password-1")
    await web_login(client, "nobody@example.com")
    await web_login(client, address, "")
    refused = [e for e in logged_events(capsys) if e["event"] == "login_refused"]
    assert [e["reason"] for e in refused] == ["wrong_password", "unknown_account", "invalid_form"]
    assert len(refused[0]["user_id"]) == 36 and "user_id" not in refused[1]
    assert refused[2]["fields"] == ["password"]
    assert address not in json.dumps(refused) and "nobody" not in json.dumps(refused)


async def test_register_shows_field_errors(client: AsyncClient) -> None:
    response = await submit(
        client, "/register", "/register", {"full_name": "", "email": "nope", "password": "short"}
    )
    assert response.status_code == 422
    assert response.text.count('aria-invalid="true"') == 3
    address = email()
    await web_register(client, address)
    await submit(client, "/jobs", "/logout")
    again = await submit(
        client,
        "/register",
        "/register",
        {"full_name": "Ada", "email": address.upper(), "password": PASSWORD},
    )
    assert again.status_code == 422 and "Email already registered" in again.text


async def test_candidates_are_refused_recruiter_pages(client: AsyncClient, app: object) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    await web_register(client, email())
    for url in (
        "/recruiter/jobs",
        "/recruiter/jobs/new",
        f"/recruiter/jobs/{job['id']}/edit",
        f"/recruiter/jobs/{job['id']}/applicants",
        f"/recruiter/applications/{uuid.uuid4()}",
    ):
        page = await client.get(url)
        assert page.status_code == 403, url
        assert "This page is for recruiters" in page.text
        assert page.headers["content-type"].startswith("text/html")
    refused = await submit(client, "/jobs", f"/recruiter/jobs/{job['id']}/pause")
    assert refused.status_code == 403
    assert (await client.get(f"/api/v1/job-postings/{job['id']}")).json()["status"] == "active"


async def test_markup_in_user_text_is_escaped(client: AsyncClient, app: object) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    payload = "<script>window.pwned = 1</script><img src=x onerror=alert(1)>"
    job = await create_job(client, recruiter, title="XSS <b>test</b> role", description=payload)
    page = await client.get(f"/jobs/{job['id']}")
    assert "<script>window.pwned" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in page.text
    assert "XSS &lt;b&gt;test&lt;/b&gt; role" in page.text
    listing = await client.get("/jobs", params={"search": "<script>"})
    assert "<script>" not in listing.text.split("<body>", 1)[1].replace('<script src="/static/', "")


async def test_job_list_filters_live_in_the_url(client: AsyncClient, app: object) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    await create_job(
        client, recruiter, title="Remote Go Engineer", tech_stack="Go", work_setup="remote"
    )
    await create_job(
        client,
        recruiter,
        title="Onsite Designer",
        role_category="design",
        tech_stack=None,
        work_setup="onsite",
        required_skills=["Figma"],
    )
    page = await client.get("/jobs", params={"work_setup": "onsite", "role_category": "design"})
    assert "Onsite Designer" in page.text and "Remote Go Engineer" not in page.text
    assert re.search(r'<option value="onsite" selected>', page.text)
    assert "1 job found" in page.text
    ignored = await client.get("/jobs", params={"work_setup": "moon", "search": "Go Engineer"})
    assert ignored.status_code == 200 and "were not valid and were ignored" in ignored.text
    assert "Remote Go Engineer" in ignored.text


async def test_interview_without_javascript(client: AsyncClient, app: object) -> None:
    """Start, answer (post/redirect/get), reload, finish: the no-JS path works end to end."""
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    await web_register(client, email())
    applied = await submit(client, f"/jobs/{job['id']}", f"/jobs/{job['id']}/apply")
    assert applied.headers["location"] == "/applications?notice=applied"
    mine = await client.get("/applications")
    action = re.search(r'action="(/applications/[^"]+/start)"', mine.text)
    assert action, mine.text
    started = await submit(client, "/applications", action.group(1))
    interview_url = started.headers["location"]
    page = await client.get(interview_url)
    assert 'Question <span id="q-number">1</span> of up to' in page.text
    assert 'aria-live="polite"' in page.text
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.text)
    assert key
    answer = {
        "content": "I would <b>profile</b> first, then cache.",
        "idempotency_key": key.group(1),
        "question_id": question_of(page),
    }
    answered = await submit(client, interview_url, interview_url + "/answer", answer)
    assert answered.status_code == 303 and answered.headers["location"] == interview_url
    # A resubmitted form (same idempotency key) does not add a second answer.
    await submit(client, interview_url, interview_url + "/answer", answer)
    reloaded = await client.get(interview_url)
    assert reloaded.text.count("I would &lt;b&gt;profile&lt;/b&gt; first") == 1
    assert 'Question <span id="q-number">2</span>' in reloaded.text
    blank = await submit(client, interview_url, interview_url + "/answer", {"content": "   "})
    assert blank.status_code == 422 and "Write an answer" in blank.text
    finished = await submit(client, interview_url, interview_url + "/finish", CONFIRMED)
    results = await client.get(finished.headers["location"])
    assert results.status_code == 200
    assert 'class="bar-chart"' in results.text and "Overall score" in results.text
    assert "Growth areas" in results.text and "Strengths" in results.text
    assert (await client.get(interview_url)).headers["location"].endswith("/results")


async def test_recruiter_pages(client: AsyncClient, app: object) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter, name="Rita Recruiter")
    me = (await client.get("/api/v1/auth/me", headers=auth(recruiter))).json()
    login = await web_login(client, me["email"])
    assert login.headers["location"] == "/recruiter/jobs"
    bad = await submit(
        client,
        "/recruiter/jobs/new",
        "/recruiter/jobs/new",
        {"title": "X", "description": "short", "salary_min": "9", "salary_max": "1"},
    )
    assert bad.status_code == 422
    for message in ("at least 2 characters", "at least 10 characters", "This field is required."):
        assert message in bad.text, message
    form = {
        "title": "Data Engineer",
        "company": "Acme",
        "description": "Build pipelines for our analytics platform.",
        "role_category": "data",
        "tech_stack": "Python, Airflow",
        "required_skills": "Airflow, SQL, dbt",
        "experience_level": "mid",
        "employment_type": "permanent",
        "work_setup": "hybrid",
        "location": "Berlin",
        "salary_min": "",
        "salary_max": "",
        "salary_currency": "eur",
    }
    created = await submit(client, "/recruiter/jobs/new", "/recruiter/jobs/new", form)
    assert created.status_code == 303
    assert created.headers["location"].startswith("/recruiter/jobs?notice=job_created#job-")
    job_id = created.headers["location"].split("#job-")[1]
    job = (await client.get(f"/api/v1/job-postings/{job_id}")).json()
    assert job["required_skills"] == ["Airflow", "SQL", "dbt"] and job["salary_currency"] == "EUR"
    edited = await submit(
        client,
        f"/recruiter/jobs/{job_id}/edit",
        f"/recruiter/jobs/{job_id}/edit",
        {**form, "salary_min": "90000", "salary_max": "50000"},
    )
    # The validator's rule, in the form's words rather than its field names.
    assert edited.status_code == 422
    # The salary inputs keep their limits as real attributes, not escaped text.
    assert 'name="salary_min" type="number" value="90000" min="0" inputmode="numeric">' in (
        edited.text
    )
    assert "&#34;" not in edited.text
    assert "The lowest salary must not exceed the highest salary." in edited.text
    paused = await submit(client, "/recruiter/jobs", f"/recruiter/jobs/{job_id}/pause")
    assert "notice=job_paused" in paused.headers["location"]
    again = await submit(client, "/recruiter/jobs", f"/recruiter/jobs/{job_id}/pause")
    assert again.status_code == 409

    candidate_client = AsyncClient(transport=client._transport, base_url="http://test")  # type: ignore[attr-defined]
    await submit(client, "/recruiter/jobs", f"/recruiter/jobs/{job_id}/reopen")
    async with candidate_client:
        await web_register(candidate_client, email(), name="Carl <i>Candidate</i>")
        await submit(candidate_client, f"/jobs/{job_id}", f"/jobs/{job_id}/apply")
    ranked = await client.get(f"/recruiter/jobs/{job_id}/applicants")
    assert "Carl &lt;i&gt;Candidate&lt;/i&gt;" in ranked.text
    review_url = re.search(r'href="(/recruiter/applications/[^"]+)"', ranked.text)
    assert review_url
    review = await client.get(review_url.group(1))
    assert 'value="rejected"' in review.text and 'value="offered"' not in review.text
    moved = await submit(
        client, review_url.group(1), review_url.group(1) + "/status", {"status": "offered"}
    )
    assert moved.status_code == 409
    moved = await submit(
        client,
        review_url.group(1),
        review_url.group(1) + "/status",
        {"status": "rejected", **CONFIRMED},
    )
    assert moved.status_code == 303
    assert "No further status changes" in (await client.get(review_url.group(1))).text
    assert (await client.get("/recruiter/jobs/not-a-uuid/edit")).status_code == 404


async def test_other_recruiters_cannot_review(client: AsyncClient, app: object) -> None:
    owner = await create_staff_user(app, UserRole.recruiter)
    other = await create_staff_user(app, UserRole.recruiter, name="Other Recruiter")
    job = await create_job(client, owner)
    candidate = await register_candidate(client)
    application = await apply(client, candidate["access_token"], job["id"])
    other_me = (await client.get("/api/v1/auth/me", headers=auth(other))).json()
    await web_login(client, other_me["email"])
    for url in (
        f"/recruiter/jobs/{job['id']}/applicants",
        f"/recruiter/jobs/{job['id']}/edit",
        f"/recruiter/applications/{application['id']}",
    ):
        page = await client.get(url)
        assert page.status_code == 403, url
        assert "Only the recruiter who posted this job" in page.text
    moved = await submit(
        client,
        "/recruiter/jobs",
        f"/recruiter/applications/{application['id']}/status",
        {"status": "rejected"},
    )
    assert moved.status_code == 403
    seen = await client.get(
        f"/api/v1/applications/{application['id']}", headers=auth(candidate["access_token"])
    )
    assert seen.json()["status"] == "interview_scheduled"

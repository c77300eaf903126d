"""The web app in a real browser against a real server on 127.0.0.1 (SPEC §7).

One journey, as people would use it: a recruiter posts a job (its description carries a
<script>), a candidate registers, filters the jobs, applies, takes the whole interview
(reloading half-way), and reads the results; a candidate who opens a recruiter page is
refused; the recruiter sees the applicants ranked, opens the transcript and moves the
status. Every page is checked with axe-core and screenshotted into test-artifacts/web/.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, expect
from sqlalchemy import update

from hireloop.db import utcnow
from hireloop.engine.knowledge import get_knowledge
from hireloop.interviews.models import Interview
from tests.factories import PASSWORD, accept_notice, auth, job_payload
from tests.interviews.simulate import strong_answer, take_interview
from tests.live_server import live_server, server_env
from tests.web.browser import CHROMIUM, check_page, create_recruiter, log_in, new_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed"),
]

XSS = "<script>window.__pwned = true</script>"
ANSWER = (
    "I would start by measuring where the time goes, then fix the biggest cause first. "
    "For example, I added an index and caching to a slow endpoint and cut p95 latency by 60%, "
    "weighing memory use against freshness of the data."
)


async def strong_applicant(base: str, job_id: str) -> None:
    """Another candidate, through the API, who interviews well: ranked above ours."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        registered = await client.post(
            "/api/v1/auth/register",
            json={
                "email": f"stella-{uuid.uuid4().hex[:6]}@example.com",
                "password": PASSWORD,
                "full_name": "Stella Strong",
            },
        )
        token = registered.json()["access_token"]
        await accept_notice(client, token)
        applied = await client.post(
            "/api/v1/applications", json={"job_posting_id": job_id}, headers=auth(token)
        )
        started = await client.post(
            "/api/v1/interviews/start",
            json={"application_id": applied.json()["id"]},
            headers=auth(token),
        )
        await take_interview(client, token, started.json(), strong_answer)


async def answer_current_question(page: Page, text: str, *, keyboard: bool = False) -> None:
    number = await page.locator("#q-number").inner_text()
    await page.get_by_label(re.compile("Your answer to question")).fill(text)
    if keyboard:
        await page.keyboard.press("Tab")  # from the answer box to the Send button
        await expect(page.get_by_role("button", name="Send answer")).to_be_focused()
        await page.keyboard.press("Enter")
    else:
        await page.get_by_role("button", name="Send answer").click()
    await page.wait_for_function(
        """n => location.pathname.endsWith('/results')
               || document.getElementById('q-number').textContent !== n""",
        arg=number,
    )


async def claims_answer(page: Page) -> str:
    """An answer stating every claim of the pack question the page shows (in the claims'
    own words), so the results have quotes to show."""
    shown = (await page.locator("#current-question p.text").inner_text()).strip()
    for skill in get_knowledge().skills.values():
        for question in skill.questions:
            if shown in (question.text.strip(), question.followup.strip()):
                return " ".join(f"{claim.text.rstrip('.')}." for claim in question.claims)
    return ANSWER


async def test_candidate_and_recruiter_journey(
    app: object, database_url: str, tmp_path: Path, browser: Browser
) -> None:
    env = server_env(
        database_url, str(tmp_path), HIRELOOP_MIN_QUESTIONS="4", HIRELOOP_MAX_QUESTIONS="6"
    )
    recruiter_email = await create_recruiter(app)
    title = f"Platform Engineer {uuid.uuid4().hex[:5]}"
    with live_server(env) as (base, _process):
        # The recruiter posts a job; the form explains what is missing first.
        rctx, recruiter = await new_page(browser)
        await log_in(recruiter, base, recruiter_email)
        await expect(recruiter.get_by_role("heading", name="My postings")).to_be_visible()
        await check_page(recruiter, "recruiter-postings-empty")
        await recruiter.get_by_role("link", name="New posting").click()
        await recruiter.get_by_role("button", name="Publish posting").click()
        await expect(recruiter.get_by_text("This field is required.").first).to_be_visible()
        await expect(recruiter.get_by_label("Job title")).to_be_focused()
        await check_page(recruiter, "recruiter-job-form-errors")
        payload = job_payload(title=title, description=f"Run our platform. {XSS} Be kind.")
        for label, key in (
            ("Job title", "title"),
            ("Company", "company"),
            ("Description", "description"),
            ("Tech stack", "tech_stack"),
            ("Location", "location"),
        ):
            await recruiter.get_by_label(label).fill(payload[key])
        await recruiter.get_by_label("Required skills").fill("PostgreSQL, Docker, System design")
        await recruiter.get_by_label("Role category").select_option("engineering")
        await recruiter.get_by_label("Experience level").select_option("senior")
        await recruiter.get_by_label("Employment type").select_option("permanent")
        await recruiter.get_by_label("Work setup").select_option("remote")
        await recruiter.get_by_role("button", name="Publish posting").click()
        await expect(recruiter.get_by_text("Job posting published.")).to_be_visible()
        await check_page(recruiter, "recruiter-postings")
        job_link = recruiter.get_by_role("link", name=title, exact=True)
        job_id = (await job_link.get_attribute("href") or "").rsplit("/", 1)[1]
        await strong_applicant(base, job_id)

        # A candidate registers, filters the list, and applies.
        cctx, candidate = await new_page(browser)
        await candidate.goto(f"{base}/register")
        await check_page(candidate, "register")
        await candidate.get_by_label("Full name").fill("Carl Candidate")
        await candidate.get_by_label("Email").fill(f"carl-{uuid.uuid4().hex[:6]}@example.com")
        await candidate.get_by_label("Password").fill(PASSWORD)
        await candidate.get_by_role("button", name="Create account").click()
        await expect(candidate.get_by_text("Welcome to Hireloop!")).to_be_visible()
        await candidate.get_by_label("Search").fill(title)
        await candidate.get_by_label("Work setup").select_option("remote")
        await candidate.get_by_role("button", name="Show jobs").click()
        assert "work_setup=remote" in candidate.url and "search=Platform" in candidate.url
        await expect(candidate.get_by_text("1 job found")).to_be_visible()
        await check_page(candidate, "jobs-filtered")
        await candidate.get_by_role("link", name=title, exact=True).click()
        # The description's <script> is shown as text and never runs.
        await expect(candidate.get_by_text(XSS)).to_be_visible()
        assert await candidate.evaluate("window.__pwned === undefined")
        await check_page(candidate, "job-detail")
        await candidate.get_by_role("button", name="Apply and get my interview").click()
        await expect(candidate.get_by_text("Application sent.")).to_be_visible()
        await check_page(candidate, "my-applications")

        # Before the first interview: the candidate notice, accepted on its page.
        await candidate.get_by_role("button", name=re.compile("^Start interview")).click()
        await expect(
            candidate.get_by_text("read the candidate notice and accept it")
        ).to_be_visible()
        await expect(
            candidate.get_by_role("heading", name="Your right to a human alternative")
        ).to_be_visible()
        await check_page(candidate, "candidate-notice")
        await candidate.get_by_label(re.compile("I have read this notice")).check()
        await candidate.get_by_role("button", name="Accept the notice").click()
        await expect(candidate.get_by_text("you accepted the candidate notice")).to_be_visible()

        # The interview: answer, reload half-way, continue, finish.
        await candidate.get_by_role("button", name=re.compile("^Start interview")).click()
        await expect(candidate.locator("#q-number")).to_have_text("1")
        await expect(
            candidate.get_by_label(re.compile("Your answer to question 1"))
        ).to_be_focused()
        await check_page(candidate, "interview-start")
        await answer_current_question(candidate, ANSWER, keyboard=True)
        await expect(candidate.locator("#announcer")).to_contain_text("Question 2:")
        await answer_current_question(candidate, "Second answer: " + ANSWER)
        await candidate.reload()
        await expect(candidate.locator("#q-number")).to_have_text("3")
        await expect(candidate.get_by_text("Second answer: I would start")).to_be_visible()
        await check_page(candidate, "interview-after-reload")
        await candidate.set_viewport_size({"width": 390, "height": 844})
        await check_page(candidate, "interview-phone")
        await candidate.set_viewport_size({"width": 1280, "height": 800})
        for _ in range(10):
            if candidate.url.endswith("/results"):
                break
            await answer_current_question(candidate, await claims_answer(candidate))
        await candidate.wait_for_url("**/results")
        await expect(candidate.get_by_role("heading", name="Overall score")).to_be_visible()
        chart = candidate.get_by_role("list", name="Score per skill")
        await expect(chart).to_be_visible()
        assert await chart.get_by_role("listitem").count() >= 4
        await expect(candidate.get_by_role("heading", name="Growth areas")).to_be_visible()
        await expect(candidate.locator("blockquote.quote").first).to_be_visible()
        await check_page(candidate, "results")

        # The profile: a wrong file is explained beside the (focused) field; a resume is listed.
        await candidate.get_by_role("link", name="Profile").click()
        wrong = tmp_path / "photo.png"
        wrong.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
        await candidate.get_by_label("Resume file").set_input_files(wrong)
        await candidate.get_by_role("button", name="Upload resume").click()
        await expect(candidate.get_by_label("Resume file")).to_be_focused()
        await expect(candidate.locator("#f-file-error")).to_contain_text("Unsupported")
        await check_page(candidate, "profile-upload-error")
        resume = tmp_path / "carl-resume.txt"
        resume.write_text(
            "Backend engineer with 5 years of experience.\nSkills: Python, PostgreSQL, Docker\n"
        )
        await candidate.get_by_label("Resume file").set_input_files(resume)
        await candidate.get_by_role("button", name="Upload resume").click()
        await expect(candidate.get_by_text("Resume uploaded.")).to_be_visible()
        await expect(candidate.locator("li.tag", has_text="PostgreSQL")).to_be_visible()
        await check_page(candidate, "profile")

        # Candidates cannot reach recruiter pages.
        await candidate.goto(f"{base}/recruiter/jobs/{job_id}/applicants")
        await expect(candidate.get_by_role("heading", name="Not allowed")).to_be_visible()
        await check_page(candidate, "candidate-refused")

        # The recruiter sees both applicants ranked and decides.
        await recruiter.goto(f"{base}/recruiter/jobs/{job_id}/applicants")
        rows = recruiter.locator("tbody tr")
        await expect(rows).to_have_count(2)
        await expect(rows.nth(0)).to_contain_text("Stella Strong")
        await expect(rows.nth(1)).to_contain_text("Carl Candidate")
        await check_page(recruiter, "recruiter-applicants")
        await recruiter.get_by_role("link", name="Review Carl Candidate").click()
        await expect(recruiter.get_by_role("heading", name="Transcript")).to_be_visible()
        transcript = recruiter.locator("ol.transcript")
        await expect(transcript.get_by_text("Second answer: I would start")).to_be_visible()
        await check_page(recruiter, "recruiter-applicant")
        await recruiter.get_by_role("button", name="Under review").click()
        await expect(recruiter.get_by_text("Application status updated.")).to_be_visible()
        await expect(recruiter.locator("#status-heading")).to_contain_text("Under review")
        await recruiter.get_by_role("button", name="Offered").click()
        await recruiter.get_by_role("dialog").get_by_role("button", name="Mark as offered").click()
        await expect(recruiter.locator("#status-heading")).to_contain_text("Offered")

        # The candidate sees the decision.
        await candidate.goto(f"{base}/applications")
        await expect(candidate.locator("tbody")).to_contain_text("Offered")
        await cctx.close()
        await rctx.close()


async def _api_token(client: httpx.AsyncClient, email: str) -> str:
    login = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return str(login.json()["access_token"])


async def _started_ago(app: object, interview_id: str, seconds: float) -> None:
    maker = app.state.sessionmaker  # type: ignore[attr-defined]
    async with maker() as session:
        await session.execute(
            update(Interview)
            .where(Interview.id == uuid.UUID(interview_id))
            .values(started_at=utcnow() - timedelta(seconds=seconds))
        )
        await session.commit()


async def test_expectations_countdown_and_confirmations(
    app: object, database_url: str, tmp_path: Path, browser: Browser
) -> None:
    """Told before, warned during, asked before what cannot be undone (SPEC §7)."""
    env = server_env(database_url, str(tmp_path), HIRELOOP_TIME_LIMIT_MINUTES="30")
    recruiter_email = await create_recruiter(app)
    candidate_email = f"bea-{uuid.uuid4().hex[:6]}@example.com"
    with live_server(env) as (base, _process):
        async with httpx.AsyncClient(base_url=base, timeout=30) as api:
            recruiter_token = await _api_token(api, recruiter_email)
            jobs = []
            for title in ("Data Platform Engineer", "Backend Engineer"):
                created = await api.post(
                    "/api/v1/job-postings",
                    json=job_payload(title=f"{title} {uuid.uuid4().hex[:4]}", company="Lumen"),
                    headers=auth(recruiter_token),
                )
                jobs.append(created.json())
            registered = await api.post(
                "/api/v1/auth/register",
                json={"email": candidate_email, "password": PASSWORD, "full_name": "Bea Briefed"},
            )
            candidate_token = registered.json()["access_token"]
            await accept_notice(api, candidate_token)
            await api.post(
                "/api/v1/applications",
                json={"job_posting_id": jobs[1]["id"]},
                headers=auth(candidate_token),
            )

        cctx, candidate = await new_page(browser)
        await log_in(candidate, base, candidate_email)
        # Before applying: what the interview covers, how long, who sees it, who judges.
        await candidate.goto(f"{base}/jobs/{jobs[0]['id']}")
        briefing = candidate.get_by_role("region", name="About the interview")
        await expect(briefing).to_contain_text("within 30 minutes")
        await expect(briefing).to_contain_text("recruiters at Lumen")
        await expect(briefing).to_contain_text("automated judge")
        await check_page(candidate, "job-briefing")
        await candidate.set_viewport_size({"width": 390, "height": 844})
        await check_page(candidate, "job-briefing-phone")
        await candidate.set_viewport_size({"width": 1280, "height": 800})
        await candidate.get_by_role("button", name="Apply and get my interview").click()
        await expect(candidate.get_by_text("Application sent.")).to_be_visible()

        # Withdrawing asks first; Escape changes nothing and returns to the button.
        withdraw = candidate.get_by_role(
            "button", name=f"Withdraw application for {jobs[1]['title']}"
        )
        await withdraw.click()
        dialog = candidate.get_by_role("dialog")
        await expect(dialog).to_be_visible()
        await expect(dialog).to_contain_text("Lumen will no longer consider you")
        await expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
        await check_page(candidate, "confirm-withdraw")
        await candidate.keyboard.press("Escape")
        await expect(dialog).to_be_hidden()
        await expect(withdraw).to_be_focused()
        await expect(candidate.get_by_text("Application withdrawn.")).to_have_count(0)
        await withdraw.click()
        await dialog.get_by_role("button", name="Withdraw application").click()
        await expect(candidate.get_by_text("Application withdrawn.")).to_be_visible()

        # The interview counts down from the server's figure, and warns near the end.
        await candidate.get_by_role("button", name=re.compile("^Start interview")).click()
        await expect(candidate.locator("#q-number")).to_have_text("1")
        clock = candidate.locator("#clock-time")
        await expect(clock).to_have_text(re.compile(r"^29:5\d$"))
        first = await clock.inner_text()
        await expect(clock).not_to_have_text(first)  # it ticks
        interview_id = candidate.url.rsplit("/", 1)[1]
        await _started_ago(app, interview_id, 25 * 60 - 3)
        await candidate.reload()
        await expect(candidate.locator("#announcer")).to_contain_text(
            "5 minutes left", timeout=10_000
        )
        await expect(candidate.locator("#clock")).to_have_class(re.compile("clock-warning"))
        await check_page(candidate, "interview-clock-warning")
        await candidate.set_viewport_size({"width": 390, "height": 844})
        await check_page(candidate, "interview-clock-warning-phone")
        await candidate.set_viewport_size({"width": 1280, "height": 800})

        # Finishing early asks first: Cancel keeps the interview going.
        finish = candidate.get_by_role("button", name="Finish interview and see results")
        await finish.click()
        await expect(dialog).to_contain_text("You have answered 0 questions of up to")
        await dialog.get_by_role("button", name="Cancel").click()
        await expect(dialog).to_be_hidden()
        assert candidate.url.endswith(interview_id)
        await expect(
            candidate.get_by_label(re.compile("Your answer to question 1"))
        ).to_be_visible()
        await finish.click()
        await dialog.get_by_role("button", name="Finish interview").click()
        await candidate.wait_for_url("**/results")

        # The recruiter's final decision asks too, and says what the candidate will see.
        rctx, recruiter = await new_page(browser)
        await log_in(recruiter, base, recruiter_email)
        await recruiter.goto(f"{base}/recruiter/jobs/{jobs[0]['id']}/applicants")
        await recruiter.get_by_role("link", name="Review Bea Briefed").click()
        await recruiter.get_by_role("button", name="Rejected").click()
        rejection = recruiter.get_by_role("dialog", name="Reject Bea Briefed?")
        await expect(rejection).to_contain_text("This is final")
        await check_page(recruiter, "confirm-reject")
        await rejection.get_by_role("button", name="Cancel").click()
        await expect(recruiter.locator("#status-heading")).to_contain_text("Interview completed")
        await recruiter.get_by_role("button", name="Rejected").click()
        await rejection.get_by_role("button", name="Reject applicant").click()
        await expect(recruiter.locator("#status-heading")).to_contain_text("Rejected")
        await cctx.close()
        await rctx.close()

"""An invitation in a real browser against a real server, with a real SMTP server: the
recruiter invites on the posting's page, the server's outbox worker emails the link, the
invited person opens the link from that email, registers, applies and takes the whole
interview; the used link then gets its own page. Every page passes axe-core."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, expect

from hireloop.config import Settings
from tests.factories import PASSWORD, auth, job_payload
from tests.live_server import live_server, server_env
from tests.mail.helpers import LINK
from tests.mail.smtp import smtp_server
from tests.web.browser import CHROMIUM, check_page, create_recruiter, log_in, new_page
from tests.web.test_browser import answer_current_question, claims_answer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed"),
]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The test process's own app must not poll the outbox: its transactions would hold
    # SQLite's write lock while this test waits, synchronously, for the live server.
    return settings.model_copy(update={"outbox_worker_in_server": False})


async def _posting(base: str, email: str, title: str) -> str:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        login = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        token = login.json()["access_token"]
        created = await client.post(
            "/api/v1/job-postings", json=job_payload(title=title), headers=auth(token)
        )
        assert created.status_code == 201, created.text
        return str(created.json()["id"])


async def test_an_invited_candidate_applies_and_interviews_from_the_email(
    app: object, database_url: str, tmp_path: Path, browser: Browser
) -> None:
    recruiter_email = await create_recruiter(app)
    invitee = f"ivan-{uuid.uuid4().hex[:6]}@example.com"
    title = f"Invited Role {uuid.uuid4().hex[:5]}"
    with smtp_server() as inbox:
        env = server_env(
            database_url,
            str(tmp_path),
            HIRELOOP_MIN_QUESTIONS="4",
            HIRELOOP_MAX_QUESTIONS="5",
            HIRELOOP_SMTP_HOST="127.0.0.1",
            HIRELOOP_SMTP_PORT=str(inbox.port),
            HIRELOOP_SMTP_TLS="none",
            HIRELOOP_OUTBOX_POLL_SECONDS="0.5",
        )
        with live_server(env) as (base, _process):
            job_id = await _posting(base, recruiter_email, title)
            rctx, recruiter = await new_page(browser)
            await log_in(recruiter, base, recruiter_email)
            await recruiter.get_by_role("link", name=f"Invite candidates to {title}").click()
            await expect(
                recruiter.get_by_role("heading", name=f"Invite candidates to {title}")
            ).to_be_visible()
            await recruiter.get_by_role("button", name="Send invitations").click()
            await expect(recruiter.get_by_text("Enter at least one email address.")).to_be_visible()
            await check_page(recruiter, "invite-error")
            await recruiter.get_by_label("Email addresses").fill(invitee)
            await recruiter.get_by_role("button", name="Send invitations").click()
            await expect(recruiter.get_by_text("Invitations sent.")).to_be_visible()
            await expect(recruiter.locator("tbody")).to_contain_text(invitee)
            await check_page(recruiter, "invitations")

            [email] = await inbox.wait_for(1)
            assert email.envelope_to == [invitee]
            [link] = set(LINK.findall(email.text))
            assert link.startswith(f"{base}/invitations/") and link in email.html

            cctx, candidate = await new_page(browser)
            await candidate.goto(link)
            await expect(
                candidate.get_by_role("heading", name=f"You are invited to apply for {title}")
            ).to_be_visible()
            await check_page(candidate, "invitation-landing")
            await candidate.get_by_role("link", name="Create an account").click()
            await candidate.get_by_label("Full name").fill("Ivan Invited")
            await candidate.get_by_label("Email").fill(invitee)
            await candidate.get_by_label("Password").fill(PASSWORD)
            await candidate.get_by_role("button", name="Create account").click()
            await candidate.get_by_role("button", name="Accept and apply").click()
            await expect(
                candidate.get_by_text("You applied through your invitation.")
            ).to_be_visible()
            await check_page(candidate, "invitation-accepted")

            # The existing apply-and-interview flow: the notice first, then the interview.
            await candidate.get_by_role("button", name=re.compile("^Start interview")).click()
            await candidate.get_by_label(re.compile("I have read this notice")).check()
            await candidate.get_by_role("button", name="Accept the notice").click()
            await candidate.get_by_role("button", name=re.compile("^Start interview")).click()
            await expect(candidate.locator("#q-number")).to_have_text("1")
            for _ in range(8):
                if candidate.url.endswith("/results"):
                    break
                await answer_current_question(candidate, await claims_answer(candidate))
            await candidate.wait_for_url("**/results")
            await expect(candidate.get_by_role("heading", name="Overall score")).to_be_visible()

            # The "interview complete" email follows; the invitation shows as accepted.
            received = await inbox.wait_for(2)
            assert received[1].envelope_to == [invitee]
            assert received[1].message["Subject"] == f"Your interview for {title} is complete"
            await recruiter.reload()
            await expect(recruiter.locator("tbody")).to_contain_text("Accepted")

            # The link again: used.
            await candidate.goto(link)
            await expect(
                candidate.get_by_role("heading", name="This invitation has already been used")
            ).to_be_visible()
            await check_page(candidate, "invitation-used")
            assert job_id
            await cctx.close()
            await rctx.close()

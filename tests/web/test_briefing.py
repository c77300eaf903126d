"""Expectations up front and no surprises: what a candidate is told before an interview
starts, the countdown during it, and the confirmation asked before steps that cannot be
undone (the dialog itself runs in Chromium: test_browser.py)."""

from __future__ import annotations

import html
import re
import uuid
from datetime import timedelta
from typing import Any

from httpx import AsyncClient
from sqlalchemy import update

from hireloop.auth.models import UserRole
from hireloop.config import Settings
from hireloop.db import utcnow
from hireloop.interviews.models import Interview
from tests.factories import apply, auth, create_job, create_staff_user, register_candidate
from tests.web.forms import CONFIRMED, submit, web_login


def _briefing(page: str) -> str:
    found = re.search(r'<section class="briefing".*?</section>', page, re.S)
    assert found, "no briefing on the page"
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0))))


async def _candidate_with_application(client: AsyncClient, app: object) -> dict[str, Any]:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter, company="Brightwave Labs")
    candidate = await register_candidate(client, name="Bea Briefed")
    application = await apply(client, candidate["access_token"], job["id"])
    await web_login(client, candidate["user"]["email"])
    return {"recruiter": recruiter, "job": job, "candidate": candidate, "app": application}


async def test_a_job_page_says_what_its_interview_will_be(
    client: AsyncClient, app: object, settings: Settings
) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter, company="Brightwave Labs")
    # A visitor reads it before even registering.
    told = _briefing((await client.get(f"/jobs/{job['id']}")).text)
    assert all(skill in told.lower() for skill in ("postgresql", "docker", "system design"))
    assert f"{settings.min_questions} to {settings.max_questions} questions" in told
    assert f"within {settings.time_limit_minutes} minutes" in told
    assert "warns you 5 minutes before the end" in told
    assert "leave and come back" in told and "ends without results" in told
    assert "recruiters at Brightwave Labs" in told
    assert "automated judge" in told and "quoted from your answer" in told
    # The recruiter who posted it has no interview to take: no briefing for them.
    await web_login(
        client, (await client.get("/api/v1/auth/me", headers=auth(recruiter))).json()["email"]
    )
    assert 'class="briefing"' not in (await client.get(f"/jobs/{job['id']}")).text


async def test_practice_is_private_and_the_scheduled_interview_repeats_the_briefing(
    client: AsyncClient, app: object
) -> None:
    made = await _candidate_with_application(client, app)
    practice = _briefing((await client.get("/practice")).text)
    assert "Only you" in practice and "not shared with recruiters" in practice
    interview_id = made["app"]["interview"]["id"]
    scheduled = await client.get(f"/interviews/{interview_id}")
    assert scheduled.status_code == 200
    told = _briefing(scheduled.text)
    assert "recruiters at Brightwave Labs" in told and "Docker" in told
    assert 'id="clock"' not in scheduled.text  # nothing is counting down yet


async def _start(client: AsyncClient, made: dict[str, Any]) -> str:
    started = await submit(client, "/applications", f"/applications/{made['app']['id']}/start")
    assert started.status_code == 303, started.text
    return str(started.headers["location"])


async def _started_ago(app: Any, interview_url: str, minutes: float) -> None:
    interview_id = uuid.UUID(interview_url.rsplit("/", 1)[1])
    async with app.state.sessionmaker() as session:
        await session.execute(
            update(Interview)
            .where(Interview.id == interview_id)
            .values(started_at=utcnow() - timedelta(minutes=minutes))
        )
        await session.commit()


def _clock(page: str) -> tuple[int, str]:
    found = re.search(r'<p id="clock" class="([^"]*)" data-seconds-left="(\d+)"', page)
    assert found, "no countdown on the page"
    return int(found.group(2)), found.group(1)


async def test_the_countdown_shows_the_time_left_and_warns_near_the_end(
    client: AsyncClient, app: object, settings: Settings
) -> None:
    made = await _candidate_with_application(client, app)
    url = await _start(client, made)
    left, classes = _clock((await client.get(url)).text)
    limit = settings.time_limit_minutes * 60
    assert limit - 60 <= left <= limit and "clock-warning" not in classes
    await _started_ago(app, url, settings.time_limit_minutes - 3)
    left, classes = _clock((await client.get(url)).text)
    assert 120 <= left <= 180 and "clock-warning" in classes
    await _started_ago(app, url, settings.time_limit_minutes + 1)
    page = (await client.get(url)).text
    left, classes = _clock(page)
    assert left == 0 and "clock-warning" in classes
    assert "Time is up: your next answer is the last one." in page
    # And it is: the next answer ends the interview, as the page said.
    question = re.search(r'name="question_id" value="([^"]+)"', page)
    assert question
    answered = await submit(
        client, url, f"{url}/answer", {"content": "My last answer.", "question_id": question[1]}
    )
    assert answered.status_code == 303 and answered.headers["location"].endswith("/results")


async def test_steps_that_cannot_be_undone_ask_first(client: AsyncClient, app: object) -> None:
    made = await _candidate_with_application(client, app)
    applications = (await client.get("/applications")).text
    withdraw = re.search(r'<form[^>]*action="/applications/[^"]+/withdraw"[^>]*>', applications)
    assert withdraw and "will no longer consider you" in html.unescape(withdraw.group(0))
    assert 'data-confirm-action="Withdraw application"' in withdraw.group(0)
    url = await _start(client, made)
    finish = re.search(r'<form[^>]*action="[^"]+/finish"[^>]*>', (await client.get(url)).text, re.S)
    assert finish
    finish_text = html.unescape(finish.group(0))
    assert "You have answered 0 questions" in finish_text
    assert "shown to the recruiters at Brightwave Labs" in finish_text
    # The recruiter's final decisions ask too; "Under review" can still change, so it does not.
    await submit(client, "/applications", f"{url}/finish", CONFIRMED)
    me = (await client.get("/api/v1/auth/me", headers=auth(made["recruiter"]))).json()
    client.cookies.clear()  # the recruiter signs in on another browser
    await web_login(client, me["email"])
    page = (await client.get(f"/recruiter/applications/{made['app']['id']}")).text
    buttons = {
        found.group(1): found.group(0)
        for found in re.finditer(r'<button type="submit" name="status" value="(\w+)"[^>]*>', page)
    }
    assert set(buttons) == {"under_review", "rejected", "offered"}
    assert "data-confirm" not in buttons["under_review"]
    assert "Offer the job to Bea Briefed?" in buttons["offered"]
    assert "Reject Bea Briefed?" in buttons["rejected"] and "final" in buttons["rejected"]

"""Candidates hear when their interview is complete and when a recruiter decides;
recruiters get a digest of completed interviews. Each email is queued with its change."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from hireloop.auth.models import UserRole
from hireloop.mail.digest import digest_once
from tests.factories import auth, create_job, create_staff_user, register_candidate
from tests.mail.conftest import deliver_all
from tests.mail.helpers import email_of
from tests.mail.smtp import Inbox
from tests.recruiter.helpers import application_in, finish, move


async def test_a_completed_interview_and_each_decision_are_emailed(
    app: Any, client: AsyncClient, inbox: Inbox
) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter, title="Site Reliability Engineer")
    made = await application_in(client, recruiter, job["id"], "interview_completed")
    other = await application_in(client, recruiter, job["id"], "interview_scheduled")
    email = made["user"]["email"]
    await deliver_all(app)
    [completed] = inbox.to(email)
    assert (
        completed.message["Subject"] == "Your interview for Site Reliability Engineer is complete"
    )
    interview_id = made["application"]["interview"]["id"]
    link = f"http://hireloop.test/interviews/{interview_id}/results"
    assert link in completed.text and link in completed.html
    assert made["user"]["full_name"] in completed.text
    assert inbox.to(other["user"]["email"]) == []  # nothing about an interview not taken

    app_id = made["application"]["id"]
    assert (await move(client, recruiter, app_id, "under_review"))[0] == 200
    assert (await move(client, recruiter, app_id, "offered"))[0] == 200
    await deliver_all(app)
    # One batch is sent at once: the two decisions may arrive in either order.
    by_subject = {m.message["Subject"]: m for m in inbox.to(email)[1:]}
    assert sorted(by_subject) == [
        "Your application for Site Reliability Engineer: offered",
        "Your application for Site Reliability Engineer: under review",
    ]
    offered = by_subject["Your application for Site Reliability Engineer: offered"]
    assert "make you an offer" in offered.text and "make you an offer" in offered.html
    assert other["user"]["email"] not in offered.text + offered.html


async def test_a_refused_change_sends_nothing(app: Any, client: AsyncClient, inbox: Inbox) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    made = await application_in(client, recruiter, job["id"], "interview_in_progress")
    # Not allowed while the interview runs: the request rolls back, and its email with it.
    status, _body = await move(client, recruiter, made["application"]["id"], "offered")
    assert status == 409
    # Someone else's posting: refused before anything is written.
    intruder = await create_staff_user(app, UserRole.recruiter, "Ivy Intruder")
    status, _body = await move(client, intruder, made["application"]["id"], "rejected")
    assert status == 403
    assert await deliver_all(app) == 0
    assert inbox.messages == []


async def test_the_digest_lists_each_interview_once_to_its_own_recruiter(
    app: Any, client: AsyncClient, inbox: Inbox
) -> None:
    settings = app.state.settings
    maker = app.state.sessionmaker
    assert await digest_once(maker, settings) == 0  # nothing happened: no digest

    rita = await create_staff_user(app, UserRole.recruiter, "Rita Recruiter")
    sam = await create_staff_user(app, UserRole.recruiter, "Sam Staffer")
    rita_job = await create_job(client, rita, title="Rita's Backend Role")
    sam_job = await create_job(client, sam, title="Sam's Frontend Role")
    first = await application_in(client, rita, rita_job["id"], "interview_completed")
    second = await application_in(client, rita, rita_job["id"], "interview_completed")
    sams = await application_in(client, sam, sam_job["id"], "interview_completed")
    await application_in(client, rita, rita_job["id"], "interview_in_progress")
    await deliver_all(app)
    inbox.messages.clear()

    assert await digest_once(maker, settings) == 2
    await deliver_all(app)
    [digest] = inbox.to(await email_of(client, rita))
    assert digest.message["Subject"] == "2 interviews completed for your postings"
    for made in (first, second):
        name = made["user"]["full_name"]
        link = f"http://hireloop.test/recruiter/applications/{made['application']['id']}"
        assert name in digest.text and link in digest.text and link in digest.html
    # Sam's candidate is in Sam's digest only.
    assert sams["application"]["id"] not in digest.text + digest.html
    assert len(inbox.messages) == 2

    # Nothing new: no digest. A new completion: only that one.
    inbox.messages.clear()
    assert await digest_once(maker, settings) == 0
    late = await application_in(client, rita, rita_job["id"], "interview_in_progress")
    await finish(client, late["token"], late["application"]["interview"]["id"])
    await deliver_all(app)
    inbox.messages.clear()
    assert await digest_once(maker, settings) == 1
    await deliver_all(app)
    [only] = inbox.messages
    assert only.message["Subject"] == "1 interview completed for your postings"
    assert late["application"]["id"] in only.text
    assert first["application"]["id"] not in only.text


async def test_a_practice_interview_sends_no_email(
    app: Any, client: AsyncClient, inbox: Inbox
) -> None:
    candidate = await register_candidate(client)
    token = candidate["access_token"]
    started = await client.post(
        "/api/v1/interviews/start",
        json={"role_type": "python"},
        headers=auth(token),
    )
    assert started.status_code == 201, started.text
    await finish(client, token, started.json()["id"])
    assert await deliver_all(app) == 0

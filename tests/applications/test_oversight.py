"""Human oversight (issue 18): who decided a status and when, the score said to be advice,
and a candidate's request for a human review, through the API and the pages."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from hireloop.auth.models import UserRole
from tests.factories import auth, create_job, create_staff_user
from tests.recruiter.helpers import application_in, applied, finish, move, start
from tests.web.forms import csrf_of, staff_page_login, web_login

REVIEW = "/api/v1/applications/{}/human-review"


async def _completed(client: AsyncClient, app: Any) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """A recruiter's job and a candidate whose interview for it is completed."""
    recruiter = await create_staff_user(app, UserRole.recruiter, name="Rita Recruiter")
    job = await create_job(client, recruiter)
    made = await application_in(client, recruiter, job["id"], "interview_completed")
    return recruiter, job, made


async def test_a_status_decision_records_who_and_when(client: AsyncClient, app: Any) -> None:
    recruiter, job, made = await _completed(client, app)
    app_id = made["application"]["id"]
    before = await client.get(f"/api/v1/applications/{app_id}", headers=auth(made["token"]))
    assert before.json()["status_decided_by_id"] is None
    assert before.json()["status_decided_at"] is None
    status, body = await move(client, recruiter, app_id, "under_review")
    assert status == 200
    me = (await client.get("/api/v1/auth/me", headers=auth(recruiter))).json()
    assert body["status_decided_by_id"] == me["id"] and body["status_decided_at"]
    listed = await client.get(
        f"/api/v1/job-postings/{job['id']}/applications", headers=auth(recruiter)
    )
    item = listed.json()["items"][0]
    assert item["status_decided_by"] == {"id": me["id"], "full_name": "Rita Recruiter"}
    assert item["status_decided_at"] == body["status_decided_at"]
    await staff_page_login(client, recruiter)
    page = await client.get(f"/recruiter/applications/{app_id}")
    assert "Status decided by Rita Recruiter" in page.text
    assert "The interview score is advice" in page.text


async def test_results_say_the_score_is_advice(client: AsyncClient, app: Any) -> None:
    _recruiter, _job, made = await _completed(client, app)
    interview_id = made["application"]["interview"]["id"]
    results = await client.get(
        f"/api/v1/interviews/{interview_id}/results", headers=auth(made["token"])
    )
    assert "a person" in results.json()["advisory"] and "advice" in results.json()["advisory"]
    await web_login(client, made["user"]["email"])
    page = await client.get(f"/interviews/{interview_id}/results")
    assert "The score is advice" in page.text and "a person decides" in page.text
    assert "Request a human review" in page.text


async def test_human_review_request_flow(client: AsyncClient, app: Any) -> None:
    recruiter, job, made = await _completed(client, app)
    app_id, token = made["application"]["id"], made["token"]
    state = await client.get(REVIEW.format(app_id), headers=auth(token))
    assert state.json() == {"requested": False, "request": None}
    asked = await client.post(
        REVIEW.format(app_id),
        json={"message": "My answer on indexes was cut off."},
        headers=auth(token),
    )
    assert asked.status_code == 201, asked.text
    assert asked.json()["message"] == "My answer on indexes was cut off."
    assert asked.json()["handled_at"] is None
    again = await client.post(REVIEW.format(app_id), json={}, headers=auth(token))
    assert again.status_code == 409
    assert again.json()["code"] == "human_review_already_requested"

    listed = await client.get(
        f"/api/v1/job-postings/{job['id']}/applications", headers=auth(recruiter)
    )
    flagged = listed.json()["items"][0]["human_review"]
    assert flagged["id"] == asked.json()["id"] and flagged["handled_at"] is None
    seen = await client.get(REVIEW.format(app_id), headers=auth(recruiter))
    assert seen.json()["requested"] is True

    handled = await client.post(f"{REVIEW.format(app_id)}/handled", headers=auth(recruiter))
    assert handled.status_code == 200 and handled.json()["handled_at"]
    twice = await client.post(f"{REVIEW.format(app_id)}/handled", headers=auth(recruiter))
    assert twice.json()["handled_at"] == handled.json()["handled_at"]  # the first is kept
    mine = await client.get(REVIEW.format(app_id), headers=auth(token))
    assert mine.json()["request"]["handled_at"] == handled.json()["handled_at"]

    # Handling it is a recruiter's action on a person's data: in the audit log, once.
    admin = await create_staff_user(app, UserRole.admin, "Ada Admin")
    log = await client.get(
        "/api/v1/admin/audit", params={"action": "human_review.handled"}, headers=auth(admin)
    )
    entries = log.json()["items"]
    assert [(e["subject_id"], e["person_id"]) for e in entries] == [
        (app_id, made["application"]["candidate_id"])
    ]


async def test_human_review_access_and_input_rules(client: AsyncClient, app: Any) -> None:
    recruiter, job, made = await _completed(client, app)
    app_id = made["application"]["id"]
    other = await applied(client, job["id"], "Otto Other")
    # Someone else's application: refused, nothing recorded.
    refused = await client.post(REVIEW.format(app_id), json={}, headers=auth(other["token"]))
    assert refused.status_code == 403
    peek = await client.get(REVIEW.format(app_id), headers=auth(other["token"]))
    assert peek.status_code == 403
    # The candidate cannot mark it handled; another recruiter cannot either.
    stranger = await create_staff_user(app, UserRole.recruiter, name="Sam Stranger")
    for token, code in ((made["token"], 403), (stranger, 403)):
        response = await client.post(f"{REVIEW.format(app_id)}/handled", headers=auth(token))
        assert response.status_code == code
    nothing = await client.post(f"{REVIEW.format(app_id)}/handled", headers=auth(recruiter))
    assert nothing.status_code == 404 and nothing.json()["code"] == "no_human_review_request"
    # Before the interview is completed there is no result to review.
    early = await client.post(
        REVIEW.format(other["application"]["id"]), json={}, headers=auth(other["token"])
    )
    assert early.status_code == 409 and early.json()["code"] == "no_result_to_review"
    unknown = await client.post(
        REVIEW.format("00000000-0000-4000-8000-000000000000"), headers=auth(made["token"])
    )
    assert unknown.status_code == 404
    too_long = await client.post(
        REVIEW.format(app_id), json={"message": "x" * 1001}, headers=auth(made["token"])
    )
    assert too_long.status_code == 422 and "message" in too_long.json()["detail"]
    assert (await client.post(REVIEW.format(app_id), json={})).status_code == 401
    # Without a body at all the request is still fine (the message is optional).
    ok = await client.post(REVIEW.format(app_id), headers=auth(made["token"]))
    assert ok.status_code == 201 and ok.json()["message"] is None


async def test_human_review_through_the_pages(client: AsyncClient, app: Any) -> None:
    recruiter, job, made = await _completed(client, app)
    app_id = made["application"]["id"]
    interview_id = made["application"]["interview"]["id"]
    await web_login(client, made["user"]["email"])
    results = await client.get(f"/interviews/{interview_id}/results")
    too_long = await client.post(
        f"/applications/{app_id}/human-review",
        data={"message": "y" * 1001, "csrf_token": csrf_of(results)},
    )
    assert too_long.status_code == 422 and "1000 characters" in too_long.text
    sent = await client.post(
        f"/applications/{app_id}/human-review",
        data={"message": "Please read my system design answer.", "csrf_token": csrf_of(results)},
    )
    assert sent.status_code == 303
    assert sent.headers["location"].startswith(f"/interviews/{interview_id}/results")
    shown = await client.get(sent.headers["location"])
    assert "a person will review your result" in shown.text
    assert "You asked on" in shown.text and "Request a human review" not in shown.text
    again = await client.post(
        f"/applications/{app_id}/human-review", data={"csrf_token": csrf_of(results)}
    )
    assert again.status_code == 409

    await staff_page_login(client, recruiter)
    listing = await client.get(f"/recruiter/jobs/{job['id']}/applicants")
    assert "Human review requested" in listing.text
    page = await client.get(f"/recruiter/applications/{app_id}")
    assert "Please read my system design answer." in page.text
    assert "Mark the review as handled" in page.text
    handled = await client.post(
        f"/recruiter/applications/{app_id}/human-review/handled",
        data={"csrf_token": csrf_of(page)},
    )
    assert handled.status_code == 303
    page = await client.get(handled.headers["location"])
    assert "Marked as handled on" in page.text
    listing = await client.get(f"/recruiter/jobs/{job['id']}/applicants")
    assert "Human review requested" not in listing.text


async def test_a_practice_interview_has_no_review_form(client: AsyncClient, app: Any) -> None:
    made = await applied(client, (await _job(client, app))["id"])
    practice = await client.post(
        "/api/v1/interviews/start", json={"role_type": "python"}, headers=auth(made["token"])
    )
    await finish(client, made["token"], practice.json()["id"])
    await web_login(client, made["user"]["email"])
    page = await client.get(f"/interviews/{practice.json()['id']}/results")
    assert page.status_code == 200 and "Request a human review" not in page.text
    # A job interview in progress: not yet.
    started = await start(client, made["token"], made["application"]["id"])
    assert started["status"] == "in_progress"


async def _job(client: AsyncClient, app: Any) -> dict[str, Any]:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    return await create_job(client, recruiter)

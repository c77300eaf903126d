"""Voluntary self-identification: a candidate gives, changes, declines and deletes their
answers through the API and the profile page; nobody else reads them one by one."""

from __future__ import annotations

import uuid
from typing import Any

from httpx import ASGITransport, AsyncClient
from sqlalchemy import func, select

from hireloop.auth.models import User, UserRole
from hireloop.fairness.models import SelfIdentification
from tests.factories import PASSWORD, auth, create_staff_user, register_candidate
from tests.web.forms import csrf_of, submit, web_register

ME = "/api/v1/me/self-identification"


async def test_set_change_decline_and_delete_through_the_api(client: AsyncClient) -> None:
    token = (await register_candidate(client))["access_token"]
    missing = await client.get(ME, headers=auth(token))
    assert missing.status_code == 404
    assert missing.json()["code"] == "self_identification_not_provided"

    saved = await client.put(
        ME, json={"sex": "female", "race_ethnicity": "asian"}, headers=auth(token)
    )
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert (body["sex"], body["race_ethnicity"]) == ("female", "asian")
    assert (body["sex_label"], body["race_ethnicity_label"]) == ("Female", "Asian")

    changed = await client.put(
        ME,
        json={"sex": "decline_to_answer", "race_ethnicity": "native_hawaiian_or_pacific_islander"},
        headers=auth(token),
    )
    assert changed.status_code == 200
    read = (await client.get(ME, headers=auth(token))).json()
    assert read["sex_label"] == "Decline to answer"
    assert read["race_ethnicity_label"] == "Native Hawaiian or Pacific Islander"

    assert (await client.delete(ME, headers=auth(token))).status_code == 204
    assert (await client.get(ME, headers=auth(token))).status_code == 404
    assert (await client.delete(ME, headers=auth(token))).status_code == 204, "idempotent"


async def test_bad_answers_are_422_with_a_message(client: AsyncClient) -> None:
    token = (await register_candidate(client))["access_token"]
    for payload in (
        {"sex": "other", "race_ethnicity": "white"},
        {"sex": "male"},
        {"sex": "male", "race_ethnicity": "white", "religion": "none"},
        {"sex": None, "race_ethnicity": "white"},
    ):
        response = await client.put(ME, json=payload, headers=auth(token))
        assert response.status_code == 422, payload
        assert response.json()["detail"]
    not_json = await client.put(
        ME, content=b"{", headers={**auth(token), "Content-Type": "application/json"}
    )
    assert not_json.status_code == 422
    assert (await client.get(ME, headers=auth(token))).status_code == 404


async def test_each_person_sees_only_their_own_and_staff_are_refused(
    client: AsyncClient, app: Any
) -> None:
    first = (await register_candidate(client))["access_token"]
    second = (await register_candidate(client))["access_token"]
    answers = {"sex": "male", "race_ethnicity": "white"}
    assert (await client.put(ME, json=answers, headers=auth(first))).status_code == 200
    assert (await client.get(ME, headers=auth(second))).status_code == 404
    assert (await client.delete(ME, headers=auth(second))).status_code == 204
    assert (await client.get(ME, headers=auth(first))).json()["sex"] == "male"

    assert (await client.get(ME)).status_code == 401
    assert (await client.put(ME, json=answers)).status_code == 401
    for role in (UserRole.recruiter, UserRole.admin):
        staff = await create_staff_user(app, role)
        refused = await client.put(ME, json=answers, headers=auth(staff))
        assert refused.status_code == 403 and refused.json()["code"] == "candidates_only"


async def test_answers_are_deleted_with_the_account(client: AsyncClient, app: Any) -> None:
    token = (await register_candidate(client))["access_token"]
    answers = {"sex": "female", "race_ethnicity": "white"}
    assert (await client.put(ME, json=answers, headers=auth(token))).status_code == 200
    me = (await client.get("/api/v1/auth/me", headers=auth(token))).json()
    async with app.state.sessionmaker() as session:
        await session.delete(await session.get(User, uuid.UUID(me["id"])))
        await session.commit()
        count = await session.scalar(select(func.count()).select_from(SelfIdentification))
    assert count == 0, "ON DELETE CASCADE"


async def test_profile_page_section(client: AsyncClient) -> None:
    email = "selfid-page@example.com"
    await web_register(client, email)
    token = (
        await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    ).json()["access_token"]

    page = await client.get("/profile")
    text = page.text
    assert "Voluntary self-identification" in text
    assert "It is optional" in text and "Recruiters never see your answers" in text
    assert "Admins see them only counted in groups" in text
    assert "You have not answered these questions." in text
    assert '<option value="native_hawaiian_or_pacific_islander">' in text
    assert "Two or More Races" in text and "Delete my answers" not in text

    saved = await submit(
        client,
        "/profile",
        "/profile/self-identification",
        {"sex": "female", "race_ethnicity": "hispanic_or_latino"},
    )
    assert saved.status_code == 303
    assert saved.headers["location"].startswith("/profile?notice=self_identification_saved")
    shown = await client.get(saved.headers["location"])
    assert "Your answers are saved" in shown.text
    assert "<dd>Hispanic or Latino</dd>" in shown.text and "<dd>Female</dd>" in shown.text
    assert '<option value="female" selected>' in shown.text
    assert (await client.get(ME, headers=auth(token))).json()["race_ethnicity"] == (
        "hispanic_or_latino"
    )

    # Declining is an answer; leaving a question unchosen is not (the page says so).
    declined = await submit(
        client,
        "/profile",
        "/profile/self-identification",
        {"sex": "decline_to_answer", "race_ethnicity": "decline_to_answer"},
    )
    assert declined.status_code == 303
    assert (await client.get(ME, headers=auth(token))).json()["sex"] == "decline_to_answer"
    unchosen = await submit(
        client, "/profile", "/profile/self-identification", {"sex": "", "race_ethnicity": "made_up"}
    )
    assert unchosen.status_code == 422
    assert unchosen.text.count("Choose an answer, or Decline to answer.") == 2
    assert 'aria-invalid="true"' in unchosen.text
    assert (await client.get(ME, headers=auth(token))).json()["sex"] == "decline_to_answer"

    deleted = await submit(client, "/profile", "/profile/self-identification/delete")
    assert deleted.status_code == 303
    assert "self_identification_deleted" in deleted.headers["location"]
    assert (await client.get(ME, headers=auth(token))).status_code == 404


async def test_profile_forms_need_the_csrf_token_and_staff_are_refused(
    client: AsyncClient, app: Any
) -> None:
    await web_register(client, "selfid-csrf@example.com")
    page = await client.get("/profile")
    assert csrf_of(page)
    forged = await client.post(
        "/profile/self-identification", data={"sex": "male", "race_ethnicity": "white"}
    )
    assert forged.status_code == 403
    assert (await client.post("/profile/self-identification/delete")).status_code == 403

    staff = await create_staff_user(app, UserRole.recruiter)
    me = (await client.get("/api/v1/auth/me", headers=auth(staff))).json()
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as browser:
        await submit(browser, "/login", "/login", {"email": me["email"], "password": PASSWORD})
        staff_page = await browser.get("/profile")
        assert "Voluntary self-identification" not in staff_page.text
        refused = await submit(
            browser,
            "/profile",
            "/profile/self-identification",
            {"sex": "male", "race_ethnicity": "white"},
        )
        assert refused.status_code == 403 and "Only candidates" in refused.text


async def test_export_and_erasure_hooks(client: AsyncClient, app: Any) -> None:
    from hireloop.fairness import service

    token = (await register_candidate(client))["access_token"]
    other = (await register_candidate(client))["access_token"]
    for who in (token, other):
        answers = {"sex": "male", "race_ethnicity": "asian"}
        assert (await client.put(ME, json=answers, headers=auth(who))).status_code == 200
    me = uuid.UUID((await client.get("/api/v1/auth/me", headers=auth(token))).json()["id"])
    async with app.state.sessionmaker() as session:
        exported = await service.export_of(session, me)
        assert exported is not None
        assert (exported["sex"], exported["race_ethnicity_label"]) == ("male", "Asian")
        assert await service.erase(session, me) == 1
        await session.commit()
        assert await service.export_of(session, me) is None
    assert (await client.get(ME, headers=auth(token))).status_code == 404
    assert (await client.get(ME, headers=auth(other))).status_code == 200, "only theirs"

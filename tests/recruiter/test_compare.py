"""The recruiter's applicants list (coverage and flags beside the score) and the
side-by-side comparison of 2-4 chosen applicants of one posting, per skill."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

from httpx import AsyncClient

from hireloop.auth.models import UserRole
from tests.factories import auth, create_job, create_staff_user
from tests.interviews.simulate import Answerer, strong_answer, take_interview, weak_answer
from tests.recruiter.helpers import applied, finish, start
from tests.web.forms import web_login


async def _interviewed(
    client: AsyncClient, job_id: str, name: str, answerer: Answerer
) -> dict[str, Any]:
    made = await applied(client, job_id, name)
    started = await start(client, made["token"], made["application"]["id"])
    await take_interview(client, made["token"], started, answerer)
    return made


@asynccontextmanager
async def _browser_of(client: AsyncClient, token: str) -> AsyncIterator[AsyncClient]:
    """A signed-in browser (cookies) for the staff user behind an API token."""
    me = (await client.get("/api/v1/auth/me", headers=auth(token))).json()
    transport = client._transport  # type: ignore[attr-defined]
    async with AsyncClient(transport=transport, base_url="http://test") as browser:
        await web_login(browser, me["email"])
        yield browser


def _compare_url(job_id: str, *application_ids: str) -> str:
    query = "&".join(f"application={i}" for i in application_ids)
    return f"/recruiter/jobs/{job_id}/compare?{query}"


def _cells(page: str, row_header: str) -> list[str]:
    """The text of each cell in the comparison row headed ``row_header``."""
    row = re.search(
        r'<th scope="row">' + re.escape(html.escape(row_header)) + r"</th>(.*?)</tr>",
        page,
        re.S,
    )
    assert row, f"no row {row_header!r}"
    cells = re.findall(r"<td>(.*?)</td>", row.group(1), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells]


async def test_applicants_list_shows_coverage_and_flags_and_picks_those_with_results(
    client: AsyncClient, app: object
) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    weak = await _interviewed(client, job["id"], "Will Weak", weak_answer)
    early = await applied(client, job["id"], "Eve Early")
    started = await start(client, early["token"], early["application"]["id"])
    await finish(client, early["token"], started["id"])  # stops before any answer
    waiting = await applied(client, job["id"], "Wes Waiting")

    async with _browser_of(client, recruiter) as browser:
        page = (await browser.get(f"/recruiter/jobs/{job['id']}/applicants")).text
    rows = {
        name: row
        for row in re.findall(r"<tr>(.*?)</tr>", page, re.S)
        for name in ("Will Weak", "Eve Early", "Wes Waiting")
        if name in row
    }
    # Coverage and flags sit beside the score: a stop after no answers says so.
    assert re.search(r"0 of \d+ questions", rows["Eve Early"])
    assert "Ended early" in rows["Eve Early"] and "Needs review" in rows["Eve Early"]
    assert re.search(r"\d+ of \d+ questions", rows["Will Weak"])
    # Only applicants with results can be ticked for a comparison.
    for made, can_pick in ((weak, True), (early, True), (waiting, False)):
        box = f'name="application" value="{made["application"]["id"]}"'
        assert (box in page) is can_pick, made["application"]["id"]
    assert 'action="/recruiter/jobs/' + job["id"] + '/compare"' in page


async def test_recruiter_compares_chosen_applicants_skill_by_skill(
    client: AsyncClient, app: object
) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    strong = await _interviewed(client, job["id"], "Stella Strong", strong_answer)
    weak = await _interviewed(client, job["id"], "Will Weak", weak_answer)
    strong_id, weak_id = strong["application"]["id"], weak["application"]["id"]

    async with _browser_of(client, recruiter) as browser:
        # In the order chosen, not the ranking's.
        response = await browser.get(_compare_url(job["id"], weak_id, strong_id))
    assert response.status_code == 200, response.text
    page = response.text
    assert page.index("Will Weak") < page.index("Stella Strong")
    results = {
        made["application"]["id"]: (
            await client.get(
                f"/api/v1/interviews/{made['application']['interview']['id']}/results",
                headers=auth(made["token"]),
            )
        ).json()
        for made in (strong, weak)
    }
    weak_result, strong_result = results[weak_id], results[strong_id]
    overall = _cells(page, "Overall score")
    assert overall[0].startswith(f"{round(weak_result['overall_score'])} / 100")
    assert overall[1].startswith(f"{round(strong_result['overall_score'])} / 100")
    coverage = strong_result["coverage"]
    assert _cells(page, "Coverage")[1] == (
        f"{coverage['questions_asked']} of {coverage['questions_planned']} questions; "
        f"{coverage['skills_assessed']} of {coverage['skills_planned']} skills assessed"
    )
    assert _cells(page, "Confidence")[1] == strong_result["confidence"].capitalize()
    # Per skill: score, level, answers and points, confidence for each applicant.
    for skill in strong_result["skill_results"]:
        weak_cell, strong_cell = _cells(page, skill["skill_name"])
        if skill["score"] is None:
            assert strong_cell.startswith("Not assessed")
            continue
        assert strong_cell.startswith(str(round(skill["score"])))
        assert skill["level"].replace("_", " ").capitalize() in strong_cell
        made = len(skill["credited"])
        assert f"{made} of {made + len(skill['missed'])} points made" in strong_cell
        assert f"{skill['confidence'].capitalize()} confidence" in strong_cell
        weak_skill = next(
            s for s in weak_result["skill_results"] if s["skill_id"] == skill["skill_id"]
        )
        if weak_skill["score"] is None:
            assert weak_cell.startswith("Not assessed")
        if weak_skill["score"] is None or weak_skill["score"] < skill["score"]:
            assert "Highest" in strong_cell and "Highest" not in weak_cell
    # The weak answers credited nothing: too little evidence, flagged for a person.
    assert "Needs review" in _cells(page, "Recommendation")[0]
    assert "Most skills not assessed" in _cells(page, "Flags")[0]


async def test_a_comparison_takes_two_to_four_applicants(client: AsyncClient, app: object) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    ids = [
        (await applied(client, job["id"], f"Applicant {n}"))["application"]["id"] for n in range(5)
    ]
    async with _browser_of(client, recruiter) as browser:
        for chosen in ([], ids[:1], [ids[0], ids[0]], ids):
            response = await browser.get(_compare_url(job["id"], *chosen))
            assert response.status_code == 303, chosen
            target = urlsplit(response.headers["location"])
            assert target.path == f"/recruiter/jobs/{job['id']}/applicants"
            query = parse_qs(target.query)
            assert query["notice"] == ["compare_choose"]
            # The choice comes back ticked, to be changed rather than made again.
            assert query.get("application", []) == list(dict.fromkeys(chosen))
        back = await browser.get(response.headers["location"])
        assert "tick between 2 and 4 of them" in back.text
        # Four is the most; applicants without results yet are shown as such.
        four = await browser.get(_compare_url(job["id"], *ids[:4]))
        assert four.status_code == 200
        assert _cells(four.text, "Overall score") == ["No results yet"] * 4


async def test_only_applicants_of_that_posting_by_its_recruiters(
    client: AsyncClient, app: object
) -> None:
    owner = await create_staff_user(app, UserRole.recruiter)
    other = await create_staff_user(app, UserRole.recruiter, name="Other Recruiter")
    admin = await create_staff_user(app, UserRole.admin, name="Ada Admin")
    job = await create_job(client, owner)
    elsewhere = await create_job(client, other, title="Another company's job")
    mine = [(await applied(client, job["id"], f"Mine {n}"))["application"]["id"] for n in range(2)]
    theirs = await applied(client, elsewhere["id"], "Olga Otherjob")
    url = _compare_url(job["id"], *mine)

    async with _browser_of(client, owner) as browser:
        assert (await browser.get(url)).status_code == 200
        # An application to another posting (someone else's) is not found, and not named.
        for sneaked in (
            theirs["application"]["id"],
            "not-an-id",
            "00000000-0000-4000-8000-000000000000",
        ):
            refused = await browser.get(_compare_url(job["id"], mine[0], sneaked))
            assert refused.status_code == 404, sneaked
            assert "Olga" not in refused.text and theirs["user"]["email"] not in refused.text
        # Nor through the other posting's address: that job is not theirs.
        other_job = await browser.get(
            _compare_url(elsewhere["id"], mine[0], theirs["application"]["id"])
        )
        assert other_job.status_code == 403 and "Olga" not in other_job.text
    async with _browser_of(client, other) as browser:
        page = await browser.get(url)
        assert page.status_code == 403 and "Mine 0" not in page.text
    async with _browser_of(client, admin) as browser:
        assert (await browser.get(url)).status_code == 200
    async with _browser_of(client, theirs["token"]) as candidate:
        page = await candidate.get(url)
        assert page.status_code == 403 and "Mine 0" not in page.text

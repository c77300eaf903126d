"""Small factories per domain, used through the public API where a user would act."""

from __future__ import annotations

import itertools
import json
import uuid
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hireloop.auth.models import UserRole
from hireloop.auth.schemas import UserCreate
from hireloop.auth.security import create_access_token
from hireloop.auth.service import register_user

PASSWORD = "correct-horse-9"
_counter = itertools.count(1)


def logged_events(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """The app's JSON log lines written to stderr since the last read."""
    lines = capsys.readouterr().err.splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def register_candidate(
    client: AsyncClient, name: str = "Ada Candidate", *, consent: bool = True
) -> dict[str, Any]:
    """Registers through the API; returns the token response (access_token, user).

    The candidate accepts the candidate notice, as every candidate must before an
    interview; ``consent=False`` leaves that undone (tests of the requirement)."""
    email = f"candidate{next(_counter)}-{uuid.uuid4().hex[:6]}@example.com"
    response = await client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "full_name": name},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    if consent:
        await accept_notice(client, body["access_token"])
    return body


async def accept_notice(client: AsyncClient, token: str, base: str = "") -> None:
    """The candidate reads the current candidate notice and accepts it, through the API."""
    notice = await client.get(f"{base}/api/v1/consent-notice")
    assert notice.status_code == 200, notice.text
    response = await client.post(
        f"{base}/api/v1/me/consents",
        json={"notice_version": notice.json()["version"]},
        headers=auth(token),
    )
    assert response.status_code in (200, 201), response.text


async def create_staff_user(app: Any, role: UserRole, name: str = "Rita Recruiter") -> str:
    """Recruiters and admins are created by operators (the CLI), not by registering."""
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    email = f"{role.value}{next(_counter)}-{uuid.uuid4().hex[:6]}@example.com"
    async with maker() as session:
        user = await register_user(
            session, UserCreate(email=email, password=PASSWORD, full_name=name), role=role
        )
        await session.commit()
    return create_access_token(app.state.settings, user.id, user.role)


def job_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "title": "Senior Backend Engineer",
        "company": "Acme Analytics",
        "description": "Build and run the APIs behind our analytics product, with Python.",
        "role_category": "engineering",
        "tech_stack": "Python, FastAPI, PostgreSQL",
        "required_skills": ["PostgreSQL", "Docker", "System design"],
        "experience_level": "senior",
        "employment_type": "permanent",
        "work_setup": "remote",
        "location": "Remote (EU)",
        "salary_min": 80000,
        "salary_max": 110000,
        "salary_currency": "EUR",
    }
    payload.update(overrides)
    return payload


async def create_job(client: AsyncClient, recruiter_token: str, **overrides: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/job-postings", json=job_payload(**overrides), headers=auth(recruiter_token)
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def apply(client: AsyncClient, token: str, job_id: str) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/applications", json={"job_posting_id": job_id}, headers=auth(token)
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def current_question_id(client: AsyncClient, token: str, interview_id: str) -> str:
    """The id of the question an interview waits for (answers must name it)."""
    response = await client.get(f"/api/v1/interviews/{interview_id}", headers=auth(token))
    assert response.status_code == 200, response.text
    return str(response.json()["current_question"]["id"])

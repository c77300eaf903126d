"""Retention: `hireloop purge` removes transcripts and resumes of applications closed
longer than the settings allow; --dry-run only lists; a second run has nothing to do."""

from __future__ import annotations

import argparse
import asyncio
import uuid
from datetime import timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hireloop.applications.models import Application
from hireloop.auth.models import UserRole
from hireloop.cli import cmd_purge
from hireloop.config import Settings
from hireloop.db import utcnow
from hireloop.privacy.scheduler import retention_purger
from hireloop.resumes.models import Resume
from tests.factories import auth, create_job, create_staff_user
from tests.privacy.people import Person, find_in_files, find_in_tables, interviewed_person


async def _age(app: Any, person: Person, days: int) -> None:
    """As if the application closed, and the resume was uploaded, ``days`` ago."""
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    then = utcnow() - timedelta(days=days)
    async with maker() as session:
        await session.execute(
            update(Application)
            .where(Application.id == uuid.UUID(person.application_id))
            .values(updated_at=then, applied_at=then)
        )
        await session.execute(
            update(Resume)
            .where(Resume.candidate_id == uuid.UUID(person.user_id))
            .values(uploaded_at=then)
        )
        await session.commit()


async def _decide(client: AsyncClient, recruiter: str, person: Person, status: str) -> None:
    response = await client.patch(
        f"/api/v1/applications/{person.application_id}",
        json={"status": status},
        headers=auth(recruiter),
    )
    assert response.status_code == 200, response.text


async def _cli(settings: Settings, capsys: pytest.CaptureFixture[str], dry_run: bool) -> str:
    capsys.readouterr()
    code = await asyncio.to_thread(cmd_purge, settings, argparse.Namespace(dry_run=dry_run))
    assert code == 0
    return capsys.readouterr().out


async def test_purge_dry_run_then_purge_then_nothing_to_do(
    client: AsyncClient, app: Any, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    retained = settings.model_copy(
        update={"retention_transcript_days": 30, "retention_resume_days": 30}
    )
    recruiter = await create_staff_user(app, UserRole.recruiter)
    admin = await create_staff_user(app, UserRole.admin)
    job = await create_job(client, recruiter)
    old = await interviewed_person(client, job["id"], "Olive Old")
    still_open = await interviewed_person(client, job["id"], "Oscar Open")
    recent = await interviewed_person(client, job["id"], "Rhea Recent")
    await _decide(client, recruiter, old, "rejected")
    await _decide(client, recruiter, recent, "offered")
    await _age(app, old, 40)
    await _age(app, still_open, 40)  # old, but not closed: kept
    results_url = f"/api/v1/interviews/{old.interview_id}/results"
    before = (await client.get(results_url, headers=auth(old.token))).json()

    # Off by default: nothing is purged, whatever the age.
    assert "Nothing to purge." in await _cli(settings, capsys, dry_run=False)

    listing = await _cli(retained, capsys, dry_run=True)
    assert "Retention: transcripts 30 days after closing, resumes 30 days" in listing
    assert f"would delete transcript of interview {old.interview_id}" in listing
    assert f"would delete resume {old.resume_id}" in listing
    assert still_open.interview_id not in listing and recent.interview_id not in listing
    assert "1 transcript(s) and 1 resume(s) would be deleted (dry run" in listing
    assert old.name not in listing and old.email not in listing
    assert "interview_messages.content_text" in await find_in_tables(maker, (old.marker,))
    assert find_in_files(retained.resume_directory, (old.marker,))

    done = await _cli(retained, capsys, dry_run=False)
    assert f"deleted transcript of interview {old.interview_id}" in done
    assert "1 transcript(s) and 1 resume(s) deleted." in done
    assert await find_in_tables(maker, (old.marker,)) == []
    assert find_in_files(retained.resume_directory, (old.marker,)) == []
    for kept in (still_open, recent):
        assert "interview_messages.content_text" in await find_in_tables(maker, (kept.marker,))
        assert find_in_files(retained.resume_directory, (kept.marker,))
    # The results stay (scores, levels, recommendation), without the quotes of answers.
    after = (await client.get(results_url, headers=auth(old.token))).json()
    assert after["overall_score"] == before["overall_score"]
    assert after["recommendation"] == before["recommendation"]
    transcript = await client.get(
        f"/api/v1/interviews/{old.interview_id}/messages", headers=auth(old.token)
    )
    assert transcript.json()["items"] == []
    resumes = await client.get("/api/v1/resumes", headers=auth(old.token))
    assert resumes.json() == [] or resumes.json().get("items") == []

    assert "Nothing to purge." in await _cli(retained, capsys, dry_run=False)
    audit = await client.get(
        "/api/v1/admin/audit", params={"action": "retention.purged"}, headers=auth(admin)
    )
    (entry,) = audit.json()["items"]
    assert entry["actor_role"] == "system" and entry["details"] == {
        "transcripts": 1,
        "resumes": 1,
    }


async def test_the_server_purges_when_retention_is_set(
    client: AsyncClient, app: Any, settings: Settings
) -> None:
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    old = await interviewed_person(client, job["id"], "Wanda Withdrawn")
    withdrawn = await client.post(
        f"/api/v1/applications/{old.application_id}/withdraw", headers=auth(old.token)
    )
    assert withdrawn.status_code == 200
    await _age(app, old, 3)
    async with retention_purger(maker, settings):  # no retention set: no task at all
        await asyncio.sleep(0.2)
    assert await find_in_tables(maker, (old.marker,)) != []
    daily = settings.model_copy(update={"retention_transcript_days": 2})
    async with retention_purger(maker, daily):  # runs at start, then every day
        for _ in range(100):
            await asyncio.sleep(0.1)
            if "interview_messages.content_text" not in await find_in_tables(maker, (old.marker,)):
                break
    found = await find_in_tables(maker, (old.marker,))
    assert found == ["resumes.parsed", "resumes.text"]  # resumes: no retention set here

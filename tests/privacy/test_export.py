"""Export: one zip with every row about the person and their original files, and nothing
about anyone else (API, profile page, and an admin answering an access request)."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from typing import Any

from httpx import AsyncClient, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hireloop.auth.models import UserRole
from hireloop.db import Base
from hireloop.privacy.export import DOCUMENT_NAME
from hireloop.privacy.registry import SOURCES
from hireloop.resumes.models import Resume
from hireloop.resumes.storage import ResumeStorage
from tests.factories import auth, create_job, create_staff_user
from tests.privacy.people import Person, interviewed_person
from tests.web.forms import web_login


def _archive(response: Response) -> tuple[dict[str, Any], dict[str, bytes]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(files.pop(DOCUMENT_NAME)), files


async def _rows_in_database(app: Any, person: Person) -> dict[str, set[str]]:
    """Every row that mentions the person's id or one of their rows' ids, found by walking
    each table's foreign keys to users, applications and interviews: independently of the
    registry the export is built from."""
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    owned = {person.user_id, person.application_id, person.interview_id, person.resume_id}
    found: dict[str, set[str]] = {}
    async with maker() as session:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if c.foreign_keys or c.name.endswith("_id")]
            if not columns or table.name == "job_postings":
                continue
            for row in (await session.execute(select(table))).mappings():
                if any(str(row[c.name]) in owned for c in columns):
                    found.setdefault(table.name, set()).add(str(row["id"]))
    return found


async def test_export_holds_every_row_about_the_person_and_nothing_of_others(
    client: AsyncClient, app: Any, settings: Any
) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    mine = await interviewed_person(client, job["id"], "Mona Mine")
    other = await interviewed_person(client, job["id"], "Otto Other")
    viewed = await client.get(
        f"/api/v1/interviews/{mine.interview_id}/results", headers=auth(recruiter)
    )
    assert viewed.status_code == 200

    document, files = _archive(await client.get("/api/v1/me/export", headers=auth(mine.token)))
    data = document["data"]
    assert set(data) == {source.name for source in SOURCES}
    assert document["person_id"] == mine.user_id
    assert data["account"][0]["email"] == mine.email and "password_hash" not in data["account"][0]
    # Every row about the person, table by table, as the database holds them.
    by_table = {source.model.__table__.name: source.name for source in SOURCES}
    expected = await _rows_in_database(app, mine)
    for table, ids in expected.items():
        exported = {str(row["id"]) for row in data[by_table[table]]}
        assert ids <= exported, table
    assert {"interview_messages", "assessment_results", "resumes"} <= set(expected)
    transcript = await client.get(
        f"/api/v1/interviews/{mine.interview_id}/messages", headers=auth(mine.token)
    )
    assert len(data["transcripts"]) == len(transcript.json()["items"]) > 2
    assert {e["action"] for e in data["audit_entries_about_you"]} >= {
        "results.viewed",
        "export.downloaded",
    }
    # The original resume file, byte for byte.
    (listed,) = document["files"]
    async with app.state.sessionmaker() as session:
        resume = await session.get(Resume, uuid.UUID(mine.resume_id))
    assert resume is not None and resume.storage_key is not None
    stored = ResumeStorage(settings.resume_directory).path_for(resume.storage_key).read_bytes()
    assert files == {listed["path"]: stored}
    assert listed["path"] == f"files/resumes/{mine.resume_id}.txt"
    # Nothing of the other candidate: no email, name, answers, or ids.
    text = json.dumps(document)
    for needle in (*other.needles, other.user_id, other.application_id, other.interview_id):
        assert needle not in text
    assert mine.marker in text
    assert all(other.marker.encode() not in content for content in files.values())


async def test_export_from_the_profile_page_and_by_an_admin(client: AsyncClient, app: Any) -> None:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    admin = await create_staff_user(app, UserRole.admin)
    job = await create_job(client, recruiter)
    person = await interviewed_person(client, job["id"], "Petra Profile")

    assert (await client.get("/api/v1/me/export")).status_code == 401
    url = f"/api/v1/users/{person.user_id}/export"
    assert (await client.get(url, headers=auth(recruiter))).status_code == 403
    assert (await client.get(url, headers=auth(person.token))).status_code == 403
    by_admin, _ = _archive(await client.get(url, headers=auth(admin)))
    assert by_admin["data"]["account"][0]["email"] == person.email
    missing = await client.get(
        "/api/v1/users/00000000-0000-0000-0000-000000000000/export", headers=auth(admin)
    )
    assert missing.status_code == 404

    assert (await web_login(client, person.email)).status_code == 303
    page, files = _archive(await client.get("/profile/export"))
    assert page["data"]["applications"][0]["id"] == person.application_id
    assert len(files) == 1
    entries = await client.get(
        "/api/v1/admin/audit",
        params={"action": "export.downloaded", "person_id": person.user_id},
        headers=auth(admin),
    )
    assert sorted(e["details"]["by"] for e in entries.json()["items"]) == ["admin", "self"]

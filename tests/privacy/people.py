"""People with data in every table, made through the API, and a scanner that looks for
what is left of them anywhere: every text and JSON column of every table in
``Base.metadata`` (so tables added later are covered), and every stored file."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from httpx import AsyncClient
from sqlalchemy import JSON, String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hireloop import models  # noqa: F401  (every table in Base.metadata)
from hireloop.db import Base
from tests.factories import auth
from tests.recruiter.helpers import applied, start
from tests.resumes.files import TEXT, make_text


@dataclass
class Person:
    name: str
    email: str
    token: str
    user_id: str
    marker: str  # a word only this person's answers and resume contain
    application_id: str
    interview_id: str
    resume_id: str

    @property
    def needles(self) -> tuple[str, ...]:
        return (self.email, self.name, self.marker)


async def interviewed_person(
    client: AsyncClient, job_id: str, name: str, *, answers: int = 2
) -> Person:
    """A candidate who uploaded a resume, applied, answered a few questions (each answer
    naming their marker) and finished: rows in every table, and a stored file."""
    marker = f"Zorblax{uuid.uuid4().hex[:8]}"
    made = await applied(client, job_id, name)
    token = made["token"]
    resume = await client.post(
        "/api/v1/resumes",
        files={
            "file": (
                "cv.txt",
                make_text([name, "Backend engineer", f"Built {marker} with Python and SQL"]),
                TEXT,
            )
        },
        headers=auth(token),
    )
    assert resume.status_code == 201, resume.text
    started = await start(client, token, made["application"]["id"])
    message = started["current_question"] or started["first_question"]
    for _ in range(answers):
        response = await client.post(
            f"/api/v1/interviews/{started['id']}/messages",
            json={
                "content": f"I used indexes and caching in {marker} to keep queries fast, "
                "measuring with EXPLAIN before and after each change.",
                "question_id": message["id"],
            },
            headers=auth(token),
        )
        assert response.status_code == 200, response.text
        message = response.json()["next_question"]
    done = await client.post(f"/api/v1/interviews/{started['id']}/complete", headers=auth(token))
    assert done.status_code == 200, done.text
    return Person(
        name=name,
        email=made["user"]["email"],
        token=token,
        user_id=made["user"]["id"],
        marker=marker,
        application_id=made["application"]["id"],
        interview_id=started["id"],
        resume_id=resume.json()["id"],
    )


async def find_in_tables(
    maker: async_sessionmaker[AsyncSession], needles: tuple[str, ...]
) -> list[str]:
    """Where any needle appears: 'table.column' for each text or JSON column holding one."""
    found: list[str] = []
    async with maker() as session:
        for table in Base.metadata.sorted_tables:
            columns = [
                column
                for column in table.columns
                if isinstance(column.type, String | Text | JSON)
                or isinstance(getattr(column.type, "impl", None), String | Text | JSON)
                or "JSON" in type(column.type).__name__.upper()
            ]
            if not columns:
                continue
            rows = await session.execute(select(*columns))
            for row in rows:
                for column, value in zip(columns, row, strict=True):
                    text = str(value).lower() if value is not None else ""
                    found.extend(
                        f"{table.name}.{column.name}" for n in needles if n.lower() in text
                    )
    return sorted(set(found))


def find_in_files(directory: Path, needles: tuple[str, ...]) -> list[str]:
    """Files under ``directory`` whose bytes contain any needle."""
    if not directory.exists():
        return []
    hits = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        data = path.read_bytes().lower()
        if any(n.lower().encode() in data for n in needles):
            hits.append(str(path.relative_to(directory)))
    return hits


def table_row_ids(rows: list[dict[str, Any]]) -> set[str]:
    return {str(row["id"]) for row in rows}

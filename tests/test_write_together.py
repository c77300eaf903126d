"""write_together: new rows inserted with their defaults, loaded rows updated with what
changed, in one statement on PostgreSQL, and nothing written a second time at commit."""

from __future__ import annotations

import uuid
from typing import Any

from httpx import AsyncClient
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hireloop.applications.models import Application, ApplicationStatus
from hireloop.auth.models import UserRole
from hireloop.db import utcnow
from hireloop.interviews.models import Interview, InterviewMessage, InterviewStatus, MessageType
from hireloop.write_together import write_together
from tests.factories import apply, create_job, create_staff_user, register_candidate


async def _scheduled_application(app: Any, client: AsyncClient) -> tuple[str, str]:
    recruiter = await create_staff_user(app, UserRole.recruiter)
    job = await create_job(client, recruiter)
    candidate = await register_candidate(client)
    application = await apply(client, candidate["access_token"], job["id"])
    return application["id"], candidate["user"]["id"]


def _count_writes(app: Any) -> list[str]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "WITH")):
            seen.append(statement)

    event.listen(app.state.engine.sync_engine, "before_cursor_execute", record)
    return seen


async def test_new_and_changed_rows_are_written_once(
    app: Any, client: AsyncClient, is_postgres: bool
) -> None:
    application_id, candidate_id = await _scheduled_application(app, client)
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    writes = _count_writes(app)
    async with maker() as session:
        application = await session.get_one(Application, uuid.UUID(application_id))
        before = application.updated_at
        interview = await session.get_one(Interview, application.interview_id)
        application.status = ApplicationStatus.interview_in_progress
        practice = Interview(
            id=uuid.uuid4(), candidate_id=uuid.UUID(candidate_id), role_type="python"
        )
        message = InterviewMessage(
            id=uuid.uuid4(),
            interview_id=practice.id,
            sequence_number=1,
            message_type=MessageType.ai_question,
            content_text="Tell me about a Python project you are proud of.",
        )
        # The interview is loaded but unchanged: nothing is written for it.
        await write_together(session, practice, message, application, interview)
        await session.commit()
    # One statement on PostgreSQL; one per written row elsewhere; none at commit.
    assert len(writes) == (1 if is_postgres else 3)

    # Python-side defaults were applied, to the rows and to the objects.
    assert practice.status is InterviewStatus.scheduled and practice.total_tokens_used == 0
    assert message.meta == {} and message.created_at is not None
    async with maker() as session:
        stored = await session.get_one(Interview, practice.id)
        assert (stored.status, stored.ai_provider, stored.total_tokens_used) == (
            InterviewStatus.scheduled,
            "builtin",
            0,
        )
        assert stored.created_at is not None
        texts = await session.scalars(
            select(InterviewMessage.content_text).where(InterviewMessage.interview_id == stored.id)
        )
        assert list(texts) == ["Tell me about a Python project you are proud of."]
        moved = await session.get_one(Application, uuid.UUID(application_id))
        assert moved.status is ApplicationStatus.interview_in_progress
        # The column's onupdate ran, as a flush would have done it.
        assert before < moved.updated_at <= utcnow()
        untouched = await session.get_one(Interview, interview.id)
        assert untouched.status is InterviewStatus.scheduled


async def test_nothing_to_write_runs_no_statement(app: Any, client: AsyncClient) -> None:
    application_id, _candidate_id = await _scheduled_application(app, client)
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    writes = _count_writes(app)
    async with maker() as session:
        application = await session.get_one(Application, uuid.UUID(application_id))
        await write_together(session, application)
        await session.commit()
    assert writes == []

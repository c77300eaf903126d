"""A resume's file follows its row: kept only if the upload commits, removed only once
the deletion commits, so a failed transaction neither orphans a file nor loses one."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hireloop.auth.models import User
from hireloop.auth.schemas import UserCreate
from hireloop.auth.service import register_user
from hireloop.config import Settings
from hireloop.db import on_outcome
from hireloop.resumes.models import Resume
from hireloop.resumes.service import delete_resume, upload_resume
from hireloop.resumes.storage import ResumeStorage
from tests.factories import PASSWORD
from tests.resumes.files import RESUME_LINES, TEXT, make_text


async def _candidate(maker: async_sessionmaker[AsyncSession]) -> User:
    async with maker() as session:
        user = await register_user(
            session,
            UserCreate(
                email=f"files-{uuid.uuid4().hex[:8]}@example.com",
                password=PASSWORD,
                full_name="Grace Files",
            ),
        )
        await session.commit()
    return user


async def _upload(session: AsyncSession, user: User, storage: ResumeStorage) -> Resume:
    return await upload_resume(
        session,
        user,
        storage,
        file_name="grace.txt",
        content_type=TEXT,
        data=make_text(RESUME_LINES),
    )


def _files(storage: ResumeStorage) -> list[str]:
    directory = storage.directory
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


async def test_an_upload_that_does_not_commit_leaves_no_file(app: Any, settings: Settings) -> None:
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    storage = ResumeStorage(settings.resume_directory)
    user = await _candidate(maker)
    async with maker() as session:
        resume = await _upload(session, user, storage)
        assert _files(storage) == [resume.storage_key]  # written before the row
        await session.rollback()  # e.g. the commit failed
    assert _files(storage) == []

    async with maker() as session:
        kept = await _upload(session, user, storage)
        await session.commit()
    assert _files(storage) == [kept.storage_key]


async def test_a_deletion_removes_the_file_only_when_it_commits(
    app: Any, settings: Settings
) -> None:
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    storage = ResumeStorage(settings.resume_directory)
    user = await _candidate(maker)
    async with maker() as session:
        resume = await _upload(session, user, storage)
        await session.commit()
    async with maker() as session:
        await delete_resume(session, user, storage, resume.id)
        assert _files(storage) == [resume.storage_key]  # not before the commit
        await session.rollback()
    async with maker() as session:
        assert await session.get(Resume, resume.id) is not None
    assert _files(storage) == [resume.storage_key], "the row survived, so must its file"

    async with maker() as session:
        await delete_resume(session, user, storage, resume.id)
        await session.commit()
    assert _files(storage) == []


async def test_a_failing_file_hook_never_undoes_the_commit(app: Any) -> None:
    """The transaction's outcome stands even when the file step after it fails."""
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    user = await _candidate(maker)

    def broken() -> None:
        raise PermissionError("read-only disk")

    async with maker() as session:
        stored = await session.get_one(User, user.id)
        stored.full_name = "Grace Committed"
        on_outcome(session, committed=broken)
        await session.commit()  # does not raise
    async with maker() as session:
        assert (await session.get_one(User, user.id)).full_name == "Grace Committed"

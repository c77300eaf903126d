"""Resumes: upload (check, extract, parse, store), list, read, activate, delete.

Each candidate has at most one active resume (a partial unique index guarantees it);
a new upload becomes the active one. Changes that touch which resume is active lock the
candidate's user row first, so concurrent uploads and activations queue up instead of
colliding on the index.
"""

from __future__ import annotations

import asyncio
import uuid

import structlog
from fastapi import UploadFile
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.applications.models import Application, ApplicationStatus
from hireloop.auth.models import User, UserRole
from hireloop.db import on_outcome
from hireloop.engine.knowledge import get_knowledge
from hireloop.errors import DomainError, Forbidden, InvalidInput, NotFound
from hireloop.jobs.models import JobPosting
from hireloop.resumes.extraction import CONTENT_TYPES, declared_kind, extract_text
from hireloop.resumes.models import Resume
from hireloop.resumes.parsing import parse_resume
from hireloop.resumes.storage import ResumeStorage
from hireloop.security.text import reject_unsafe_text

log = structlog.get_logger(__name__)

MAX_RESUME_BYTES = 5 * 1024 * 1024
_READ_CHUNK = 64 * 1024
DEFAULT_FILE_NAME = "resume"


class PayloadTooLarge(DomainError):
    status_code = 413


async def read_upload(upload: UploadFile, limit: int = MAX_RESUME_BYTES) -> bytes:
    """The uploaded file's bytes; 413 as soon as it is larger than ``limit``."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await upload.read(_READ_CHUNK):
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"Resume files may be at most {limit // (1024 * 1024)} MB")
        chunks.append(chunk)
    return b"".join(chunks)


def display_file_name(raw: str | None) -> str:
    """The name shown back to the user: the last path component, printable, ≤ 255 chars.

    Only ever displayed; stored files are named by ``ResumeStorage``.
    """
    try:
        reject_unsafe_text(raw or "")
    except ValueError as exc:
        raise InvalidInput(f"file name: {exc}") from None
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable()).strip()
    if name.strip(".") == "":
        return DEFAULT_FILE_NAME
    if len(name) > 255:
        stem, dot, extension = name.rpartition(".")
        name = stem[: 254 - len(extension)] + dot + extension if dot else name[:255]
    return name


async def upload_resume(
    session: AsyncSession,
    user: User,
    storage: ResumeStorage,
    *,
    file_name: str | None,
    content_type: str | None,
    data: bytes,
) -> Resume:
    if user.role is not UserRole.candidate:
        raise Forbidden("Only candidates can upload resumes")
    name = display_file_name(file_name)
    kind = declared_kind(content_type, name)
    if not data:
        raise InvalidInput("The file is empty")
    text = await asyncio.to_thread(extract_text, kind, data)
    parsed = await asyncio.to_thread(parse_resume, text, get_knowledge(), owner_name=user.full_name)
    await _lock_candidate(session, user.id)
    key = await storage.save(data, kind)
    # If the transaction does not commit (here or when the request ends), no row will
    # point at the file: remove it then.
    on_outcome(session, rolled_back=lambda: storage.delete_now(key))
    await _deactivate_all(session, user.id)
    resume = Resume(
        id=uuid.uuid4(),
        candidate_id=user.id,
        file_name=name,
        content_type=CONTENT_TYPES[kind],
        size=len(data),
        text=text,
        skills=parsed.skills,
        parsed=parsed.model_dump(mode="json", exclude={"skills"}),
        storage_key=key,
        is_active=True,
    )
    session.add(resume)
    await session.flush()
    log.info("resume_uploaded", resume_id=str(resume.id), kind=kind.value, size=len(data))
    return resume


async def list_resumes(session: AsyncSession, user: User) -> list[Resume]:
    return list(
        await session.scalars(
            select(Resume)
            .where(Resume.candidate_id == user.id)
            .order_by(Resume.uploaded_at.desc(), Resume.id)
        )
    )


async def readable_resume(session: AsyncSession, user: User, resume_id: uuid.UUID) -> Resume:
    """The resume if ``user`` may see it: its candidate, an admin, or a recruiter owning a
    job the candidate applied to. Anyone else gets 404, as if it did not exist."""
    resume = await session.get(Resume, resume_id)
    if resume is None or not await _can_read(session, user, resume):
        raise NotFound(f"Resume {resume_id} not found")
    return resume


async def owned_resume(session: AsyncSession, user: User, resume_id: uuid.UUID) -> Resume:
    resume = await readable_resume(session, user, resume_id)
    if resume.candidate_id != user.id:
        raise Forbidden("Only the candidate can change their resume")
    return resume


async def activate_resume(session: AsyncSession, user: User, resume_id: uuid.UUID) -> Resume:
    resume = await owned_resume(session, user, resume_id)
    await _lock_candidate(session, user.id)
    await _deactivate_all(session, user.id)
    resume.is_active = True
    await session.flush()
    return resume


async def delete_resume(
    session: AsyncSession, user: User, storage: ResumeStorage, resume_id: uuid.UUID
) -> None:
    """Delete the resume and its file. Interviews that used it keep running; their
    ``resume_id`` becomes null. No other resume becomes active by itself."""
    resume = await owned_resume(session, user, resume_id)
    key = resume.storage_key
    await session.delete(resume)
    await session.flush()
    if key is not None:
        # Only once the row is gone for good: a failed commit keeps row and file.
        on_outcome(session, committed=lambda: storage.delete_now(key))
    log.info("resume_deleted", resume_id=str(resume_id))


async def _can_read(session: AsyncSession, user: User, resume: Resume) -> bool:
    if user.role is UserRole.admin or resume.candidate_id == user.id:
        return True
    if user.role is not UserRole.recruiter:
        return False
    applied = await session.scalar(
        select(Application.id)
        .join(JobPosting, JobPosting.id == Application.job_posting_id)
        .where(
            Application.candidate_id == resume.candidate_id,
            Application.status != ApplicationStatus.withdrawn,
            JobPosting.owner_id == user.id,
        )
        .limit(1)
    )
    return applied is not None


async def _lock_candidate(session: AsyncSession, candidate_id: uuid.UUID) -> None:
    # PostgreSQL: row lock; SQLite: transactions already begin IMMEDIATE (one writer).
    await session.execute(select(User.id).where(User.id == candidate_id).with_for_update())


async def _deactivate_all(session: AsyncSession, candidate_id: uuid.UUID) -> None:
    # A bulk UPDATE before the new active row is written: the partial unique index is
    # checked per statement, so the order matters.
    await session.execute(
        update(Resume)
        .where(Resume.candidate_id == candidate_id, Resume.is_active.is_(True))
        .values(is_active=False)
        .execution_options(synchronize_session="fetch")
    )

"""Job postings: listing with filters and search, reading, and recruiters' changes."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ValidationError
from sqlalchemy import ColumnElement, Select, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.auth.models import User, UserRole
from hireloop.errors import Forbidden, InvalidInput, NotFound
from hireloop.jobs.models import JobPosting, JobStatus
from hireloop.jobs.schemas import JobPostingCreate, JobPostingFilters, JobPostingUpdate


def build_search_text(
    title: str, company: str, description: str, skills: list[str], tech_stack: str | None
) -> str:
    parts = [title, company, tech_stack or "", " ".join(skills), description]
    return " ".join(" ".join(parts).lower().split())


def refresh_search_text(job: JobPosting) -> None:
    job.search_text = build_search_text(
        job.title, job.company, job.description, list(job.required_skills or []), job.tech_stack
    )


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column: Any, value: str) -> ColumnElement[bool]:
    pattern = f"%{_escape_like(value.strip().lower())}%"
    result: ColumnElement[bool] = func.lower(column).like(pattern, escape="\\")
    return result


def _search_condition(dialect: str, text: str) -> ColumnElement[bool] | None:
    words = text.lower().split()
    if not words:
        return None
    if dialect == "postgresql":
        # Matches the GIN expression index created by the initial migration.
        vector = func.to_tsvector(literal_column("'english'"), JobPosting.search_text)
        query = func.plainto_tsquery(literal_column("'english'"), " ".join(words))
        result: ColumnElement[bool] = vector.op("@@")(query)
        return result
    conditions = [_contains(JobPosting.search_text, word) for word in words]
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = combined & condition
    return combined


def _filtered(dialect: str, filters: JobPostingFilters) -> Select[JobPosting]:
    stmt = select(JobPosting).where(JobPosting.status == JobStatus.active)
    if filters.role_category is not None:
        stmt = stmt.where(JobPosting.role_category == filters.role_category)
    if filters.employment_type is not None:
        stmt = stmt.where(JobPosting.employment_type == filters.employment_type)
    if filters.work_setup is not None:
        stmt = stmt.where(JobPosting.work_setup == filters.work_setup)
    if filters.experience_level is not None:
        stmt = stmt.where(JobPosting.experience_level == filters.experience_level)
    if filters.tech_stack and filters.tech_stack.strip():
        stmt = stmt.where(_contains(JobPosting.tech_stack, filters.tech_stack))
    if filters.location and filters.location.strip():
        stmt = stmt.where(_contains(JobPosting.location, filters.location))
    if filters.search:
        condition = _search_condition(dialect, filters.search)
        if condition is not None:
            stmt = stmt.where(condition)
    return stmt


async def list_postings(
    session: AsyncSession, filters: JobPostingFilters
) -> tuple[list[JobPosting], int]:
    dialect = session.get_bind().dialect.name
    stmt = _filtered(dialect, filters)
    total = await session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    page = stmt.order_by(JobPosting.created_at.desc(), JobPosting.id.desc())
    rows = await session.scalars(page.offset(filters.skip).limit(filters.limit))
    return list(rows), total


async def get_posting(session: AsyncSession, job_id: uuid.UUID) -> JobPosting:
    job = await session.get(JobPosting, job_id)
    if job is None:
        raise NotFound(f"Job posting {job_id} not found")
    return job


async def get_visible_posting(
    session: AsyncSession, job_id: uuid.UUID, viewer: User | None
) -> JobPosting:
    """Active postings are public; others only to their owner and admins."""
    job = await get_posting(session, job_id)
    if job.status is not JobStatus.active and not _can_manage(job, viewer):
        raise NotFound(f"Job posting {job_id} not found")
    return job


def _can_manage(job: JobPosting, user: User | None) -> bool:
    if user is None:
        return False
    return user.role is UserRole.admin or (
        user.role is UserRole.recruiter and job.owner_id == user.id
    )


async def create_posting(session: AsyncSession, owner: User, data: JobPostingCreate) -> JobPosting:
    job = JobPosting(**data.model_dump(), owner_id=owner.id, status=JobStatus.active)
    refresh_search_text(job)
    session.add(job)
    await session.flush()
    return job


async def update_posting(
    session: AsyncSession, user: User, job_id: uuid.UUID, data: JobPostingUpdate
) -> JobPosting:
    job = await get_posting(session, job_id)
    if not _can_manage(job, user):
        raise Forbidden("Not authorized to change this job posting")
    changes = data.model_dump(exclude_unset=True)
    for field in (
        "title",
        "company",
        "description",
        "role_category",
        "experience_level",
        "employment_type",
        "work_setup",
        "location",
        "salary_currency",
        "status",
    ):
        if field in changes and changes[field] is None:
            del changes[field]  # these columns are required; null means "leave as is"
    current = JobPostingCreate.model_validate(job, from_attributes=True).model_dump()
    try:
        # Re-validate the whole posting, so cross-field rules (salary range) hold after a patch.
        merged = JobPostingCreate.model_validate({**current, **changes})
    except ValidationError as exc:
        raise InvalidInput("; ".join(error["msg"] for error in exc.errors())) from exc
    for field, value in changes.items():
        setattr(job, field, getattr(merged, field, value))
    refresh_search_text(job)
    await session.flush()
    return job

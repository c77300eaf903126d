"""Job postings: listing with filters and search, reading, and recruiters' changes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import ColumnElement, Select, false, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.audit.models import AuditAction
from hireloop.audit.service import record
from hireloop.auth.models import User, UserRole
from hireloop.errors import Conflict, Forbidden, InvalidInput, NotFound
from hireloop.jobs import search
from hireloop.jobs.models import JobPosting, JobStatus
from hireloop.jobs.schemas import JobPostingCreate, JobPostingFilters, JobPostingUpdate
from hireloop.jobs.search_words import SearchWord, posting_words, search_words
from hireloop.outbox import events

# Up to this many matches the total is exact; beyond it PostgreSQL's planner estimate is
# used ("about 900 jobs"), because counting many matches costs more than fetching the
# page: a substring filter matching 900 of 10,000 postings reads most of the table.
EXACT_COUNT_LIMIT = 200


def refresh_search_words(job: JobPosting) -> None:
    """Store the words the posting is found by (call after any change to its text)."""
    words = posting_words(
        job.title, job.company, job.description, list(job.required_skills or []), job.tech_stack
    )
    job.search_title, job.search_role, job.search_text = words.title, words.role, words.text


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column: Any, value: str) -> ColumnElement[bool]:
    pattern = f"%{_escape_like(value.strip().lower())}%"
    result: ColumnElement[bool] = func.lower(column).like(pattern, escape="\\")
    return result


def _filtered(
    dialect: str, filters: JobPostingFilters, words: list[SearchWord] | None
) -> Select[JobPosting]:
    """Active postings that pass the filters and, when ``words`` are given, match them."""
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
    if words:
        stmt = stmt.where(search.matches(dialect, words))
    elif words is not None:
        stmt = stmt.where(false())  # a search with no letters or digits in it finds nothing
    return stmt


def _has_text_filter(filters: JobPostingFilters) -> bool:
    return any(
        value and value.strip() for value in (filters.search, filters.tech_stack, filters.location)
    )


async def count_matches(
    session: AsyncSession, stmt: Select[JobPosting], dialect: str
) -> tuple[int, bool]:
    """The number of matching postings and whether it is an estimate."""
    ids = stmt.with_only_columns(JobPosting.id)
    if dialect == "postgresql":
        estimate = await _planner_estimate(session, ids)
        if estimate > EXACT_COUNT_LIMIT:
            return estimate, True
    if dialect != "postgresql":
        return await session.scalar(select(func.count()).select_from(ids.subquery())) or 0, False
    capped = ids.limit(EXACT_COUNT_LIMIT + 1).subquery()
    exact = await session.scalar(select(func.count()).select_from(capped)) or 0
    return exact, exact > EXACT_COUNT_LIMIT


async def _planner_estimate(session: AsyncSession, stmt: Select[Any]) -> int:
    """PostgreSQL's own row estimate for a query (EXPLAIN plans it without running it)."""
    connection = await session.connection()
    compiled = stmt.compile(dialect=connection.dialect)
    params = compiled.construct_params()
    args = tuple(params[name] for name in compiled.positiontup or ())
    result = await connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", args)
    plan = result.scalar_one()
    return int(plan[0]["Plan"]["Plan Rows"])


@dataclass(frozen=True)
class PostingPage:
    items: list[JobPosting]
    total: int
    total_is_estimate: bool


async def list_postings(session: AsyncSession, filters: JobPostingFilters) -> PostingPage:
    """A page of active postings: newest first, or by relevance when there is a search."""
    dialect = session.get_bind().dialect.name
    words = search_words(filters.search) if filters.search and filters.search.strip() else None
    stmt = _filtered(dialect, filters, words)
    if dialect == "postgresql" and _has_text_filter(filters):
        # How many postings a search or substring matches depends on its text. After a
        # few runs PostgreSQL switches prepared statements to a generic plan that
        # cannot see the text, and for these it picks a scan of the whole table (30 ms
        # instead of 1 ms at 10k postings). Plan these with the actual values instead.
        await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    total, estimated = await count_matches(session, stmt, dialect)
    if not words:
        page = stmt.order_by(JobPosting.created_at.desc(), JobPosting.id.desc())
        rows = await session.scalars(page.offset(filters.skip).limit(filters.limit))
        return PostingPage(list(rows), total, estimated)
    ids = await search.ranked_ids(
        session, dialect, _filtered(dialect, filters, None), words, filters.skip, filters.limit
    )
    loaded = {
        job.id: job
        for job in await session.scalars(select(JobPosting).where(JobPosting.id.in_(ids)))
    }
    return PostingPage([loaded[i] for i in ids if i in loaded], total, estimated)


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
    if job.status is not JobStatus.active and not can_manage(job, viewer):
        raise NotFound(f"Job posting {job_id} not found")
    return job


def can_manage(job: JobPosting, user: User | None) -> bool:
    if user is None:
        return False
    return user.role is UserRole.admin or (
        user.role is UserRole.recruiter and job.owner_id == user.id
    )


async def create_posting(session: AsyncSession, owner: User, data: JobPostingCreate) -> JobPosting:
    job = JobPosting(**data.model_dump(), owner_id=owner.id, status=JobStatus.active)
    refresh_search_words(job)
    session.add(job)
    await session.flush()
    record(session, owner, AuditAction.job_created, "job_posting", job.id)
    return job


async def update_posting(
    session: AsyncSession, user: User, job_id: uuid.UUID, data: JobPostingUpdate
) -> JobPosting:
    job = await get_posting(session, job_id)
    if not can_manage(job, user):
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
    before = {field: getattr(job, field) for field in changes}
    for field, value in changes.items():
        setattr(job, field, getattr(merged, field, value))
    refresh_search_words(job)
    await session.flush()
    _record_changes(session, user, job, before)
    if "status" in before:
        await events.job_posting_status_changed(session, job, before["status"])
    return job


def _record_changes(
    session: AsyncSession, user: User, job: JobPosting, before: dict[str, Any]
) -> None:
    """One entry for a status change, one for the other fields that changed (by name)."""
    changed = sorted(field for field, old in before.items() if getattr(job, field) != old)
    if "status" in changed:
        changed.remove("status")
        _record_status(session, user, job, before["status"])
    if changed:
        record(
            session,
            user,
            AuditAction.job_updated,
            "job_posting",
            job.id,
            details={"fields": changed},
        )


def _record_status(session: AsyncSession, user: User, job: JobPosting, old: JobStatus) -> None:
    record(
        session,
        user,
        AuditAction.job_status_changed,
        "job_posting",
        job.id,
        details={"from": old.value, "to": job.status.value},
    )


async def list_managed(
    session: AsyncSession, user: User, skip: int, limit: int
) -> tuple[list[JobPosting], int]:
    """Every posting a recruiter owns (all statuses), newest first; admins see them all."""
    stmt = select(JobPosting)
    if user.role is not UserRole.admin:
        stmt = stmt.where(JobPosting.owner_id == user.id)
    total = await session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = await session.scalars(
        stmt.order_by(JobPosting.created_at.desc(), JobPosting.id.desc()).offset(skip).limit(limit)
    )
    return list(rows), total


# Which statuses each lifecycle action accepts: pausing an active posting stops
# applications for a while, reopening brings a paused or closed one back.
_STATUS_ACTIONS: dict[JobStatus, tuple[JobStatus, ...]] = {
    JobStatus.paused: (JobStatus.active,),
    JobStatus.active: (JobStatus.paused, JobStatus.closed),
}


async def move_posting(
    session: AsyncSession, user: User, job_id: uuid.UUID, target: JobStatus
) -> JobPosting:
    """Pause (target paused) or reopen (target active) an own posting; 409 from elsewhere."""
    job = await get_posting(session, job_id)
    if not can_manage(job, user):
        raise Forbidden("Not authorized to change this job posting")
    if job.status not in _STATUS_ACTIONS[target]:
        raise Conflict(
            f"Job posting is {job.status.value}; it cannot become {target.value}",
            code="job_status_not_allowed",
        )
    old = job.status
    job.status = target
    await session.flush()
    _record_status(session, user, job, old)
    await events.job_posting_status_changed(session, job, old)
    return job

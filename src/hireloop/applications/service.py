"""Applications: applying schedules the job's interview; candidates see and withdraw theirs."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from hireloop.applications.models import Application, ApplicationStatus
from hireloop.auth.models import User, UserRole
from hireloop.engine.knowledge import get_knowledge
from hireloop.errors import BadRequest, Conflict, Forbidden, NotFound
from hireloop.interviews.models import Interview, InterviewStatus
from hireloop.jobs.models import JobPosting, JobStatus
from hireloop.outbox import events

NOT_ACCEPTING = "Job posting is not accepting applications"
ALREADY_APPLIED = "Already applied to this job"
NOT_AUTHORIZED = "Not authorized to access this application"
# Once a decision is made or the candidate has left, withdrawing makes no sense.
_FINAL_STATUSES = {
    ApplicationStatus.withdrawn,
    ApplicationStatus.rejected,
    ApplicationStatus.offered,
}


def role_type_for_job(job: JobPosting) -> str:
    """The one role mapping: tech_stack first, then role_category, then fullstack."""
    return get_knowledge().map_job_role(job.tech_stack, job.role_category.value)


async def apply(session: AsyncSession, candidate: User, job_posting_id: uuid.UUID) -> Application:
    if candidate.role is not UserRole.candidate:
        raise Forbidden("Only candidates can apply to jobs")
    job = await session.get(JobPosting, job_posting_id)
    if job is None:
        raise NotFound(f"Job posting {job_posting_id} not found")
    if job.status is not JobStatus.active:
        raise BadRequest(NOT_ACCEPTING, code="job_not_accepting")
    application = Application(
        id=uuid.uuid4(),
        candidate_id=candidate.id,
        job_posting_id=job.id,
        status=ApplicationStatus.interview_scheduled,
    )
    interview = Interview(
        id=uuid.uuid4(),
        candidate_id=candidate.id,
        job_posting_id=job.id,
        role_type=role_type_for_job(job),
        status=InterviewStatus.scheduled,
    )
    application.job_posting = job
    application.interview = interview
    interview.application = application
    try:
        # The UNIQUE(candidate_id, job_posting_id) constraint decides races; a savepoint
        # keeps the request's transaction usable after a duplicate. (Objects are added
        # inside it: begin_nested() flushes whatever is pending before the savepoint.)
        async with session.begin_nested():
            session.add_all([application, interview])
            await session.flush()
    except IntegrityError:
        if await _has_applied(session, candidate.id, job.id):
            raise Conflict(ALREADY_APPLIED, code="already_applied") from None
        raise
    await events.application_created(session, application)
    return application


async def _has_applied(session: AsyncSession, candidate_id: uuid.UUID, job_id: uuid.UUID) -> bool:
    found = await session.scalar(
        select(Application.id).where(
            Application.candidate_id == candidate_id, Application.job_posting_id == job_id
        )
    )
    return found is not None


async def load_application(session: AsyncSession, application_id: uuid.UUID) -> Application:
    """An application with its posting and interview, whoever asks (callers check access)."""
    application = await session.scalar(
        select(Application)
        .where(Application.id == application_id)
        .options(joinedload(Application.job_posting), joinedload(Application.interview))
    )
    if application is None:
        raise NotFound(f"Application {application_id} not found")
    return application


async def get_application(
    session: AsyncSession, user: User, application_id: uuid.UUID
) -> Application:
    application = await load_application(session, application_id)
    if not can_view(application, user):
        raise Forbidden(NOT_AUTHORIZED)
    return application


def can_view(application: Application, user: User) -> bool:
    if user.role is UserRole.admin or application.candidate_id == user.id:
        return True
    return user.role is UserRole.recruiter and application.job_posting.owner_id == user.id


async def list_mine(
    session: AsyncSession, candidate: User, skip: int, limit: int
) -> tuple[list[Application], int]:
    mine = Application.candidate_id == candidate.id
    total = await session.scalar(select(func.count()).select_from(Application).where(mine)) or 0
    rows = await session.scalars(
        select(Application)
        .where(mine)
        .options(joinedload(Application.job_posting), joinedload(Application.interview))
        .order_by(Application.applied_at.desc(), Application.id.desc())
        .offset(skip)
        .limit(limit)
    )
    return list(rows), total


async def withdrawable(
    session: AsyncSession, candidate: User, application_id: uuid.UUID
) -> Application:
    """The candidate's own application, if it can still be withdrawn."""
    application = await get_application(session, candidate, application_id)
    if application.candidate_id != candidate.id:
        raise Forbidden(NOT_AUTHORIZED)
    if application.status in _FINAL_STATUSES:
        raise Conflict(
            f"Application cannot be withdrawn: it is {application.status.value}",
            code="cannot_withdraw",
        )
    return application


async def withdraw(
    session: AsyncSession, candidate: User, application_id: uuid.UUID
) -> Application:
    application = await withdrawable(session, candidate, application_id)
    previous = application.status
    application.status = ApplicationStatus.withdrawn
    interview = application.interview
    if interview is not None and interview.status in (
        InterviewStatus.scheduled,
        InterviewStatus.in_progress,
    ):
        interview.status = InterviewStatus.abandoned
    await session.flush()
    await events.application_status_changed(session, application, previous)
    return application


async def mine_for_job(
    session: AsyncSession, candidate: User, job_id: uuid.UUID
) -> Application | None:
    """The candidate's application to one job, if any (the job page shows it)."""
    found: Application | None = await session.scalar(
        select(Application)
        .where(Application.candidate_id == candidate.id, Application.job_posting_id == job_id)
        .options(joinedload(Application.interview))
    )
    return found

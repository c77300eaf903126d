"""Recruiters judge applicants: the ranking per posting and the status moves.

Only the posting's recruiter (or an admin) may do either; candidates never can.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from hireloop.applications.models import Application, ApplicationStatus
from hireloop.audit.models import AuditAction
from hireloop.audit.service import record
from hireloop.auth.models import User
from hireloop.db import utcnow
from hireloop.errors import Conflict, Forbidden, NotFound
from hireloop.interviews.models import AssessmentResult, Interview, InterviewStatus
from hireloop.jobs.models import JobPosting
from hireloop.jobs.service import can_manage, get_posting
from hireloop.mail import notifications
from hireloop.outbox import events

S = ApplicationStatus
# Every status move a recruiter may make. Decisions (rejected, offered) and a
# candidate's withdrawal are final; an interview that is under way is left to finish.
ALLOWED_TRANSITIONS: dict[ApplicationStatus, tuple[ApplicationStatus, ...]] = {
    S.applied: (S.rejected,),
    S.interview_scheduled: (S.rejected,),
    S.interview_in_progress: (),
    S.interview_completed: (S.under_review, S.rejected, S.offered),
    S.under_review: (S.rejected, S.offered),
    S.rejected: (),
    S.offered: (),
    S.withdrawn: (),
}
NOT_YOUR_POSTING = "Not authorized to review applications for this job posting"


def allowed_transitions(status: ApplicationStatus) -> tuple[ApplicationStatus, ...]:
    return ALLOWED_TRANSITIONS[status]


@dataclass
class Applicant:
    rank: int
    application: Application
    candidate: User
    interview: Interview | None
    result: AssessmentResult | None


async def managed_posting(session: AsyncSession, user: User, job_id: uuid.UUID) -> JobPosting:
    """A posting the user may review: 404 if unknown, 403 if someone else's."""
    job = await get_posting(session, job_id)
    if not can_manage(job, user):
        raise Forbidden(NOT_YOUR_POSTING)
    return job


async def rank_applicants(
    session: AsyncSession,
    user: User,
    job_id: uuid.UUID,
    skip: int,
    limit: int,
    status: ApplicationStatus | None = None,
) -> tuple[JobPosting, list[Applicant], int]:
    """Applicants, best overall score first; those without results follow, oldest first."""
    job = await managed_posting(session, user, job_id)
    condition = Application.job_posting_id == job.id
    if status is not None:
        condition = condition & (Application.status == status)
    total = await session.scalar(select(func.count()).select_from(Application).where(condition))
    score = AssessmentResult.overall_score
    rows = await session.execute(
        _with_results()
        .where(condition)
        # Portable "NULLS LAST": SQLite and PostgreSQL disagree on the default.
        .order_by(
            case((score.is_(None), 1), else_=0),
            score.desc(),
            Application.applied_at,
            Application.id,
        )
        .offset(skip)
        .limit(limit)
    )
    applicants = [
        Applicant(skip + index + 1, application, candidate, interview, result)
        for index, (application, candidate, interview, result) in enumerate(rows)
    ]
    return job, applicants, total or 0


async def change_status(
    session: AsyncSession, user: User, application_id: uuid.UUID, new_status: ApplicationStatus
) -> Application:
    # The row lock makes two reviewers' simultaneous moves apply one after the other,
    # so the second is judged against the first's result.
    application = await session.scalar(
        select(Application)
        .where(Application.id == application_id)
        .with_for_update(of=Application)
        .execution_options(populate_existing=True)
    )
    if application is None:
        raise NotFound(f"Application {application_id} not found")
    job = await session.get(JobPosting, application.job_posting_id)
    if job is None or not can_manage(job, user):
        raise Forbidden(NOT_YOUR_POSTING)
    current = application.status
    if new_status not in ALLOWED_TRANSITIONS[current]:
        allowed = ", ".join(s.value for s in ALLOWED_TRANSITIONS[current]) or "none"
        raise Conflict(
            f"Cannot move an application from {current.value} to {new_status.value} "
            f"(allowed: {allowed})",
            code="status_change_not_allowed",
        )
    application.status = new_status
    # Human oversight: the person who made the decision, and when.
    application.status_decided_by_id = user.id
    application.status_decided_at = utcnow()
    record(
        session,
        user,
        AuditAction.application_status_changed,
        "application",
        application.id,
        person_id=application.candidate_id,
        details={"from": current.value, "to": new_status.value, "job_posting_id": str(job.id)},
    )
    if new_status is S.rejected and application.interview_id is not None:
        # A rejected applicant's pending interview can no longer be started.
        interview = await session.get(Interview, application.interview_id)
        if interview is not None and interview.status is InterviewStatus.scheduled:
            interview.status = InterviewStatus.abandoned
    await notifications.status_changed(session, application)
    await session.flush()
    await events.application_status_changed(session, application, current)
    loaded = await session.scalar(
        select(Application)
        .where(Application.id == application.id)
        .options(joinedload(Application.job_posting), joinedload(Application.interview))
        .execution_options(populate_existing=True)
    )
    assert loaded is not None
    return loaded


def _with_results() -> Select[Application, User, Interview, AssessmentResult]:
    """Applications with their candidate, interview and results (the last two may be null)."""
    return (
        select(Application, User, Interview, AssessmentResult)
        .join(User, User.id == Application.candidate_id)
        .outerjoin(Interview, Interview.id == Application.interview_id)
        .outerjoin(AssessmentResult, AssessmentResult.interview_id == Application.interview_id)
    )


async def compare_applicants(
    session: AsyncSession, user: User, job_id: uuid.UUID, application_ids: list[uuid.UUID]
) -> tuple[JobPosting, list[Applicant]]:
    """The chosen applicants of one posting, in the order chosen, for its recruiter.

    Every id must be an application to this posting: one that is not (unknown, or another
    posting's) is refused as not found, whoever's it is, so nothing is told about it.
    """
    job = await managed_posting(session, user, job_id)
    rows = await session.execute(
        _with_results().where(
            Application.id.in_(application_ids), Application.job_posting_id == job.id
        )
    )
    found = {
        application.id: Applicant(0, application, candidate, interview, result)
        for application, candidate, interview, result in rows
    }
    if any(application_id not in found for application_id in application_ids):
        raise NotFound("Some of the chosen applicants did not apply to this job.")
    return job, [found[application_id] for application_id in application_ids]


async def applicant(session: AsyncSession, user: User, application_id: uuid.UUID) -> Applicant:
    """One applicant with their interview and results, for the posting's recruiter."""
    row = (
        await session.execute(
            _with_results()
            .where(Application.id == application_id)
            .options(joinedload(Application.job_posting))
        )
    ).first()
    if row is None:
        raise NotFound(f"Application {application_id} not found")
    application, candidate, interview, result = row
    if not can_manage(application.job_posting, user):
        raise Forbidden(NOT_YOUR_POSTING)
    return Applicant(0, application, candidate, interview, result)

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from hireloop.applications import oversight, review
from hireloop.applications.models import ApplicationStatus
from hireloop.applications.schemas import (
    ApplicantList,
    ApplicantRead,
    CandidateSummary,
    HumanReviewRead,
    LinkedInterview,
    Paging,
    ResultSummary,
    StaffSummary,
)
from hireloop.auth.dependencies import RecruiterUser
from hireloop.consent.schemas import ConsentRead
from hireloop.db import SessionDep
from hireloop.errors import error_responses
from hireloop.jobs import service
from hireloop.jobs.models import JobStatus
from hireloop.jobs.schemas import (
    JobPostingCreate,
    JobPostingFilters,
    JobPostingList,
    JobPostingRead,
    JobPostingSummary,
    JobPostingUpdate,
)

router = APIRouter(prefix="/job-postings", tags=["job postings"])


@router.get("", responses=error_responses(422))
async def list_job_postings(
    session: SessionDep, filters: Annotated[JobPostingFilters, Query()]
) -> JobPostingList:
    """Active postings, newest first, with optional filters and full-text `search`."""
    page = await service.list_postings(session, filters)
    return JobPostingList(
        items=[JobPostingRead.model_validate(job) for job in page.items],
        total=page.total,
        total_is_estimate=page.total_is_estimate,
        skip=filters.skip,
        limit=filters.limit,
    )


@router.get("/mine", responses=error_responses(401, 403, 422))
async def my_job_postings(
    user: RecruiterUser, session: SessionDep, paging: Annotated[Paging, Query()]
) -> JobPostingList:
    """Recruiters: their own postings in every status, newest first (admins: all postings)."""
    items, total = await service.list_managed(session, user, paging.skip, paging.limit)
    return JobPostingList(
        items=[JobPostingRead.model_validate(job) for job in items],
        total=total,
        skip=paging.skip,
        limit=paging.limit,
    )


@router.get("/{job_id}", responses=error_responses(404, 422))
async def get_job_posting(job_id: uuid.UUID, session: SessionDep) -> JobPostingRead:
    """One active posting."""
    return JobPostingRead.model_validate(await service.get_visible_posting(session, job_id, None))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403, 422),
)
async def create_job_posting(
    data: JobPostingCreate, user: RecruiterUser, session: SessionDep
) -> JobPostingRead:
    """Recruiters: post a job (owned by the caller)."""
    return JobPostingRead.model_validate(await service.create_posting(session, user, data))


@router.patch("/{job_id}", responses=error_responses(401, 403, 404, 422))
async def update_job_posting(
    job_id: uuid.UUID, data: JobPostingUpdate, user: RecruiterUser, session: SessionDep
) -> JobPostingRead:
    """Recruiters: change an own posting (including its status)."""
    job = await service.update_posting(session, user, job_id, data)
    return JobPostingRead.model_validate(job)


@router.post("/{job_id}/close", responses=error_responses(401, 403, 404))
async def close_job_posting(
    job_id: uuid.UUID, user: RecruiterUser, session: SessionDep
) -> JobPostingRead:
    """Recruiters: stop accepting applications for an own posting."""
    job = await service.update_posting(
        session, user, job_id, JobPostingUpdate(status=JobStatus.closed)
    )
    return JobPostingRead.model_validate(job)


@router.post("/{job_id}/pause", responses=error_responses(401, 403, 404, 409, 422))
async def pause_job_posting(
    job_id: uuid.UUID, user: RecruiterUser, session: SessionDep
) -> JobPostingRead:
    """Recruiters: stop applications to an active own posting for now (409 otherwise)."""
    job = await service.move_posting(session, user, job_id, JobStatus.paused)
    return JobPostingRead.model_validate(job)


@router.post("/{job_id}/reopen", responses=error_responses(401, 403, 404, 409, 422))
async def reopen_job_posting(
    job_id: uuid.UUID, user: RecruiterUser, session: SessionDep
) -> JobPostingRead:
    """Recruiters: accept applications again on a paused or closed own posting."""
    job = await service.move_posting(session, user, job_id, JobStatus.active)
    return JobPostingRead.model_validate(job)


@router.get("/{job_id}/applications", responses=error_responses(401, 403, 404, 422))
async def list_job_applicants(
    job_id: uuid.UUID,
    user: RecruiterUser,
    session: SessionDep,
    paging: Annotated[Paging, Query()],
    status: ApplicationStatus | None = None,
) -> ApplicantList:
    """Recruiters: applicants to an own posting, ranked by overall interview score
    (applicants without results last), with status, result summary and next moves, who
    decided the status, the candidate's acceptance of the candidate notice and any
    request for a human review."""
    job, applicants, total = await review.rank_applicants(
        session, user, job_id, paging.skip, paging.limit, status
    )
    seen = await oversight.oversight_of(session, (a.application for a in applicants))
    return ApplicantList(
        job_posting=JobPostingSummary.model_validate(job),
        items=[applicant_read(a, seen) for a in applicants],
        total=total,
        skip=paging.skip,
        limit=paging.limit,
    )


def applicant_read(a: review.Applicant, seen: oversight.Oversight) -> ApplicantRead:
    application = a.application
    decider_id = application.status_decided_by_id
    decider = seen.deciders.get(decider_id) if decider_id else None
    consent = seen.consents.get(application.candidate_id)
    human_review = seen.reviews.get(application.id)
    return ApplicantRead(
        rank=a.rank,
        id=application.id,
        status=application.status,
        applied_at=application.applied_at,
        updated_at=application.updated_at,
        candidate=CandidateSummary.model_validate(a.candidate),
        interview=LinkedInterview.model_validate(a.interview) if a.interview else None,
        result=ResultSummary.model_validate(a.result) if a.result else None,
        allowed_transitions=list(review.allowed_transitions(application.status)),
        status_decided_by=StaffSummary.model_validate(decider) if decider else None,
        status_decided_at=application.status_decided_at,
        consent=ConsentRead.model_validate(consent) if consent else None,
        human_review=HumanReviewRead.model_validate(human_review) if human_review else None,
    )

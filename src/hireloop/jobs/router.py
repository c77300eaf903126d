from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from hireloop.auth.dependencies import RecruiterUser
from hireloop.db import SessionDep
from hireloop.errors import error_responses
from hireloop.jobs import service
from hireloop.jobs.models import JobStatus
from hireloop.jobs.schemas import (
    JobPostingCreate,
    JobPostingFilters,
    JobPostingList,
    JobPostingRead,
    JobPostingUpdate,
)

router = APIRouter(prefix="/job-postings", tags=["job postings"])


@router.get("", responses=error_responses(422))
async def list_job_postings(
    session: SessionDep, filters: Annotated[JobPostingFilters, Query()]
) -> JobPostingList:
    """Active postings, newest first, with optional filters and full-text `search`."""
    items, total = await service.list_postings(session, filters)
    return JobPostingList(
        items=[JobPostingRead.model_validate(job) for job in items],
        total=total,
        skip=filters.skip,
        limit=filters.limit,
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

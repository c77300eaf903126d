from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from hireloop.applications import oversight, review, service
from hireloop.applications.schemas import (
    ApplicationCreate,
    ApplicationList,
    ApplicationRead,
    ApplicationStatusUpdate,
    HumanReviewCreate,
    HumanReviewRead,
    HumanReviewState,
    Paging,
)
from hireloop.auth.dependencies import CurrentUser, RecruiterUser
from hireloop.db import SessionDep
from hireloop.errors import error_responses

router = APIRouter(prefix="/applications", tags=["applications"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
async def apply_to_job(
    data: ApplicationCreate, user: CurrentUser, session: SessionDep
) -> ApplicationRead:
    """Apply to an active job; the job's interview is scheduled at once."""
    application = await service.apply(session, user, data.job_posting_id)
    return ApplicationRead.model_validate(application)


@router.get("/me", responses=error_responses(401, 422))
async def my_applications(
    user: CurrentUser, session: SessionDep, paging: Annotated[Paging, Query()]
) -> ApplicationList:
    """The caller's applications, newest first."""
    items, total = await service.list_mine(session, user, paging.skip, paging.limit)
    return ApplicationList(
        items=[ApplicationRead.model_validate(item) for item in items],
        total=total,
        skip=paging.skip,
        limit=paging.limit,
    )


@router.get("/{application_id}", responses=error_responses(401, 403, 404, 422))
async def get_application(
    application_id: uuid.UUID, user: CurrentUser, session: SessionDep
) -> ApplicationRead:
    """One application: the candidate's own, or one for the recruiter's posting."""
    return ApplicationRead.model_validate(
        await service.get_application(session, user, application_id)
    )


@router.post("/{application_id}/withdraw", responses=error_responses(401, 403, 404, 409, 422))
async def withdraw_application(
    application_id: uuid.UUID, user: CurrentUser, session: SessionDep
) -> ApplicationRead:
    """Withdraw one's own application (its pending interview is abandoned)."""
    return ApplicationRead.model_validate(await service.withdraw(session, user, application_id))


@router.patch("/{application_id}", responses=error_responses(401, 403, 404, 409, 422))
async def review_application(
    application_id: uuid.UUID,
    data: ApplicationStatusUpdate,
    user: RecruiterUser,
    session: SessionDep,
) -> ApplicationRead:
    """Recruiters: move an application of an own posting to under_review, rejected or
    offered. Only these moves are allowed (409 otherwise): from interview_completed to any
    of the three; from under_review to rejected or offered; applied or interview_scheduled
    to rejected. rejected, offered and withdrawn are final. Who decided and when are
    recorded (`status_decided_by_id`, `status_decided_at`)."""
    application = await review.change_status(session, user, application_id, data.status)
    return ApplicationRead.model_validate(application)


@router.post(
    "/{application_id}/human-review",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def request_human_review(
    application_id: uuid.UUID,
    user: CurrentUser,
    session: SessionDep,
    data: HumanReviewCreate | None = None,
) -> HumanReviewRead:
    """Candidates: ask for a person to review the result of this application's job
    interview (once per application: again → 409 `human_review_already_requested`; no
    completed interview yet → 409 `no_result_to_review`). An optional `message` (up to
    1000 characters) tells the recruiter why. Someone else's application → 403."""
    request = await oversight.request_review(
        session, user, application_id, data.message if data else None
    )
    return HumanReviewRead.model_validate(request)


@router.get("/{application_id}/human-review", responses=error_responses(401, 403, 404, 422))
async def get_human_review(
    application_id: uuid.UUID, user: CurrentUser, session: SessionDep
) -> HumanReviewState:
    """Whether a human review of the application's result was requested, and the request
    (its candidate, or the posting's recruiter)."""
    request = await oversight.review_of(session, user, application_id)
    return HumanReviewState(
        requested=request is not None,
        request=HumanReviewRead.model_validate(request) if request else None,
    )


@router.post(
    "/{application_id}/human-review/handled", responses=error_responses(401, 403, 404, 422)
)
async def mark_human_review_handled(
    application_id: uuid.UUID, user: RecruiterUser, session: SessionDep
) -> HumanReviewRead:
    """Recruiters: mark the candidate's request handled, once a person has reviewed the
    result (idempotent: the first marking is kept); 404 `no_human_review_request` when
    none was made."""
    return HumanReviewRead.model_validate(
        await oversight.mark_handled(session, user, application_id)
    )

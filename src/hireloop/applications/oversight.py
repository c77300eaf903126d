"""Human oversight: a candidate asks for a person to review their job interview result,
and the posting's recruiter sees the request and marks it handled.

The score is advice; these requests make sure a person looks when the candidate asks.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.applications.models import Application, ApplicationStatus, HumanReviewRequest
from hireloop.applications.service import load_application
from hireloop.audit.models import AuditAction
from hireloop.audit.service import record
from hireloop.auth.models import User
from hireloop.consent.models import Consent
from hireloop.consent.service import latest_for
from hireloop.db import utcnow
from hireloop.errors import Conflict, Forbidden, NotFound
from hireloop.interviews.models import InterviewStatus
from hireloop.jobs.service import can_manage

NOT_YOURS = "Not authorized to access this application"
NO_RESULT = "There is no completed job interview on this application to review yet"
ALREADY_REQUESTED = "A human review of this application's result was already requested"
NO_REQUEST = "No human review was requested for this application"
NOT_YOUR_POSTING = "Not authorized to handle review requests for this job posting"


async def request_of(session: AsyncSession, application_id: uuid.UUID) -> HumanReviewRequest | None:
    found: HumanReviewRequest | None = await session.scalar(
        select(HumanReviewRequest).where(HumanReviewRequest.application_id == application_id)
    )
    return found


async def request_review(
    session: AsyncSession, candidate: User, application_id: uuid.UUID, message: str | None
) -> HumanReviewRequest:
    """The candidate asks, once per application, for a person to review their result."""
    application = await load_application(session, application_id)
    if application.candidate_id != candidate.id:
        raise Forbidden(NOT_YOURS)
    interview = application.interview
    if interview is None or interview.status is not InterviewStatus.completed:
        raise Conflict(NO_RESULT, code="no_result_to_review")
    if application.status is ApplicationStatus.withdrawn:
        raise Conflict("The application was withdrawn", code="application_withdrawn")
    if await request_of(session, application.id) is not None:
        raise Conflict(ALREADY_REQUESTED, code="human_review_already_requested")
    request = HumanReviewRequest(
        id=uuid.uuid4(),
        application_id=application.id,
        candidate_id=candidate.id,
        message=(message or "").strip() or None,
        requested_at=utcnow(),
    )
    try:
        # Two requests at once: the unique application_id keeps the first.
        async with session.begin_nested():
            session.add(request)
            await session.flush()
    except IntegrityError:
        raise Conflict(ALREADY_REQUESTED, code="human_review_already_requested") from None
    return request


async def review_of(
    session: AsyncSession, user: User, application_id: uuid.UUID
) -> HumanReviewRequest | None:
    """The request on an application, if any: for its candidate or the posting's recruiter."""
    application = await load_application(session, application_id)
    if application.candidate_id != user.id and not can_manage(application.job_posting, user):
        raise Forbidden(NOT_YOURS)
    return await request_of(session, application.id)


async def mark_handled(
    session: AsyncSession, recruiter: User, application_id: uuid.UUID
) -> HumanReviewRequest:
    """The posting's recruiter has reviewed the result in person (idempotent)."""
    application = await load_application(session, application_id)
    if not can_manage(application.job_posting, recruiter):
        raise Forbidden(NOT_YOUR_POSTING)
    request = await request_of(session, application.id)
    if request is None:
        raise NotFound(NO_REQUEST, code="no_human_review_request")
    if request.handled_at is None:
        request.handled_at = utcnow()
        request.handled_by_id = recruiter.id
        record(
            session,
            recruiter,
            AuditAction.human_review_handled,
            "application",
            application.id,
            person_id=application.candidate_id,
        )
        await session.flush()
    return request


@dataclass
class Oversight:
    """What recruiters see beside applicants: each candidate's latest notice acceptance and
    each application's human review request."""

    consents: dict[uuid.UUID, Consent]  # by candidate id
    reviews: dict[uuid.UUID, HumanReviewRequest]  # by application id
    deciders: dict[uuid.UUID, User]  # who decided a status, by user id


async def oversight_of(session: AsyncSession, applications: Iterable[Application]) -> Oversight:
    rows = list(applications)
    consents = await latest_for(session, (a.candidate_id for a in rows))
    reviews: dict[uuid.UUID, HumanReviewRequest] = {}
    deciders: dict[uuid.UUID, User] = {}
    if rows:
        found = await session.scalars(
            select(HumanReviewRequest).where(
                HumanReviewRequest.application_id.in_([a.id for a in rows])
            )
        )
        reviews = {r.application_id: r for r in found}
        decider_ids = {a.status_decided_by_id for a in rows if a.status_decided_by_id}
        if decider_ids:
            users = await session.scalars(select(User).where(User.id.in_(decider_ids)))
            deciders = {u.id: u for u in users}
    return Oversight(consents, reviews, deciders)

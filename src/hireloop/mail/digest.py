"""The recruiters' digest: every ``HIRELOOP_DIGEST_INTERVAL_HOURS``, one email per recruiter
listing the interviews completed for their postings since the last one.

Each listed interview gets a ``digested_interviews`` row in the same transaction as the
queued email, so an interview is never listed twice; two processes running the digest at
once collide on that primary key and one of them rolls back (nothing sent twice).
"""

from __future__ import annotations

import contextlib
import uuid
from collections import defaultdict

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hireloop.auth.models import User
from hireloop.config import Settings
from hireloop.db import utcnow
from hireloop.interviews.models import AssessmentResult, Interview, InterviewStatus
from hireloop.invitations.models import DigestedInterview
from hireloop.jobs.models import JobPosting
from hireloop.mail.outbox import EmailKind, send_email
from hireloop.periodic import repeating

log = structlog.get_logger(__name__)
# Interviews per digest run; more wait for the next run.
BATCH = 2000


async def queue_digests(session: AsyncSession, settings: Settings) -> int:
    """Queue the digests due now; returns how many emails were queued (0: nothing new)."""
    rows = await session.execute(
        select(Interview.id, JobPosting.owner_id)
        .join(JobPosting, JobPosting.id == Interview.job_posting_id)
        .join(AssessmentResult, AssessmentResult.interview_id == Interview.id)
        .outerjoin(DigestedInterview, DigestedInterview.interview_id == Interview.id)
        .where(
            Interview.status == InterviewStatus.completed,
            Interview.application_id.is_not(None),
            JobPosting.owner_id.is_not(None),
            DigestedInterview.interview_id.is_(None),
        )
        .order_by(Interview.completed_at, Interview.id)
        .limit(BATCH)
    )
    per_recruiter: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for interview_id, owner_id in rows:
        if owner_id is not None:  # the query keeps only owned postings
            per_recruiter[owner_id].append(interview_id)
    if not per_recruiter:
        return 0
    now = utcnow()
    recruiters = {
        user.id: user
        for user in await session.scalars(select(User).where(User.id.in_(per_recruiter)))
    }
    for recruiter_id, interview_ids in per_recruiter.items():
        session.add_all(
            DigestedInterview(interview_id=interview_id, digested_at=now)
            for interview_id in interview_ids
        )
        recruiter = recruiters.get(recruiter_id)
        if recruiter is None:
            continue
        await send_email(
            session,
            EmailKind.digest,
            {
                "recruiter_id": str(recruiter_id),
                "interview_ids": [str(interview_id) for interview_id in interview_ids],
            },
            destination=recruiter.email,
            person_id=recruiter.id,
            base_url=settings.public_url,
        )
    await session.flush()
    return len(per_recruiter)


async def digest_once(maker: async_sessionmaker[AsyncSession], settings: Settings) -> int:
    async with maker() as session:
        queued = await queue_digests(session, settings)
        await session.commit()
    if queued:
        log.info("digests_queued", recruiters=queued)
    return queued


def recruiter_digest(
    maker: async_sessionmaker[AsyncSession], settings: Settings
) -> contextlib.AbstractAsyncContextManager[None]:
    """Queue the digests in the background every interval while the app runs."""
    return repeating(
        "recruiter-digest",
        settings.digest_interval_hours * 3600,
        lambda: digest_once(maker, settings),
    )

"""Reading interviews: the caller's list, a transcript page and the results."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.auth.models import User
from hireloop.config import Settings
from hireloop.errors import Conflict
from hireloop.interviews.models import (
    AssessmentResult,
    Interview,
    InterviewMessage,
    InterviewStatus,
)
from hireloop.interviews.service import readable_interview


async def get_results(
    session: AsyncSession, user: User, interview_id: uuid.UUID, settings: Settings
) -> tuple[Interview, AssessmentResult]:
    interview = await readable_interview(session, user, interview_id, settings)
    if interview.status is not InterviewStatus.completed:
        raise Conflict(
            f"Results are available once the interview is completed "
            f"(status: {interview.status.value})"
        )
    result = await session.scalar(
        select(AssessmentResult).where(AssessmentResult.interview_id == interview.id)
    )
    if result is None:
        raise Conflict("Results are not available for this interview")
    return interview, result


async def transcript(
    session: AsyncSession,
    user: User,
    interview_id: uuid.UUID,
    settings: Settings,
    after_sequence: int,
    limit: int,
) -> tuple[Interview, list[InterviewMessage]]:
    interview = await readable_interview(session, user, interview_id, settings)
    rows = await session.scalars(
        select(InterviewMessage)
        .where(
            InterviewMessage.interview_id == interview.id,
            InterviewMessage.sequence_number > after_sequence,
        )
        .order_by(InterviewMessage.sequence_number)
        .limit(limit)
    )
    return interview, list(rows)


async def list_mine(
    session: AsyncSession, user: User, skip: int, limit: int
) -> tuple[list[Interview], int]:
    mine = Interview.candidate_id == user.id
    total = await session.scalar(select(func.count()).select_from(Interview).where(mine)) or 0
    rows = await session.scalars(
        select(Interview)
        .where(mine)
        .order_by(Interview.created_at.desc(), Interview.id.desc())
        .offset(skip)
        .limit(limit)
    )
    return list(rows), total

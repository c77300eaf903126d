"""Reading interviews: the caller's list, a transcript page and the results."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.applications.models import Application
from hireloop.audit.service import record_results_view
from hireloop.auth.models import User
from hireloop.config import Settings
from hireloop.engine.state import EngineState
from hireloop.errors import Conflict
from hireloop.interviews.models import (
    AssessmentResult,
    Interview,
    InterviewMessage,
    InterviewStatus,
)
from hireloop.interviews.schemas import Progress
from hireloop.interviews.service import readable_interview


async def get_results(
    session: AsyncSession, user: User, interview_id: uuid.UUID, *, via: str = "api"
) -> tuple[Interview, AssessmentResult]:
    """The results; a recruiter's or admin's view is recorded in the audit log (the one
    read that writes: the log must show who saw a candidate's results)."""
    interview = await readable_interview(session, user, interview_id)
    return interview, await results_of(session, user, interview, via=via)


async def results_of(
    session: AsyncSession, user: User, interview: Interview, *, via: str = "api"
) -> AssessmentResult:
    """The results of an interview ``user`` may read (see ``readable_interview``); a
    recruiter's or admin's view is recorded in the audit log."""
    if interview.status is not InterviewStatus.completed:
        raise Conflict(
            f"Results are available once the interview is completed "
            f"(status: {interview.status.value})",
            code="interview_not_completed",
        )
    result = await session.scalar(
        select(AssessmentResult).where(AssessmentResult.interview_id == interview.id)
    )
    if result is None:
        raise Conflict("Results are not available for this interview", code="no_results")
    record_results_view(
        session,
        user,
        interview_id=interview.id,
        candidate_id=interview.candidate_id,
        job_posting_id=interview.job_posting_id,
        via=via,
    )
    return result


async def transcript(
    session: AsyncSession,
    user: User,
    interview_id: uuid.UUID,
    after_sequence: int,
    limit: int,
) -> tuple[Interview, list[InterviewMessage]]:
    interview = await readable_interview(session, user, interview_id)
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


async def application_of(session: AsyncSession, interview: Interview) -> Application | None:
    """The application a job interview belongs to (None for practice), for an interview
    the caller may already read."""
    if interview.application_id is None:
        return None
    return await session.get(Application, interview.application_id)


def progress_of(state: EngineState, settings: Settings) -> Progress:
    """Each planned skill in one place: asked already, asked now, or still to come."""
    levels = state.skill_levels
    current = state.cursor.skill_id
    asked = {s.id for s in state.skill_plan if s.id in levels and levels[s.id].primary_questions}
    # A skill closed without a question (its pack had none left) is not to come either.
    skipped = {s.id for s in state.skill_plan if s.id in levels and levels[s.id].closed}
    return Progress(
        question_number=state.questions_asked_count,
        max_questions=settings.max_questions,
        difficulty=state.current_difficulty_level,
        skills_done=[s.name for s in state.skill_plan if s.id in asked and s.id != current],
        skill_current=next((s.name for s in state.skill_plan if s.id == current), None),
        skills_pending=[
            s.name for s in state.skill_plan if s.id not in asked | skipped | {current}
        ],
    )

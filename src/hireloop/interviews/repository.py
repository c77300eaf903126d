"""The interview queries: loading and saving the engine state, the start's query and
writer, sequence and message lookups, answer records and the idle sweep.

The services (``start``, ``answers``, ``service``) decide; this module only reads and
writes rows. The start is the hot path: its query is built once, at import, and its rows
are written with ``write_together`` (one round trip on PostgreSQL) instead of the unit of
work, because the benchmark showed the flush costing more than the rest of the start.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, contains_eager, joinedload

# Every mapped class, first: building the start query and listing the interview's
# columns at import configure the mappers, which needs all of them (e.g. JobPosting).
import hireloop.models  # noqa: F401
from hireloop.applications.models import Application
from hireloop.consent.models import Consent
from hireloop.engine.results import AnswerRecord
from hireloop.engine.state import EngineState
from hireloop.interviews.models import (
    Interview,
    InterviewMessage,
    InterviewSession,
    InterviewStatus,
    MessageType,
)
from hireloop.resumes.interviews import NOT_LOOKED_UP
from hireloop.resumes.models import Resume
from hireloop.write_together import write_together

# -- the engine state: one document, loaded and saved whole ----------------------------


def engine_state(row: InterviewSession) -> EngineState:
    """The stored state, upgraded to the current version if an older one wrote it."""
    return EngineState.from_document(row.state)


def store_engine_state(row: InterviewSession, state: EngineState) -> None:
    row.state = state.to_document()  # a new value: the ORM writes it whole


# -- one interview ----------------------------------------------------------------------


async def interview_with_state(
    session: AsyncSession, interview_id: uuid.UUID, *, for_update: bool = False
) -> Interview | None:
    """An interview with its session state and job; locked with ``for_update``."""
    stmt = (
        select(Interview)
        .where(Interview.id == interview_id)
        .options(joinedload(Interview.session), joinedload(Interview.job_posting))
    )
    if for_update:
        stmt = stmt.with_for_update(of=Interview).execution_options(populate_existing=True)
    interview = await session.scalar(stmt)
    if for_update and interview is not None and interview.session is not None:
        # PostgreSQL re-reads only the locked row once a waiting lock is granted; rows
        # joined to it keep the version from before the wait. The engine state is read
        # again now, so a turn that waited sees the turn that went first.
        await session.refresh(interview.session)
    return interview


_INTERVIEW_COLUMNS = [column.key for column in sa_inspect(Interview).column_attrs]


async def relock_interview(session: AsyncSession, interview: Interview) -> None:
    """Lock an interview loaded earlier in this session (in an earlier transaction) again
    and refresh its own columns; its session state and job stay as they were loaded."""
    await session.refresh(interview, _INTERVIEW_COLUMNS, with_for_update=True)


async def abandon_idle(session: AsyncSession, cutoff: datetime, now: datetime) -> int:
    """Mark every interview in progress with no activity since ``cutoff`` abandoned, in
    one idempotent statement; how many."""
    idle = select(InterviewSession.interview_id).where(InterviewSession.last_activity_at < cutoff)
    swept = await session.execute(
        update(Interview)
        .where(Interview.status == InterviewStatus.in_progress, Interview.id.in_(idle))
        .values(status=InterviewStatus.abandoned, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(swept, "rowcount", 0) or 0)


# -- starting ---------------------------------------------------------------------------

# Built once, at import: starts are the hot path, and building this join (and the
# alias's column collection) on every request costs more than running it.
_ActiveResume = aliased(Resume, name="active_resume")
# Whether the candidate accepted the current candidate notice: read with the start's
# own row rather than in a query of its own (the start is the hot path).
_CONSENTED = (
    select(Consent.id)
    .where(
        Consent.user_id == Application.candidate_id,
        Consent.notice_version == bindparam("notice_version"),
    )
    .exists()
)

_START_QUERY = (
    select(Application, _ActiveResume, _CONSENTED)
    .join(Application.job_posting)
    .join(Interview, Interview.id == Application.interview_id)
    .outerjoin(
        _ActiveResume,
        # A bare boolean predicate, so PostgreSQL uses the one-active partial index.
        (_ActiveResume.candidate_id == Application.candidate_id) & _ActiveResume.is_active,
    )
    .where(Application.id == bindparam("application_id"))
    .options(
        contains_eager(Application.job_posting),
        # Not the session state: a scheduled interview has none, and resuming one
        # (rare) loads it separately.
        contains_eager(Application.interview),
    )
    .with_for_update(of=Interview)
    .execution_options(populate_existing=True)
)


async def application_with_locked_interview(
    session: AsyncSession, application_id: uuid.UUID, notice_version: str
) -> tuple[Application | None, Resume | object | None, bool | None]:
    """The application with its job, its interview, the candidate's active resume and
    whether they accepted the notice version ``notice_version``, in one query
    (``NOT_LOOKED_UP`` for the resume and None for the acceptance when the application
    has no interview).

    The interview row is locked (FOR UPDATE on PostgreSQL; SQLite transactions already
    hold the write lock) so two concurrent starts cannot both begin it.
    """
    parameters = {"application_id": application_id, "notice_version": notice_version}
    row = (await session.execute(_START_QUERY, parameters)).first()
    if row is not None:
        return row[0], row[1], row[2]
    # Unknown, or an application whose interview is gone (e.g. from before interviews
    # were scheduled at apply time): load it without one.
    application = await session.scalar(
        select(Application)
        .where(Application.id == application_id)
        .options(joinedload(Application.job_posting), joinedload(Application.interview))
    )
    return application, NOT_LOOKED_UP, None


async def write_start(
    session: AsyncSession,
    interview: Interview,
    row: InterviewSession,
    question: InterviewMessage,
    application: Application | None,
) -> None:
    """Write a started interview, its session state, its first question and its
    application together (one round trip on PostgreSQL)."""
    # The interview first: on SQLite the statements run in this order.
    await write_together(session, interview, row, question, *([application] if application else []))


async def started_state(
    session: AsyncSession, interview_id: uuid.UUID
) -> tuple[InterviewSession | None, list[InterviewMessage]]:
    """An interview in progress's session state and its questions so far, in order."""
    row = await session.scalar(
        select(InterviewSession).where(InterviewSession.interview_id == interview_id)
    )
    questions = await session.scalars(
        select(InterviewMessage)
        .where(
            InterviewMessage.interview_id == interview_id,
            InterviewMessage.message_type == MessageType.ai_question,
        )
        .order_by(InterviewMessage.sequence_number)
    )
    return row, list(questions)


# -- messages ---------------------------------------------------------------------------


async def message_by_id(session: AsyncSession, message_id: str | None) -> InterviewMessage | None:
    return await session.get(InterviewMessage, uuid.UUID(message_id)) if message_id else None


async def open_question(session: AsyncSession, interview: Interview) -> InterviewMessage | None:
    """The question awaiting an answer (the engine's cursor), while in progress."""
    row = interview.session
    if interview.status is not InterviewStatus.in_progress or row is None:
        return None
    return await message_by_id(session, engine_state(row).cursor.question_message_id)


async def last_sequence(session: AsyncSession, interview_id: uuid.UUID) -> int:
    last = await session.scalar(
        select(func.max(InterviewMessage.sequence_number)).where(
            InterviewMessage.interview_id == interview_id
        )
    )
    return int(last or 0)


async def message_at(
    session: AsyncSession, interview_id: uuid.UUID, sequence_number: int
) -> InterviewMessage | None:
    return await session.scalar(
        select(InterviewMessage).where(
            InterviewMessage.interview_id == interview_id,
            InterviewMessage.sequence_number == sequence_number,
        )
    )


async def latest_messages(
    session: AsyncSession, interview_id: uuid.UUID, limit: int
) -> list[InterviewMessage]:
    """The last ``limit`` messages, oldest first."""
    rows = await session.scalars(
        select(InterviewMessage)
        .where(InterviewMessage.interview_id == interview_id)
        .order_by(InterviewMessage.sequence_number.desc())
        .limit(limit)
    )
    return list(reversed(list(rows)))


async def message_with_key(
    session: AsyncSession, interview_id: uuid.UUID, idempotency_key: str
) -> InterviewMessage | None:
    """The answer a client sent with this idempotency key, if it was taken."""
    return await session.scalar(
        select(InterviewMessage).where(
            InterviewMessage.interview_id == interview_id,
            InterviewMessage.idempotency_key == idempotency_key,
        )
    )


async def answer_records(session: AsyncSession, interview_id: uuid.UUID) -> dict[str, AnswerRecord]:
    """The candidate's answers so far, as the results are built from them."""
    messages = await session.scalars(
        select(InterviewMessage).where(
            InterviewMessage.interview_id == interview_id,
            InterviewMessage.message_type == MessageType.candidate_response,
        )
    )
    return {str(m.id): answer_record(m) for m in messages}


def answer_record(message: InterviewMessage) -> AnswerRecord:
    return AnswerRecord(str(message.id), message.content_text, message.meta.get("evaluation", {}))

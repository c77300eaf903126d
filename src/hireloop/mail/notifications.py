"""The emails a change causes, queued in the change's own transaction: a candidate hears
when their interview is complete and when a recruiter decides on their application."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.applications.models import Application, ApplicationStatus
from hireloop.auth.models import User
from hireloop.interviews.models import Interview
from hireloop.mail.outbox import EmailKind, send_email

# Statuses a candidate is told about (the others are their own doing or the interview's).
NOTIFIED_STATUSES = frozenset(
    {ApplicationStatus.under_review, ApplicationStatus.rejected, ApplicationStatus.offered}
)


async def interview_completed(session: AsyncSession, interview: Interview) -> None:
    candidate = await session.get(User, interview.candidate_id)
    if candidate is None:
        return
    await send_email(
        session,
        EmailKind.interview_completed,
        {"interview_id": str(interview.id)},
        destination=candidate.email,
        person_id=candidate.id,
    )


async def status_changed(session: AsyncSession, application: Application) -> None:
    if application.status not in NOTIFIED_STATUSES:
        return
    candidate = await session.get(User, application.candidate_id)
    if candidate is None:
        return
    await send_email(
        session,
        EmailKind.status_changed,
        {"application_id": str(application.id), "status": application.status.value},
        destination=candidate.email,
        person_id=candidate.id,
    )

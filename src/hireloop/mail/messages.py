"""What each kind of email says, composed at delivery from the ids its payload names.

Returns None when there is nothing to send any more (the invitation was used or withdrawn,
its posting deleted, the person was erased): the outbox then records it as not sent.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.applications.models import Application, ApplicationStatus
from hireloop.auth.models import User
from hireloop.config import Settings
from hireloop.interviews.models import AssessmentResult, Interview
from hireloop.invitations.models import Invitation
from hireloop.invitations.tokens import invitation_token
from hireloop.jobs.models import JobPosting
from hireloop.mail.outbox import EmailKind
from hireloop.mail.rendering import render_email
from hireloop.mail.transport import OutgoingEmail

# The sentence under a status change, in plain words.
STATUS_WORDS: dict[ApplicationStatus, tuple[str, str]] = {
    ApplicationStatus.under_review: (
        "under review",
        "The recruiter is looking at your interview results.",
    ),
    ApplicationStatus.rejected: (
        "not selected",
        "The recruiter decided not to go further with your application this time. Thank you "
        "for the time you gave it.",
    ),
    ApplicationStatus.offered: (
        "offered",
        "Good news: the recruiter wants to make you an offer and will be in touch.",
    ),
}


def _base(settings: Settings, payload: dict[str, Any]) -> str:
    return settings.public_url or str(payload.get("base_url") or "").rstrip("/")


def _id(payload: dict[str, Any], key: str) -> uuid.UUID:
    return uuid.UUID(str(payload[key]))


async def compose(
    session: AsyncSession, settings: Settings, payload: dict[str, Any]
) -> OutgoingEmail | None:
    kind = EmailKind(payload["kind"])
    base = _base(settings, payload)
    if kind is EmailKind.invitation:
        return await _invitation(session, settings, _id(payload, "invitation_id"), base)
    if kind is EmailKind.interview_completed:
        return await _interview_completed(session, _id(payload, "interview_id"), base)
    if kind is EmailKind.status_changed:
        status = ApplicationStatus(payload["status"])
        return await _status_changed(session, _id(payload, "application_id"), status, base)
    ids = [uuid.UUID(str(value)) for value in payload["interview_ids"]]
    return await _digest(session, _id(payload, "recruiter_id"), ids, base)


async def _invitation(
    session: AsyncSession, settings: Settings, invitation_id: uuid.UUID, base: str
) -> OutgoingEmail | None:
    row = (
        await session.execute(
            select(Invitation, JobPosting)
            .join(JobPosting, JobPosting.id == Invitation.job_posting_id)
            .where(
                Invitation.id == invitation_id,
                Invitation.accepted_at.is_(None),
                Invitation.withdrawn_at.is_(None),
            )
        )
    ).first()
    if row is None:
        return None
    invitation, job = row
    inviter = (
        await session.get(User, invitation.invited_by_id) if invitation.invited_by_id else None
    )
    token = invitation_token(settings, invitation.id, invitation.expires_at)
    context = {
        "job": job,
        "inviter": inviter.full_name if inviter else job.company,
        "link": f"{base}/invitations/{token}",
        "expires": invitation.expires_at.strftime("%d %B %Y, %H:%M UTC"),
    }
    subject = f"Invitation to apply: {job.title} at {job.company}"
    return render_email("invitation", invitation.email, subject, context)


async def _interview_completed(
    session: AsyncSession, interview_id: uuid.UUID, base: str
) -> OutgoingEmail | None:
    row = (
        await session.execute(
            select(Interview, User)
            .join(User, User.id == Interview.candidate_id)
            .where(Interview.id == interview_id)
        )
    ).first()
    if row is None:
        return None
    interview, candidate = row
    job = (
        await session.get(JobPosting, interview.job_posting_id)
        if interview.job_posting_id
        else None
    )
    job_title = job.title if job else "your practice interview"
    context = {
        "name": candidate.full_name,
        "job_title": job_title,
        "for_job": job is not None,
        "link": f"{base}/interviews/{interview.id}/results",
    }
    subject = f"Your interview for {job_title} is complete"
    return render_email("interview_completed", candidate.email, subject, context)


async def _status_changed(
    session: AsyncSession, application_id: uuid.UUID, status: ApplicationStatus, base: str
) -> OutgoingEmail | None:
    row = (
        await session.execute(
            select(Application, User, JobPosting)
            .join(User, User.id == Application.candidate_id)
            .join(JobPosting, JobPosting.id == Application.job_posting_id)
            .where(Application.id == application_id)
        )
    ).first()
    if row is None:
        return None
    _application, candidate, job = row
    words, explanation = STATUS_WORDS.get(
        status, (status.value.replace("_", " "), "Sign in to see your application.")
    )
    context = {
        "name": candidate.full_name,
        "job_title": job.title,
        "company": job.company,
        "status_words": words,
        "explanation": explanation,
        "link": f"{base}/applications",
    }
    subject = f"Your application for {job.title}: {words}"
    return render_email("status_changed", candidate.email, subject, context)


async def _digest(
    session: AsyncSession, recruiter_id: uuid.UUID, interview_ids: list[uuid.UUID], base: str
) -> OutgoingEmail | None:
    recruiter = await session.get(User, recruiter_id)
    if recruiter is None:
        return None
    rows = await session.execute(
        select(Interview, User, JobPosting, AssessmentResult)
        .join(User, User.id == Interview.candidate_id)
        .join(JobPosting, JobPosting.id == Interview.job_posting_id)
        .join(AssessmentResult, AssessmentResult.interview_id == Interview.id)
        # Only the recruiter's own postings, whatever the payload says.
        .where(Interview.id.in_(interview_ids), JobPosting.owner_id == recruiter.id)
        .order_by(JobPosting.title, AssessmentResult.overall_score.desc())
    )
    listed = [
        {
            "candidate": candidate.full_name,
            "job_title": job.title,
            "score": round(result.overall_score),
            "recommendation": result.recommendation.replace("_", " "),
            "link": f"{base}/recruiter/applications/{interview.application_id}",
        }
        for interview, candidate, job, result in rows
    ]
    if not listed:
        return None  # every interview went (erased) since the digest was queued
    context = {"name": recruiter.full_name, "rows": listed, "base": base}
    count = len(listed)
    subject = f"{count} interview{'s' if count != 1 else ''} completed for your postings"
    return render_email("digest", recruiter.email, subject, context)

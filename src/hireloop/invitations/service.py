"""Inviting addresses to a posting (and withdrawing an invitation not yet used), and the
invitee's side: opening and accepting the link.

A link is refused as invalid (tampered, or its invitation is gone), expired, used (an
invitation is accepted once) or withdrawn; each refusal is its own error so the page can
say which.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.applications import service as applications
from hireloop.applications.models import Application
from hireloop.applications.review import managed_posting
from hireloop.audit.models import AuditAction
from hireloop.audit.service import record
from hireloop.auth.models import User, UserRole
from hireloop.config import Settings
from hireloop.db import utcnow
from hireloop.errors import Conflict, DomainError, Forbidden, NotFound
from hireloop.invitations.models import Invitation, invitation_email_destination
from hireloop.invitations.tokens import BadInvitationToken, invitation_id_of
from hireloop.jobs.models import JobPosting, JobStatus
from hireloop.mail.outbox import EmailKind, send_email

LIST_LIMIT = 500


class TooManyInvitations(DomainError):
    status_code = 429
    code = "invitation_limit"


class InvitationRefused(DomainError):
    """A link that cannot be used; ``problem`` says why (invalid, expired or used)."""

    def __init__(self, problem: str, detail: str, status_code: int) -> None:
        super().__init__(detail, code=f"invitation_{problem}")
        self.problem = problem
        self.status_code = status_code


_REFUSALS = {
    "invalid": (
        "This invitation link is not valid. Check that you copied the whole link from the "
        "email, or ask the recruiter for a new invitation.",
        400,
    ),
    "expired": (
        "This invitation has expired. Ask the recruiter who invited you for a new one.",
        410,
    ),
    "used": (
        "This invitation has already been used. If it was you, sign in and find the job "
        "under My applications; otherwise ask the recruiter for a new invitation.",
        409,
    ),
    "withdrawn": (
        "The recruiter has withdrawn this invitation. You can still find the job on the "
        "jobs page if it is open.",
        410,
    ),
}


def refused(problem: str) -> InvitationRefused:
    detail, status_code = _REFUSALS[problem]
    return InvitationRefused(problem, detail, status_code)


@dataclass
class InviteResult:
    job: JobPosting
    invited: list[Invitation]
    already_invited: list[str]


async def invite(
    session: AsyncSession,
    recruiter: User,
    job_id: uuid.UUID,
    emails: list[str],
    settings: Settings,
    base_url: str,
) -> InviteResult:
    """Invite each address (canonical, deduplicated) to the recruiter's own active posting;
    every invitation's email is queued in this transaction."""
    job = await managed_posting(session, recruiter, job_id)
    if job.status is not JobStatus.active:
        raise Conflict(
            "This posting does not take applications now; reopen it before inviting anyone.",
            code="job_not_accepting",
        )
    wanted = list(dict.fromkeys(emails))
    now = utcnow()
    waiting = set(
        await session.scalars(
            select(Invitation.email).where(
                Invitation.job_posting_id == job.id,
                Invitation.email.in_(wanted),
                Invitation.accepted_at.is_(None),
                Invitation.withdrawn_at.is_(None),
                Invitation.expires_at > now,
            )
        )
    )
    fresh = [email for email in wanted if email not in waiting]
    sent_today = await session.scalar(
        select(func.count())
        .select_from(Invitation)
        .where(
            Invitation.invited_by_id == recruiter.id,
            Invitation.created_at > now - timedelta(hours=24),
        )
    )
    left = settings.invitation_daily_limit - (sent_today or 0)
    if len(fresh) > left:
        raise TooManyInvitations(
            f"You can send {max(left, 0)} more invitations today (at most "
            f"{settings.invitation_daily_limit} in 24 hours); try again later or invite "
            "fewer people.",
            headers={"Retry-After": "3600"},
        )
    expires = now + timedelta(days=settings.invitation_valid_days)
    invitations = [
        Invitation(
            id=uuid.uuid4(),
            job_posting_id=job.id,
            invited_by_id=recruiter.id,
            email=email,
            created_at=now,
            expires_at=expires,
        )
        for email in fresh
    ]
    session.add_all(invitations)
    if invitations:
        record(
            session,
            recruiter,
            AuditAction.invitations_sent,
            "job_posting",
            job.id,
            details={"count": len(invitations), "skipped": len(waiting)},
        )
    await session.flush()
    for invitation in invitations:
        await send_email(
            session,
            EmailKind.invitation,
            {"invitation_id": str(invitation.id)},
            # The address stays out of the outbox: the invitation row holds it, and an
            # erasure that deletes the row leaves nothing to send.
            destination=invitation_email_destination(invitation.id),
            person_id=None,
            base_url=base_url,
        )
    return InviteResult(job, invitations, sorted(waiting))


async def list_for_job(
    session: AsyncSession, recruiter: User, job_id: uuid.UUID
) -> tuple[JobPosting, list[Invitation], int]:
    job = await managed_posting(session, recruiter, job_id)
    mine = Invitation.job_posting_id == job.id
    total = await session.scalar(select(func.count()).select_from(Invitation).where(mine))
    rows = await session.scalars(
        select(Invitation)
        .where(mine)
        .order_by(Invitation.created_at.desc(), Invitation.id)
        .limit(LIST_LIMIT)
    )
    return job, list(rows), total or 0


async def withdraw(
    session: AsyncSession, recruiter: User, job_id: uuid.UUID, invitation_id: uuid.UUID
) -> Invitation:
    """Withdraw an invitation to the recruiter's own posting: its link stops working and
    its email, if not sent yet, is not sent. Withdrawing twice changes nothing; one that
    was accepted cannot be withdrawn (the invitee applied: the application is theirs)."""
    job = await managed_posting(session, recruiter, job_id)
    invitation = await session.scalar(
        select(Invitation)
        .where(Invitation.id == invitation_id, Invitation.job_posting_id == job.id)
        .with_for_update()
    )
    if invitation is None:
        raise NotFound("No such invitation to this posting.", code="invitation_not_found")
    if invitation.accepted_at is not None:
        raise Conflict(
            "This invitation was already used: the candidate applied. Change the "
            "application's status instead.",
            code="invitation_used",
        )
    if invitation.withdrawn_at is None:
        invitation.withdrawn_at = utcnow()
        record(
            session,
            recruiter,
            AuditAction.invitation_withdrawn,
            "job_posting",
            job.id,
            details={"invitation_id": str(invitation.id)},
        )
        await session.flush()
    return invitation


async def _usable(
    session: AsyncSession, settings: Settings, token: str, now: datetime
) -> tuple[Invitation, JobPosting]:
    try:
        invitation_id = invitation_id_of(settings, token)
    except BadInvitationToken as bad:
        raise refused(bad.problem.value) from None
    # Locked, so two tabs accepting at once use the invitation once.
    invitation = await session.scalar(
        select(Invitation).where(Invitation.id == invitation_id).with_for_update()
    )
    if invitation is None:
        raise refused("invalid")  # withdrawn with its posting, or erased
    if invitation.accepted_at is not None:
        raise refused("used")
    if invitation.withdrawn_at is not None:
        raise refused("withdrawn")
    if invitation.expires_at <= now:
        raise refused("expired")
    job = await session.get(JobPosting, invitation.job_posting_id)
    assert job is not None  # the foreign key cascades
    return invitation, job


async def open_invitation(
    session: AsyncSession, settings: Settings, token: str
) -> tuple[Invitation, JobPosting]:
    """The invitation a link names, marked opened the first time."""
    now = utcnow()
    invitation, job = await _usable(session, settings, token, now)
    if invitation.opened_at is None:
        invitation.opened_at = now
    return invitation, job


async def accept(session: AsyncSession, settings: Settings, user: User, token: str) -> Application:
    """The signed-in candidate takes up the invitation: they apply (or keep the application
    they already have) and the link is used up."""
    if user.role is not UserRole.candidate:
        raise Forbidden(
            "Invitations are for candidates: sign out, then open the link again to apply.",
            code="invitation_for_candidates",
        )
    now = utcnow()
    invitation, job = await _usable(session, settings, token, now)
    application = await applications.mine_for_job(session, user, job.id)
    if application is None:
        application = await applications.apply(session, user, job.id)
    invitation.opened_at = invitation.opened_at or now
    invitation.accepted_at = now
    invitation.accepted_by_id = user.id
    await session.flush()
    return application

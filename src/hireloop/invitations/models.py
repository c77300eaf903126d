"""Invitations to apply for a job, and the marks that keep the recruiters' digest from
listing an interview twice."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hireloop.db import Base, UUIDPrimaryKey, utcnow


class InvitationState(StrEnum):
    sent = "sent"
    opened = "opened"
    accepted = "accepted"
    expired = "expired"
    withdrawn = "withdrawn"


class Invitation(UUIDPrimaryKey, Base):
    """One address invited to one posting. The link is not stored: it is signed from the
    id and the expiry, so the table holds nothing that opens the invitation."""

    __tablename__ = "invitations"
    __table_args__ = (
        Index("ix_invitations_job_email", "job_posting_id", "email"),
        Index("ix_invitations_inviter_created", "invited_by", "created_at"),
    )

    job_posting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("job_postings.id", ondelete="CASCADE")
    )
    invited_by_id: Mapped[uuid.UUID | None] = mapped_column(
        "invited_by", ForeignKey("users.id", ondelete="SET NULL")
    )
    # Canonical form (auth.emails), so a person's export and erasure find it.
    email: Mapped[str] = mapped_column(String(320), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    opened_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[uuid.UUID | None] = mapped_column(
        "accepted_by", ForeignKey("users.id", ondelete="CASCADE")
    )
    withdrawn_at: Mapped[datetime | None]  # by the recruiter, before it was used

    def state(self, now: datetime) -> InvitationState:
        if self.accepted_at is not None:
            return InvitationState.accepted
        if self.withdrawn_at is not None:
            return InvitationState.withdrawn
        if self.expires_at <= now:
            return InvitationState.expired
        return InvitationState.opened if self.opened_at is not None else InvitationState.sent


def invitation_email_destination(invitation_id: uuid.UUID) -> str:
    """How an invitation's email names its recipient in the outbox: by the invitation,
    never by the address (erasing the invitation leaves nothing to send)."""
    return f"invitation:{invitation_id}"


class DigestedInterview(Base):
    """A completed interview already listed in its recruiter's digest (never listed again;
    the primary key makes two digest runs at once list it only once)."""

    __tablename__ = "digested_interviews"

    interview_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), primary_key=True
    )
    digested_at: Mapped[datetime] = mapped_column(default=utcnow)

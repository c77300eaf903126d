from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hireloop.db import Base, UUIDPrimaryKey, enum_column, utcnow

if TYPE_CHECKING:
    from hireloop.interviews.models import Interview
    from hireloop.jobs.models import JobPosting


class ApplicationStatus(StrEnum):
    applied = "applied"
    interview_scheduled = "interview_scheduled"
    interview_in_progress = "interview_in_progress"
    interview_completed = "interview_completed"
    under_review = "under_review"
    rejected = "rejected"
    offered = "offered"
    withdrawn = "withdrawn"


class Application(UUIDPrimaryKey, Base):
    __tablename__ = "applications"

    candidate_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    job_posting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("job_postings.id", ondelete="CASCADE"), index=True
    )
    # The FK cycle with interviews.application_id is broken with use_alter.
    interview_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("interviews.id", ondelete="SET NULL", use_alter=True)
    )
    status: Mapped[ApplicationStatus] = enum_column(
        ApplicationStatus, default=ApplicationStatus.applied
    )
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Who made the last status decision (a recruiter or admin), and when: human oversight.
    status_decided_by_id: Mapped[uuid.UUID | None] = mapped_column(
        "status_decided_by", ForeignKey("users.id", ondelete="SET NULL")
    )
    status_decided_at: Mapped[datetime | None]

    job_posting: Mapped[JobPosting] = relationship(lazy="raise")
    interview: Mapped[Interview | None] = relationship(
        foreign_keys=[interview_id], lazy="raise", post_update=True
    )

    __table_args__ = (
        UniqueConstraint("candidate_id", "job_posting_id", name="uq_applications_candidate_job"),
    )


class HumanReviewRequest(UUIDPrimaryKey, Base):
    """A candidate's request that a person review their job interview result (once per
    application). The candidate's own data: deleted with their account or application."""

    __tablename__ = "human_review_requests"

    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=True
    )
    candidate_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    message: Mapped[str | None] = mapped_column(String(1000))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_at: Mapped[datetime | None]
    handled_by_id: Mapped[uuid.UUID | None] = mapped_column(
        "handled_by", ForeignKey("users.id", ondelete="SET NULL")
    )

"""What an erasure leaves behind for the recruiters' statistics: one anonymous row per
application (the job, how far it got, the score and recommendation, the dates). It has
no link to the person: no user, application, interview or resume id, and no text."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hireloop.db import Base, UUIDPrimaryKey, utcnow


class ApplicationOutcome(UUIDPrimaryKey, Base):
    __tablename__ = "application_outcomes"

    job_posting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("job_postings.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(32))
    overall_score: Mapped[float | None] = mapped_column(Float)
    recommendation: Mapped[str | None] = mapped_column(String(20))
    applied_at: Mapped[datetime]
    # The application's last change (for a decided application: when it was decided).
    last_changed_at: Mapped[datetime]
    erased_at: Mapped[datetime] = mapped_column(default=utcnow)

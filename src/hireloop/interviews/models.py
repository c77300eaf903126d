from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hireloop.db import Base, JSONType, Timestamps, UUIDPrimaryKey, enum_column, utcnow

if TYPE_CHECKING:
    from hireloop.applications.models import Application
    from hireloop.jobs.models import JobPosting


class InterviewStatus(StrEnum):
    scheduled = "scheduled"
    in_progress = "in_progress"
    completed = "completed"
    abandoned = "abandoned"


class MessageType(StrEnum):
    ai_question = "ai_question"
    candidate_response = "candidate_response"
    ai_closing = "ai_closing"


class AnswerMode(StrEnum):
    """How the candidate answers: typing, or speaking with a transcript they confirm."""

    text = "text"
    voice = "voice"


class Interview(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "interviews"

    candidate_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    job_posting_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("job_postings.id", ondelete="SET NULL"), index=True
    )
    application_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("applications.id", ondelete="SET NULL"), unique=True
    )
    resume_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("resumes.id", ondelete="SET NULL")
    )
    role_type: Mapped[str] = mapped_column(String(40))
    status: Mapped[InterviewStatus] = enum_column(
        InterviewStatus, default=InterviewStatus.scheduled
    )
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    ai_provider: Mapped[str] = mapped_column(String(40), default="builtin")
    ai_model_used: Mapped[str | None] = mapped_column(String(100))
    prompt_tokens: Mapped[int] = mapped_column(Integer, default=0)
    completion_tokens: Mapped[int] = mapped_column(Integer, default=0)
    total_tokens_used: Mapped[int] = mapped_column(Integer, default=0)
    cost_usd: Mapped[Decimal | None] = mapped_column(Numeric(12, 6))
    # False once a model reply came without token usage: the cost is then unknown (null).
    ai_usage_known: Mapped[bool | None] = mapped_column(Boolean)
    # Chosen before the start; switches to text whenever the candidate types instead.
    answer_mode: Mapped[AnswerMode] = enum_column(
        AnswerMode, length=10, default=AnswerMode.text, server_default=AnswerMode.text.value
    )

    job_posting: Mapped[JobPosting | None] = relationship(lazy="raise")
    # Declared so the unit of work inserts the application before its interview.
    application: Mapped[Application | None] = relationship(
        foreign_keys=[application_id], lazy="raise"
    )
    session: Mapped[InterviewSession | None] = relationship(
        back_populates="interview", lazy="raise", uselist=False
    )


class InterviewSession(UUIDPrimaryKey, Base):
    """The adaptive engine's state for one interview; all of it lives here, not in memory."""

    __tablename__ = "interview_sessions"

    interview_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), unique=True
    )
    # The engine's state, one versioned document (hireloop.engine.state.EngineState),
    # loaded and saved whole by hireloop.interviews.repository.
    state: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # A column of its own: the idle sweep selects by it.
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)

    interview: Mapped[Interview] = relationship(back_populates="session", lazy="raise")


class InterviewMessage(UUIDPrimaryKey, Base):
    __tablename__ = "interview_messages"

    interview_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    sequence_number: Mapped[int] = mapped_column(Integer)
    message_type: Mapped[MessageType] = enum_column(MessageType)
    content_text: Mapped[str] = mapped_column(Text)
    # "metadata" is reserved by SQLAlchemy's declarative API, hence the attribute name.
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSONType, default=dict)
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("interview_id", "sequence_number", name="uq_interview_messages_seq"),
        UniqueConstraint(
            "interview_id", "idempotency_key", name="uq_interview_messages_idempotency"
        ),
    )


class AssessmentResult(UUIDPrimaryKey, Base):
    __tablename__ = "assessment_results"

    interview_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), unique=True
    )
    overall_score: Mapped[float] = mapped_column(Float)
    skill_results: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    strengths: Mapped[list[str]] = mapped_column(JSONType, default=list)
    growth_areas: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    insufficient_evidence: Mapped[list[str]] = mapped_column(JSONType, default=list)
    recommendation: Mapped[str] = mapped_column(String(20))
    integrity_flags: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    generated_at: Mapped[datetime] = mapped_column(default=utcnow)
    engine: Mapped[str] = mapped_column(String(40), default="builtin")
    model: Mapped[str | None] = mapped_column(String(100))
    summary: Mapped[str | None] = mapped_column(Text)
    # Null on results made before the claims-based judge (migration 0007).
    coverage: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    confidence: Mapped[str | None] = mapped_column(String(10))
    review_reasons: Mapped[list[str] | None] = mapped_column(JSONType)
    evaluator_version: Mapped[str | None] = mapped_column(String(40))
    # Which engine produced each part: evaluations and questions counted per engine, and
    # the wording of strengths and growth areas.
    produced_by: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hireloop.applications.models import ApplicationStatus
from hireloop.consent.schemas import ConsentRead
from hireloop.interviews.models import InterviewStatus
from hireloop.jobs.schemas import JobPostingSummary

HUMAN_REVIEW_MESSAGE_MAX = 1000


class ApplicationCreate(BaseModel):
    job_posting_id: uuid.UUID


class LinkedInterview(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    status: InterviewStatus
    role_type: str
    job_posting_id: uuid.UUID | None


class ApplicationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    candidate_id: uuid.UUID
    job_posting_id: uuid.UUID
    status: ApplicationStatus
    applied_at: datetime
    updated_at: datetime
    job_posting: JobPostingSummary
    interview: LinkedInterview | None
    status_decided_by_id: uuid.UUID | None = Field(
        description="the recruiter (or admin) who made the last status decision"
    )
    status_decided_at: datetime | None


class ApplicationList(BaseModel):
    items: list[ApplicationRead]
    total: int
    skip: int
    limit: int


class Paging(BaseModel):
    skip: int = Field(default=0, ge=0, le=100_000)
    limit: int = Field(default=20, ge=1, le=100)


ReviewStatus = Literal[
    ApplicationStatus.under_review, ApplicationStatus.rejected, ApplicationStatus.offered
]


class ApplicationStatusUpdate(BaseModel):
    """A recruiter's decision: under_review, rejected or offered."""

    status: ReviewStatus


class CandidateSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    full_name: str
    email: str


class StaffSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    full_name: str


class HumanReviewCreate(BaseModel):
    """Ask for a person to review the job interview result; say why if you like."""

    message: str | None = Field(default=None, max_length=HUMAN_REVIEW_MESSAGE_MAX)


class HumanReviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    application_id: uuid.UUID
    message: str | None
    requested_at: datetime
    handled_at: datetime | None = Field(description="when the recruiter marked it handled")
    handled_by_id: uuid.UUID | None


class HumanReviewState(BaseModel):
    requested: bool
    request: HumanReviewRead | None


class ResultSummary(BaseModel):
    """The headline of an interview's results; the full report is at /interviews/{id}/results."""

    model_config = ConfigDict(from_attributes=True)

    overall_score: float
    recommendation: str
    strengths: list[str]
    insufficient_evidence: list[str]
    coverage: dict[str, Any] | None = Field(
        default=None,
        description="questions_asked of questions_planned, skills_assessed of skills_planned",
    )
    confidence: str | None = None
    integrity_flags: list[dict[str, Any]] = Field(default_factory=list)
    generated_at: datetime


class ApplicantRead(BaseModel):
    """One applicant to a posting, as a recruiter sees them in the ranking."""

    rank: int
    id: uuid.UUID
    status: ApplicationStatus
    applied_at: datetime
    updated_at: datetime
    candidate: CandidateSummary
    interview: LinkedInterview | None
    result: ResultSummary | None
    # The status moves a recruiter can make from here (empty once decided).
    allowed_transitions: list[ApplicationStatus]
    status_decided_by: StaffSummary | None = Field(
        default=None, description="who made the last status decision"
    )
    status_decided_at: datetime | None = None
    consent: ConsentRead | None = Field(
        default=None,
        description="the candidate's latest acceptance of the candidate notice (version, time)",
    )
    human_review: HumanReviewRead | None = Field(
        default=None, description="the candidate's request for a human review, if any"
    )


class ApplicantList(BaseModel):
    job_posting: JobPostingSummary
    items: list[ApplicantRead]
    total: int
    skip: int
    limit: int

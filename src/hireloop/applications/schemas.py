from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hireloop.applications.models import ApplicationStatus
from hireloop.interviews.models import InterviewStatus
from hireloop.jobs.schemas import JobPostingSummary


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


class ApplicantList(BaseModel):
    job_posting: JobPostingSummary
    items: list[ApplicantRead]
    total: int
    skip: int
    limit: int

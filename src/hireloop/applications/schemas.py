from __future__ import annotations

import uuid
from datetime import datetime

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

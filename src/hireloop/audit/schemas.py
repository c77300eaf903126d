from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hireloop.audit.models import AuditAction


class AuditFilters(BaseModel):
    """Query parameters of the audit log: all optional, combined with AND."""

    action: AuditAction | None = None
    actor_id: uuid.UUID | None = Field(default=None, description="who acted")
    person_id: uuid.UUID | None = Field(default=None, description="whom the entry is about")
    subject_id: uuid.UUID | None = Field(
        default=None, description="the application, job, interview or account acted on"
    )
    since: datetime | None = Field(default=None, description="entries at or after (ISO 8601)")
    until: datetime | None = Field(default=None, description="entries before (ISO 8601)")
    skip: int = Field(default=0, ge=0, le=100_000)
    limit: int = Field(default=50, ge=1, le=200)

    @field_validator("since", "until")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        # A time without a zone is read as UTC (the log's own zone).
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class AuditEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    at: datetime
    actor_id: uuid.UUID | None
    actor_role: str
    actor_email: str | None = Field(
        default=None,
        description="the actor's current email; null for the system or an erased account",
    )
    action: str
    subject_type: str
    subject_id: uuid.UUID | None
    person_id: uuid.UUID | None
    details: dict[str, Any]


class AuditList(BaseModel):
    items: list[AuditEntryRead]
    total: int
    skip: int
    limit: int

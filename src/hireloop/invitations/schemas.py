from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from hireloop.auth.emails import Email
from hireloop.invitations.models import InvitationState

MAX_PER_REQUEST = 50


class InvitationCreate(BaseModel):
    """Addresses to invite (at most 50 at once; repeated addresses count once)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"emails": ["ada@example.com", "grace@example.com"]}]}
    )

    emails: list[Email] = Field(min_length=1, max_length=MAX_PER_REQUEST)


class InvitationRead(BaseModel):
    id: uuid.UUID
    job_posting_id: uuid.UUID
    email: str
    state: InvitationState
    created_at: datetime
    expires_at: datetime
    opened_at: datetime | None
    accepted_at: datetime | None


class InvitationOutcome(BaseModel):
    """Who was invited now, and the addresses skipped because an invitation to this job
    is already waiting for them."""

    invited: list[InvitationRead]
    already_invited: list[str]


class InvitationList(BaseModel):
    items: list[InvitationRead]
    total: int

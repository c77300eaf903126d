"""Audit entries: who did what to what, and when. Rows are only ever inserted.

No entry holds personal data: the actor and the person concerned are stored by id only
(no email or name snapshot), and ``details`` carries ids, statuses and counts. Neither id
column is a foreign key, so an entry outlives the accounts it names: an entry BY a
recruiter keeps the recruiter's id after they leave, and once a candidate is erased the
entries ABOUT them keep only a random id that no longer leads anywhere.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from hireloop.db import Base, JSONType, UUIDPrimaryKey, utcnow


class AuditAction(StrEnum):
    application_status_changed = "application.status_changed"
    results_viewed = "results.viewed"
    job_created = "job.created"
    job_updated = "job.updated"
    job_status_changed = "job.status_changed"
    export_downloaded = "export.downloaded"
    account_erased = "account.erased"
    address_erased = "address.erased"  # invitations to an address without an account
    user_role_changed = "user.role_changed"
    user_status_changed = "user.status_changed"
    user_updated = "user.updated"
    audit_exported = "audit.exported"
    retention_purged = "retention.purged"
    bias_report_exported = "bias_report.exported"
    human_review_handled = "human_review.handled"
    applicants_exported = "applicants.exported"
    invitations_sent = "invitations.sent"
    invitation_withdrawn = "invitation.withdrawn"
    webhook_created = "webhook.created"
    webhook_updated = "webhook.updated"
    webhook_deleted = "webhook.deleted"
    webhook_redelivered = "webhook.redelivered"


class AuditEntry(UUIDPrimaryKey, Base):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_at", "at", "id"),
        Index("ix_audit_entries_person_at", "person_id", "at"),
        Index("ix_audit_entries_actor_at", "actor_id", "at"),
    )

    at: Mapped[datetime] = mapped_column(default=utcnow)
    # Null for the system itself (the retention purge, a CLI run).
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    actor_role: Mapped[str] = mapped_column(String(20))
    # A dotted action name (AuditAction); a string column, so new actions need no migration.
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    # The person the entry is about (a candidate, or the account changed), for their export.
    person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

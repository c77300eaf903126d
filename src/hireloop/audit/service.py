"""Writing and reading the audit log.

``record`` adds an entry to the caller's session, so it commits or rolls back together
with the action it describes: there is never an entry for something that did not happen,
nor an action without its entry. The app offers no way to change or remove an entry.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.audit.models import AuditAction, AuditEntry
from hireloop.audit.schemas import AuditFilters
from hireloop.auth.models import User

SYSTEM_ROLE = "system"
CSV_COLUMNS = (
    "at",
    "actor_id",
    "actor_role",
    "actor_email",
    "action",
    "subject_type",
    "subject_id",
    "person_id",
    "details",
)
# Enough for years of a busy site; a larger log is exported in date ranges.
CSV_ROW_LIMIT = 100_000


def record(
    session: AsyncSession,
    actor: User | None,
    action: AuditAction,
    subject_type: str,
    subject_id: uuid.UUID | None,
    *,
    person_id: uuid.UUID | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an entry for ``action`` to the current transaction (``actor`` None: the system).

    ``details`` holds ids, statuses, field names and counts, never names, emails or text
    a person wrote.
    """
    entry = AuditEntry(
        id=uuid.uuid4(),
        actor_id=actor.id if actor is not None else None,
        actor_role=actor.role.value if actor is not None else SYSTEM_ROLE,
        action=action.value,
        subject_type=subject_type,
        subject_id=subject_id,
        person_id=person_id,
        details=details or {},
    )
    session.add(entry)
    return entry


def _filtered(filters: AuditFilters) -> Select[AuditEntry]:
    stmt = select(AuditEntry)
    if filters.action is not None:
        stmt = stmt.where(AuditEntry.action == filters.action.value)
    if filters.actor_id is not None:
        stmt = stmt.where(AuditEntry.actor_id == filters.actor_id)
    if filters.person_id is not None:
        stmt = stmt.where(AuditEntry.person_id == filters.person_id)
    if filters.subject_id is not None:
        stmt = stmt.where(AuditEntry.subject_id == filters.subject_id)
    if filters.since is not None:
        stmt = stmt.where(AuditEntry.at >= filters.since)
    if filters.until is not None:
        stmt = stmt.where(AuditEntry.at < filters.until)
    return stmt


async def actor_emails(session: AsyncSession, entries: list[AuditEntry]) -> dict[uuid.UUID, str]:
    """The current email of each actor that still has an account (looked up, not stored)."""
    ids = {entry.actor_id for entry in entries if entry.actor_id is not None}
    if not ids:
        return {}
    rows = await session.execute(select(User.id, User.email).where(User.id.in_(ids)))
    return {user_id: email for user_id, email in rows}


async def list_entries(
    session: AsyncSession, filters: AuditFilters
) -> tuple[list[AuditEntry], int, dict[uuid.UUID, str]]:
    """A page of entries, newest first, with the total and the actors' emails."""
    stmt = _filtered(filters)
    total = await session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = await session.scalars(
        stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .offset(filters.skip)
        .limit(filters.limit)
    )
    entries = list(rows)
    return entries, total, await actor_emails(session, entries)


async def export_csv(session: AsyncSession, admin: User, filters: AuditFilters) -> str:
    """Every entry that passes the filters (paging ignored), oldest first, as CSV; the
    export itself is recorded first, so it appears in what it exports."""
    record(
        session,
        admin,
        AuditAction.audit_exported,
        "audit",
        None,
        details=filters.model_dump(mode="json", exclude={"skip", "limit"}, exclude_none=True),
    )
    await session.flush()
    rows = await session.scalars(
        _filtered(filters).order_by(AuditEntry.at, AuditEntry.id).limit(CSV_ROW_LIMIT)
    )
    entries = list(rows)
    emails = await actor_emails(session, entries)
    return "".join(_csv_lines(entries, emails))


def _csv_lines(entries: list[AuditEntry], emails: dict[uuid.UUID, str]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield flush()
    for entry in entries:
        writer.writerow(
            [
                _iso(entry.at),
                entry.actor_id or "",
                entry.actor_role,
                emails.get(entry.actor_id, "") if entry.actor_id else "",
                entry.action,
                entry.subject_type,
                entry.subject_id or "",
                entry.person_id or "",
                _details_text(entry.details),
            ]
        )
        yield flush()


def _iso(value: datetime) -> str:
    return value.isoformat()


def _details_text(details: dict[str, Any]) -> str:
    # Always a JSON object ("{…}"): never a cell a spreadsheet would run as a formula.
    return json.dumps(details, sort_keys=True, default=str)


def record_results_view(
    session: AsyncSession,
    viewer: User,
    *,
    interview_id: uuid.UUID,
    candidate_id: uuid.UUID,
    job_posting_id: uuid.UUID | None,
    via: str,
) -> None:
    """A recruiter or admin saw a candidate's results (the candidate's own views are not
    recorded: the log is about what staff do with a person's data)."""
    if viewer.id == candidate_id:
        return
    record(
        session,
        viewer,
        AuditAction.results_viewed,
        "interview",
        interview_id,
        person_id=candidate_id,
        details={"job_posting_id": str(job_posting_id) if job_posting_id else None, "via": via},
    )

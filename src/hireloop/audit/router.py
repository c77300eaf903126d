"""Admins read and export the audit log. There are no routes that change it."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from hireloop.audit import service
from hireloop.audit.schemas import AuditEntryRead, AuditFilters, AuditList
from hireloop.auth.dependencies import AdminUser
from hireloop.db import SessionDep, utcnow
from hireloop.errors import error_responses

router = APIRouter(prefix="/admin/audit", tags=["audit"])


@router.get("", responses=error_responses(401, 403, 422))
async def list_audit_entries(
    _admin: AdminUser, session: SessionDep, filters: Annotated[AuditFilters, Query()]
) -> AuditList:
    """Admins: audit entries, newest first, filtered by action, actor, person, subject
    or time. Entries are append-only: nothing in the API changes or removes one."""
    entries, total, emails = await service.list_entries(session, filters)
    return AuditList(
        items=[read_entry(entry, emails) for entry in entries],
        total=total,
        skip=filters.skip,
        limit=filters.limit,
    )


@router.get(
    "/export",
    responses={
        200: {"content": {"text/csv": {}}, "description": "The matching entries as CSV"},
        **error_responses(401, 403, 422),
    },
    response_class=Response,
)
async def export_audit_entries(
    admin: AdminUser, session: SessionDep, filters: Annotated[AuditFilters, Query()]
) -> Response:
    """Admins: every matching entry (paging ignored), oldest first, as CSV. The export is
    itself recorded in the log."""
    return csv_response(await service.export_csv(session, admin, filters))


def read_entry(entry: object, emails: dict[uuid.UUID, str]) -> AuditEntryRead:
    read = AuditEntryRead.model_validate(entry)
    read.actor_email = emails.get(read.actor_id) if read.actor_id else None
    return read


def csv_response(text: str) -> Response:
    name = f"hireloop-audit-{utcnow():%Y%m%d-%H%M%S}.csv"
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )

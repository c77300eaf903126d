"""Admins manage accounts: list and search users, change role, status and name."""

from __future__ import annotations

import uuid

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.audit.models import AuditAction
from hireloop.audit.service import record
from hireloop.auth.models import User
from hireloop.errors import Conflict, NotFound
from hireloop.users.schemas import UserFilters, UserUpdate


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def list_users(session: AsyncSession, filters: UserFilters) -> tuple[list[User], int]:
    stmt = select(User)
    if filters.role is not None:
        stmt = stmt.where(User.role == filters.role)
    if filters.status is not None:
        stmt = stmt.where(User.status == filters.status)
    if filters.search and filters.search.strip():
        pattern = f"%{_escape_like(filters.search.strip().lower())}%"
        stmt = stmt.where(
            or_(
                User.email.like(pattern, escape="\\"),
                func.lower(User.full_name).like(pattern, escape="\\"),
            )
        )
    total = await session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = await session.scalars(
        stmt.order_by(User.created_at.desc(), User.id.desc())
        .offset(filters.skip)
        .limit(filters.limit)
    )
    return list(rows), total


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound(f"User {user_id} not found")
    return user


async def update_user(
    session: AsyncSession, admin: User, user_id: uuid.UUID, data: UserUpdate
) -> User:
    user = await get_user(session, user_id)
    changes = data.model_dump(exclude_unset=True)
    for field in ("full_name", "role", "status"):
        if field in changes and changes[field] is None:
            del changes[field]  # required columns: null means "leave as is"
    # An admin who demotes or deactivates themselves could lock everyone out.
    if user.id == admin.id and (
        changes.get("role", user.role) != user.role
        or changes.get("status", user.status) != user.status
    ):
        raise Conflict("Admins cannot change their own role or status", code="own_account")
    before = {field: getattr(user, field) for field in changes}
    for field, value in changes.items():
        setattr(user, field, value)
    await session.flush()
    _record_changes(session, admin, user, before)
    return user


def _record_changes(
    session: AsyncSession, admin: User, user: User, before: dict[str, object]
) -> None:
    """Role and status changes get entries of their own; other fields are named only
    (never their values: a name or a phone number is personal data)."""
    changed = sorted(field for field, old in before.items() if getattr(user, field) != old)
    for field, action in (
        ("role", AuditAction.user_role_changed),
        ("status", AuditAction.user_status_changed),
    ):
        if field in changed:
            changed.remove(field)
            old, new = before[field], getattr(user, field)
            details = {"from": getattr(old, "value", old), "to": getattr(new, "value", new)}
            record(session, admin, action, "user", user.id, person_id=user.id, details=details)
    if changed:
        record(
            session,
            admin,
            AuditAction.user_updated,
            "user",
            user.id,
            person_id=user.id,
            details={"fields": changed},
        )

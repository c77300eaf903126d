from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column

from hireloop.db import Base, Timestamps, UUIDPrimaryKey, enum_column


class UserRole(StrEnum):
    candidate = "candidate"
    recruiter = "recruiter"
    admin = "admin"


class UserStatus(StrEnum):
    active = "active"
    inactive = "inactive"
    deleted = "deleted"


class User(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "users"

    # Stored lower-cased, so the unique index makes emails unique case-insensitively.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(40))
    role: Mapped[UserRole] = enum_column(UserRole, default=UserRole.candidate)
    status: Mapped[UserStatus] = enum_column(UserStatus, default=UserStatus.active)
    # Every token carries the generation it was issued in; raising it ends every session
    # of the account at once (sign out everywhere, a new password, deactivation).
    token_generation: Mapped[int] = mapped_column(default=0, server_default="0")


class RevokedSession(Base):
    """A signed-out session: its tokens are refused until they would have expired anyway
    (then the row is no longer needed and is purged)."""

    __tablename__ = "revoked_sessions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # the token's session id
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(index=True)


@event.listens_for(User.status, "set")
def _end_sessions_when_deactivated(
    user: User, value: UserStatus, _old: Any, _initiator: Any
) -> None:
    """However an account stops being active (the admin API, a script), its sessions end,
    so reactivating it later does not bring old tokens back to life."""
    if value != UserStatus.active and user.id is not None:
        user.token_generation = (user.token_generation or 0) + 1

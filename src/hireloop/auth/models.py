from __future__ import annotations

from enum import StrEnum

from sqlalchemy import String
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

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from hireloop.auth.models import UserRole, UserStatus
from hireloop.auth.schemas import UserRead


class UserFilters(BaseModel):
    """Query parameters of the admin user list."""

    role: UserRole | None = None
    status: UserStatus | None = None
    # Matches email or full name, case-insensitively.
    search: str | None = Field(default=None, max_length=200)
    skip: int = Field(default=0, ge=0, le=100_000)
    limit: int = Field(default=20, ge=1, le=100)


class UserUpdate(BaseModel):
    """What an admin may change; omitted fields stay as they are."""

    full_name: str | None = Field(default=None, min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    role: UserRole | None = None
    status: UserStatus | None = None

    @field_validator("full_name")
    @classmethod
    def _strip_name(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("full_name must not be blank")
        return value.strip() if value is not None else None


class UserList(BaseModel):
    items: list[UserRead]
    total: int
    skip: int
    limit: int

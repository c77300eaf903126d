from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hireloop.auth.emails import Email
from hireloop.auth.models import UserRole, UserStatus

PASSWORD_MIN_LENGTH = 8
# The most guessed passwords that the length and mix rules would still let through.
COMMON_PASSWORDS = frozenset(
    {
        "password1", "password12", "password123", "passw0rd", "p@ssw0rd", "p@ssword1",
        "qwerty123", "qwerty12", "1q2w3e4r", "1qaz2wsx", "12345678a", "123456789a",
        "abc12345", "abcd1234", "iloveyou1", "letmein1", "welcome1", "welcome123",
        "admin123", "trustno1", "monkey123", "dragon123", "sunshine1", "football1",
    }
)  # fmt: skip


class UserCreate(BaseModel):
    email: Email
    password: str = Field(min_length=PASSWORD_MIN_LENGTH, max_length=128)
    full_name: str = Field(min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=40)

    @field_validator("full_name")
    @classmethod
    def _strip_name(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("full_name must not be blank")
        return value

    @field_validator("password")
    @classmethod
    def _password_rules(cls, value: str) -> str:
        return check_password_rules(value)

    @model_validator(mode="after")
    def _password_not_email(self) -> UserCreate:
        if password_contains_email(self.password, self.email):
            raise ValueError("password must not contain your email address")
        return self


def check_password_rules(value: str) -> str:
    """The rules every new password follows (registration and password changes)."""
    if value.strip() != value or not value.strip():
        raise ValueError("password must not start or end with whitespace")
    if value.isalpha() or value.isdigit():
        raise ValueError("password must mix letters with digits or symbols")
    if value.lower() in COMMON_PASSWORDS:
        raise ValueError("password is too common; choose another")
    return value


def password_contains_email(password: str, email: str) -> bool:
    local_part = email.split("@", 1)[0].lower()
    return len(local_part) >= 4 and local_part in password.lower()


class LoginRequest(BaseModel):
    email: Email
    password: str = Field(min_length=1, max_length=128)


class PasswordChange(BaseModel):
    """A new password for the signed-in account; every other session of it ends."""

    current_password: str = Field(min_length=1, max_length=128)
    new_password: str = Field(min_length=PASSWORD_MIN_LENGTH, max_length=128)

    @field_validator("new_password")
    @classmethod
    def _password_rules(cls, value: str) -> str:
        return check_password_rules(value)


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    full_name: str
    phone: str | None
    role: UserRole
    status: UserStatus
    created_at: datetime


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    user: UserRead

"""Password hashing (argon2) and access tokens (JWT, HS256)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from hireloop.auth.models import UserRole
from hireloop.config import Settings

_hasher = PasswordHasher()
# Verified against when the email is unknown, so a login costs the same either way
# and its timing does not reveal whether an account exists.
_DUMMY_HASH = _hasher.hash("not-a-real-password-but-a-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def create_access_token(settings: Settings, user_id: uuid.UUID, role: UserRole) -> str:
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "role": role.value,
        "iat": now,
        "exp": now + timedelta(minutes=settings.access_token_minutes),
        "typ": "access",
    }
    return jwt.encode(claims, settings.jwt_secret_value(), algorithm=settings.jwt_algorithm)


def decode_access_token(settings: Settings, token: str) -> uuid.UUID | None:
    """The user id of a valid token, or None for anything tampered, expired or malformed.

    Only the configured algorithm is accepted, which rules out ``alg: none``.
    """
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret_value(),
            algorithms=[settings.jwt_algorithm],
            options={"require": ["exp", "sub", "iat"]},
        )
        if claims.get("typ") != "access":
            return None
        return uuid.UUID(str(claims["sub"]))
    except (jwt.PyJWTError, ValueError):
        return None

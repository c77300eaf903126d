"""Password hashing (argon2) and access tokens (JWT, HS256)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
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


@dataclass(frozen=True)
class AccessClaims:
    """What a valid access token says: whose it is, which session, which generation."""

    user_id: uuid.UUID
    session_id: uuid.UUID
    generation: int
    expires_at: datetime


def create_access_token(
    settings: Settings,
    user_id: uuid.UUID,
    role: UserRole,
    *,
    generation: int = 0,
    session_id: uuid.UUID | None = None,
) -> str:
    """A signed token for one session (a new one unless ``session_id`` is given).

    ``generation`` must be the user's current ``token_generation``; see auth.sessions.
    """
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "role": role.value,
        "iat": now,
        "exp": now + timedelta(minutes=settings.access_token_minutes),
        "typ": "access",
        "sid": str(session_id or uuid.uuid4()),
        "gen": generation,
    }
    return jwt.encode(claims, settings.jwt_secret_value(), algorithm=settings.jwt_algorithm)


def decode_access_claims(settings: Settings, token: str) -> AccessClaims | None:
    """The claims of a well-signed, unexpired token, or None for anything tampered,
    expired or malformed. Whether its session still stands is auth.sessions' question.

    Only the configured algorithm is accepted, which rules out ``alg: none``.
    """
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret_value(),
            algorithms=[settings.jwt_algorithm],
            options={"require": ["exp", "sub", "iat", "sid", "gen"]},
        )
        generation = claims["gen"]
        if claims.get("typ") != "access" or type(generation) is not int:
            return None
        return AccessClaims(
            user_id=uuid.UUID(str(claims["sub"])),
            session_id=uuid.UUID(str(claims["sid"])),
            generation=generation,
            expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
        )
    except (jwt.PyJWTError, ValueError, TypeError, OverflowError):
        return None


def decode_access_token(settings: Settings, token: str) -> uuid.UUID | None:
    """The user id of a well-signed, unexpired token (see decode_access_claims)."""
    claims = decode_access_claims(settings, token)
    return claims.user_id if claims else None

"""The signed invitation link: a JWT (the project's signing key, a purpose of its own)
naming the invitation and its expiry. Tampered and expired tokens are told apart, so each
gets its own page; whether it was used already is the database's answer."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import jwt

from hireloop.config import Settings

PURPOSE = "invitation"


class TokenProblem(StrEnum):
    invalid = "invalid"
    expired = "expired"


class BadInvitationToken(Exception):
    def __init__(self, problem: TokenProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def invitation_token(settings: Settings, invitation_id: uuid.UUID, expires_at: datetime) -> str:
    claims = {"typ": PURPOSE, "sub": str(invitation_id), "exp": expires_at}
    return jwt.encode(claims, settings.jwt_secret_value(), algorithm=settings.jwt_algorithm)


def invitation_id_of(settings: Settings, token: str) -> uuid.UUID:
    """The invitation a token names, or ``BadInvitationToken`` (invalid or expired).

    The signature is checked before the expiry, so a tampered token is never reported as
    merely expired; an access token (another purpose) is invalid here.
    """
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret_value(),
            algorithms=[settings.jwt_algorithm],
            options={"require": ["exp", "sub", "typ"]},
        )
    except jwt.ExpiredSignatureError:
        raise BadInvitationToken(TokenProblem.expired) from None
    except jwt.PyJWTError:
        raise BadInvitationToken(TokenProblem.invalid) from None
    if claims.get("typ") != PURPOSE:
        raise BadInvitationToken(TokenProblem.invalid)
    try:
        return uuid.UUID(str(claims["sub"]))
    except ValueError:
        raise BadInvitationToken(TokenProblem.invalid) from None

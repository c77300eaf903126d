"""Sessions: every access token (API bearer token or page cookie) belongs to one, and
signing out ends it on the server, not only in the client that signed out.

A token names its session (``sid``) and the account's token generation (``gen``) when
it was issued. It is accepted while it is unexpired, the account is active, its
generation is still the account's, and its session has not been signed out:

- signing out adds the session to ``revoked_sessions`` until the token would have
  expired anyway (a copied cookie or token stops working at once);
- signing out everywhere, changing the password and deactivating the account raise the
  account's generation, which ends every session of it in one update.

Checking costs no extra round trip: the account and its session's state come back in
the one query that loads the account.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import UTC, datetime

import structlog
from sqlalchemy import delete, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.auth.models import RevokedSession, User, UserStatus
from hireloop.auth.security import AccessClaims, create_access_token, decode_access_claims
from hireloop.config import Settings

_log = structlog.get_logger(__name__)


def issue_token(settings: Settings, user: User, session_id: uuid.UUID | None = None) -> str:
    """A token for ``user``: a new session, or a fresh token for ``session_id``."""
    return create_access_token(
        settings, user.id, user.role, generation=user.token_generation, session_id=session_id
    )


async def authenticate_token(
    session: AsyncSession, settings: Settings, token: str
) -> tuple[User, AccessClaims] | None:
    """The account and session of a token that is still good, or None."""
    claims = decode_access_claims(settings, token)
    if claims is None:
        return None
    signed_out = exists().where(RevokedSession.id == claims.session_id)
    row = (await session.execute(select(User, signed_out).where(User.id == claims.user_id))).first()
    if row is None:
        return None
    user, is_signed_out = row
    if (
        is_signed_out
        or user.status is not UserStatus.active
        or user.token_generation != claims.generation
    ):
        return None
    return user, claims


async def sign_out(session: AsyncSession, claims: AccessClaims) -> None:
    """End one session: its tokens are refused from now on, wherever they were copied."""
    now = datetime.now(UTC)
    # Rows whose tokens have expired by themselves protect nothing any more.
    await session.execute(delete(RevokedSession).where(RevokedSession.expires_at < now))
    # Signed out twice at once: one row is enough (a savepoint keeps the request usable).
    with contextlib.suppress(IntegrityError):
        async with session.begin_nested():
            session.add(
                RevokedSession(
                    id=claims.session_id, user_id=claims.user_id, expires_at=claims.expires_at
                )
            )
            await session.flush()
    _log.info("session_ended", user_id=str(claims.user_id))


async def sign_out_everywhere(session: AsyncSession, user: User) -> None:
    """End every session of the account (tokens issued afterwards carry the new generation)."""
    user.token_generation += 1
    await session.flush()
    _log.info("all_sessions_ended", user_id=str(user.id))

"""Accounts: registration, login and user creation from the CLI."""

from __future__ import annotations

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.auth.models import User, UserRole, UserStatus
from hireloop.auth.schemas import UserCreate
from hireloop.auth.security import hash_password, verify_password
from hireloop.errors import Conflict, Unauthorized

INVALID_CREDENTIALS = "Invalid email or password"

_log = structlog.get_logger(__name__)


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def register_user(
    session: AsyncSession, data: UserCreate, role: UserRole = UserRole.candidate
) -> User:
    user = User(
        email=normalize_email(str(data.email)),
        full_name=data.full_name,
        phone=data.phone,
        password_hash=hash_password(data.password),
        role=role,
        status=UserStatus.active,
    )
    try:
        # A savepoint, so a duplicate leaves the request's transaction usable.
        async with session.begin_nested():
            session.add(user)
            await session.flush()
    except IntegrityError as exc:
        raise Conflict("Email already registered") from exc
    return user


async def authenticate(session: AsyncSession, email: str, password: str) -> User:
    user = await session.scalar(select(User).where(User.email == normalize_email(email)))
    # verify_password runs argon2 even for unknown emails: same message, similar time.
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not valid or user.status is not UserStatus.active:
        # The client gets one message whatever the cause; the operator's log says which
        # (ids and flags only, never the email), to spot guessing and locked-out users.
        if user is None:
            _log.warning("login_refused", reason="unknown_account")
        else:
            reason = "wrong_password" if not valid else "inactive"
            _log.warning("login_refused", reason=reason, user_id=str(user.id))
        raise Unauthorized(INVALID_CREDENTIALS)
    return user

"""Accounts: registration, login, password changes and user creation from the CLI."""

from __future__ import annotations

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.auth.emails import canonical_email
from hireloop.auth.models import User, UserRole, UserStatus
from hireloop.auth.schemas import PasswordChange, UserCreate, password_contains_email
from hireloop.auth.security import hash_password, verify_password
from hireloop.auth.sessions import sign_out_everywhere
from hireloop.errors import Conflict, Forbidden, InvalidInput, Unauthorized

INVALID_CREDENTIALS = "Invalid email or password"

_log = structlog.get_logger(__name__)


def normalize_email(email: str) -> str:
    """The form an address is stored and looked up in (see auth.emails)."""
    try:
        return canonical_email(email)
    except ValueError:
        return email.strip().lower()  # finds no account: stored addresses are canonical


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
        raise Conflict("Email already registered", code="email_taken") from exc
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


async def change_password(session: AsyncSession, user: User, data: PasswordChange) -> None:
    """Set a new password; every session of the account ends (the caller issues the
    current client a fresh token)."""
    if not verify_password(user.password_hash, data.current_password):
        _log.warning("password_change_refused", reason="wrong_password", user_id=str(user.id))
        raise Forbidden("Current password is incorrect", code="wrong_password")
    if data.new_password == data.current_password:
        raise InvalidInput("new_password: must differ from the current password")
    if password_contains_email(data.new_password, user.email):
        raise InvalidInput("new_password: password must not contain your email address")
    user.password_hash = hash_password(data.new_password)
    await sign_out_everywhere(session, user)
    _log.info("password_changed", user_id=str(user.id))

"""Candidates accept the candidate notice; interviews start only once they have."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.auth.models import User, UserRole
from hireloop.config import Settings
from hireloop.consent.models import Consent, ConsentMethod
from hireloop.consent.notice import NOTICE_URL, notice_version
from hireloop.db import utcnow
from hireloop.errors import Conflict, PreconditionRequired

CONSENT_REQUIRED = (
    "Read and accept the candidate notice (how your interview is assessed) before starting "
    "an interview"
)


def _notice_fields(settings: Settings) -> dict[str, str]:
    return {"notice_version": notice_version(settings), "notice_url": NOTICE_URL}


def check_version(offered: str, settings: Settings) -> None:
    """Only the current notice can be accepted: 409 for any other version."""
    current = notice_version(settings)
    if offered != current:
        raise Conflict(
            f"Notice version '{offered[:40]}' is not the current one: read the current "
            f"notice ({NOTICE_URL}, version {current}) and accept that version",
            code="notice_version_outdated",
            extra=_notice_fields(settings),
        )


async def current_consent(
    session: AsyncSession, user_id: uuid.UUID, settings: Settings
) -> Consent | None:
    """The user's acceptance of the current notice, if any."""
    current = notice_version(settings)
    found: Consent | None = await session.scalar(
        select(Consent).where(Consent.user_id == user_id, Consent.notice_version == current)
    )
    return found


async def accept(
    session: AsyncSession, user: User, offered: str, method: ConsentMethod, settings: Settings
) -> tuple[Consent, bool]:
    """Record that ``user`` accepted the notice; returns (consent, newly recorded).

    Accepting the same version again returns the acceptance on record (idempotent).
    """
    check_version(offered, settings)
    existing = await current_consent(session, user.id, settings)
    if existing is not None:
        return existing, False
    consent = Consent(
        id=uuid.uuid4(),
        user_id=user.id,
        notice_version=offered,
        accepted_at=utcnow(),
        method=method,
    )
    try:
        # Two acceptances at once: the unique (user, version) constraint keeps one.
        async with session.begin_nested():
            session.add(consent)
            await session.flush()
    except IntegrityError:
        existing = await current_consent(session, user.id, settings)
        if existing is None:
            raise
        return existing, False
    return consent, True


async def require_consent(
    session: AsyncSession,
    user: User,
    settings: Settings,
    offered_version: str | None,
    method: ConsentMethod = ConsentMethod.start,
    *,
    on_record: bool | None = None,
) -> None:
    """Before an interview starts: the current notice must be accepted (428 otherwise).

    ``offered_version`` is an acceptance sent with the start request itself;
    ``on_record`` whether the current version's acceptance is known to be on record
    (None: look it up).
    """
    if offered_version is not None:
        await accept(session, user, offered_version, method, settings)
        return
    # The notice is for candidates; staff trying an interview out are not assessed.
    if not settings.consent_required or user.role is not UserRole.candidate:
        return
    if on_record is None:
        on_record = await current_consent(session, user.id, settings) is not None
    if not on_record:
        raise PreconditionRequired(
            CONSENT_REQUIRED, code="consent_required", extra=_notice_fields(settings)
        )


async def list_mine(session: AsyncSession, user: User) -> list[Consent]:
    rows = await session.scalars(
        select(Consent).where(Consent.user_id == user.id).order_by(Consent.accepted_at.desc())
    )
    return list(rows)


async def latest_for(
    session: AsyncSession, user_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, Consent]:
    """Each user's most recent acceptance (any version), for recruiters' views."""
    ids = list(set(user_ids))
    if not ids:
        return {}
    rows = await session.scalars(
        select(Consent).where(Consent.user_id.in_(ids)).order_by(Consent.accepted_at)
    )
    return {row.user_id: row for row in rows}  # later rows replace earlier ones

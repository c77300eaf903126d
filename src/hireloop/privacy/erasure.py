"""Erasing a person: their account and everything hanging off it, files included.

What stays: one anonymous ``ApplicationOutcome`` per job application (the job, the final
status, score and recommendation, the dates; no person), and the audit log, whose
entries name people by random id only. Rows go through the database's ``ON DELETE
CASCADE`` from ``users``, so tables added later go too; stored files (the registry's file
columns) are deleted once the transaction has committed, so a failed erasure loses nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import structlog
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.applications.models import Application
from hireloop.audit.models import AuditAction
from hireloop.audit.service import record
from hireloop.auth.models import User, UserRole
from hireloop.auth.security import verify_password
from hireloop.config import Settings
from hireloop.db import on_outcome, utcnow
from hireloop.errors import Conflict, Forbidden, NotFound
from hireloop.interviews.models import AssessmentResult
from hireloop.invitations.models import Invitation, invitation_email_destination
from hireloop.outbox.models import OutboxMessage
from hireloop.privacy.models import ApplicationOutcome
from hireloop.privacy.registry import SOURCES

log = structlog.get_logger(__name__)

WRONG_PASSWORD = "The password is not correct; your account was not deleted."


def staff_refusal() -> Forbidden:
    return Forbidden(
        "Staff accounts are removed by an admin: ask one to erase your account.",
        code="staff_self_erasure",
    )


async def erase_own_account(
    session: AsyncSession, user: User, password: str, settings: Settings
) -> None:
    """A candidate deletes their own account, confirming with their password."""
    if user.role is not UserRole.candidate:
        raise staff_refusal()
    if not verify_password(user.password_hash, password):
        raise Forbidden(WRONG_PASSWORD, code="wrong_password")
    await erase_person(session, user, user.id, settings)


async def erase_person(
    session: AsyncSession, actor: User, person_id: uuid.UUID, settings: Settings
) -> dict[str, int]:
    """Erase the account ``person_id`` (an admin on request, or the person). Returns how
    many rows of each kind went, as recorded in the audit log."""
    person = await session.scalar(select(User).where(User.id == person_id).with_for_update())
    if person is None:
        raise NotFound(f"User {person_id} not found")
    if person.id == actor.id and actor.role is UserRole.admin:
        raise Conflict("Admins cannot erase their own account", code="own_account")
    counts = {
        source.name: await session.scalar(
            select(func.count()).select_from(source.model).where(source.rows_of(person.id))
        )
        or 0
        for source in SOURCES
    }
    outcomes = await _keep_outcomes(session, person.id)
    files = await _stored_files(session, person.id, settings)
    record(
        session,
        actor,
        AuditAction.account_erased,
        "user",
        person.id,
        person_id=person.id,
        details={
            "by": "self" if actor.id == person.id else "admin",
            "role": person.role.value,
            "rows": {name: count for name, count in counts.items() if count},
            "files": len(files),
            "outcomes_kept": outcomes,
        },
    )
    for source in SOURCES:
        if source.erase_rows:
            await session.execute(
                delete(source.model)
                .where(source.rows_of(person.id))
                .execution_options(synchronize_session=False)
            )
    await session.execute(delete(User).where(User.id == person.id))
    session.expunge(person)
    await session.flush()
    on_outcome(session, committed=_deleter(files))
    log.info("account_erased", person_id=str(person.id), files=len(files))
    return counts


async def invitations_to_address(session: AsyncSession, address: str) -> int:
    """How many invitations were sent to ``address`` (canonical form)."""
    count = await session.scalar(
        select(func.count()).select_from(Invitation).where(Invitation.email == address)
    )
    return count or 0


async def erase_address(session: AsyncSession, admin: User, address: str) -> int:
    """Erase what is held about an address that has no account: the invitations sent to
    it, and their emails if still waiting (someone invited who never registered asks to
    be forgotten). An address with an account is erased with the account. Returns how
    many invitations went; the audit entry counts them and does not name the address."""
    if await session.scalar(select(User.id).where(User.email == address)) is not None:
        raise Conflict(
            "An account uses this address: erase that account instead (its invitations "
            "go with it).",
            code="address_has_account",
        )
    invitation_ids = list(
        await session.scalars(select(Invitation.id).where(Invitation.email == address))
    )
    if invitation_ids:
        await session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.destination.in_(
                    [invitation_email_destination(i) for i in invitation_ids]
                )
            )
        )
        await session.execute(delete(Invitation).where(Invitation.id.in_(invitation_ids)))
    record(
        session,
        admin,
        AuditAction.address_erased,
        "address",
        None,
        details={"invitations": len(invitation_ids)},
    )
    await session.flush()
    return len(invitation_ids)


async def _keep_outcomes(session: AsyncSession, person_id: uuid.UUID) -> int:
    rows = await session.execute(
        select(Application, AssessmentResult)
        .outerjoin(AssessmentResult, AssessmentResult.interview_id == Application.interview_id)
        .where(Application.candidate_id == person_id)
    )
    now = utcnow()
    kept = 0
    for application, result in rows:
        session.add(
            ApplicationOutcome(
                id=uuid.uuid4(),
                job_posting_id=application.job_posting_id,
                status=application.status.value,
                overall_score=result.overall_score if result else None,
                recommendation=result.recommendation if result else None,
                applied_at=application.applied_at,
                last_changed_at=application.updated_at,
                erased_at=now,
            )
        )
        kept += 1
    return kept


async def _stored_files(
    session: AsyncSession, person_id: uuid.UUID, settings: Settings
) -> list[tuple[Callable[[str], None], str]]:
    files: list[tuple[Callable[[str], None], str]] = []
    for source in SOURCES:
        if source.file_column is None or source.store is None:
            continue
        store = source.store(settings)
        column = source.model.__table__.c[source.file_column]
        keys = await session.scalars(
            select(column).where(source.rows_of(person_id), column.is_not(None))
        )
        files.extend((store.delete_now, str(key)) for key in keys)
    return files


def _deleter(files: list[tuple[Callable[[str], None], str]]) -> Callable[[], None]:
    def delete_files() -> None:
        for delete_now, key in files:
            try:
                delete_now(key)
            except (OSError, ValueError):
                log.warning("erased_file_not_deleted", exc_info=True)

    return delete_files

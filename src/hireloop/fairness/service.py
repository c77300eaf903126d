"""A candidate's own voluntary self-identification: read, set or change, delete.

Only the person reads or changes their answers here; the bias report reads them in
aggregate. Staff accounts are not applicants and are refused.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.auth.models import User, UserRole
from hireloop.errors import Forbidden, NotFound
from hireloop.fairness.models import SelfIdentification
from hireloop.fairness.schemas import SelfIdentificationRead, SelfIdentificationUpdate

CANDIDATES_ONLY = "Only candidates can self-identify: the bias report is about applicants"


def _require_candidate(user: User) -> None:
    if user.role is not UserRole.candidate:
        raise Forbidden(CANDIDATES_ONLY, code="candidates_only")


async def find_own(session: AsyncSession, user: User) -> SelfIdentification | None:
    _require_candidate(user)
    found: SelfIdentification | None = await session.scalar(
        select(SelfIdentification).where(SelfIdentification.user_id == user.id)
    )
    return found


async def get_own(session: AsyncSession, user: User) -> SelfIdentification:
    found = await find_own(session, user)
    if found is None:
        raise NotFound(
            "You have not answered the voluntary self-identification questions",
            code="self_identification_not_provided",
        )
    return found


async def set_own(
    session: AsyncSession, user: User, data: SelfIdentificationUpdate
) -> SelfIdentification:
    found = await find_own(session, user)
    if found is None:
        try:
            async with session.begin_nested():
                found = SelfIdentification(
                    user_id=user.id, sex=data.sex, race_ethnicity=data.race_ethnicity
                )
                session.add(found)
            return found
        except IntegrityError:  # a concurrent request of the same person inserted first
            found = await find_own(session, user)
            assert found is not None
    found.sex = data.sex
    found.race_ethnicity = data.race_ethnicity
    await session.flush()
    return found


async def delete_own(session: AsyncSession, user: User) -> None:
    """Idempotent: deleting answers that are not there is not an error."""
    _require_candidate(user)
    await session.execute(delete(SelfIdentification).where(SelfIdentification.user_id == user.id))


# For the person's data export and erasure (issue 18, items 2 and 3): one call each.


async def export_of(session: AsyncSession, user_id: uuid.UUID) -> dict[str, Any] | None:
    """The person's answers as they would read them, or None when they gave none."""
    found = await session.scalar(
        select(SelfIdentification).where(SelfIdentification.user_id == user_id)
    )
    if found is None:
        return None
    return SelfIdentificationRead.model_validate(found).model_dump(mode="json")


async def erase(session: AsyncSession, user_id: uuid.UUID) -> int:
    """Deletes the person's answers (also done by ON DELETE CASCADE with the user row);
    returns how many rows went."""
    result = await session.execute(
        delete(SelfIdentification).where(SelfIdentification.user_id == user_id)
    )
    return int(getattr(result, "rowcount", 0) or 0)

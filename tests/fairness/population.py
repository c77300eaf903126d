"""A synthetic population whose rates and impact ratios are known in advance.

Rows are written straight to the database (people, applications, interviews, results,
self-identification): the report reads only those, and dozens of registrations through
the API would make each test slow. Jobs and staff are still made through the API.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hireloop.applications.models import Application, ApplicationStatus
from hireloop.auth.models import User, UserRole
from hireloop.fairness.categories import RaceEthnicity, Sex
from hireloop.fairness.models import SelfIdentification
from hireloop.interviews.models import AssessmentResult, Interview, InterviewStatus

S = ApplicationStatus
_counter = itertools.count(1)


@dataclass(frozen=True)
class Cohort:
    """``count`` people answering (sex, race) — None: no answers on file — whose
    applications end in the given statuses with the given recommendations (None: no result).
    ``outcomes`` is a list of (status, recommendation) of length ``count``."""

    sex: str | None
    race: str | None
    outcomes: list[tuple[ApplicationStatus, str | None]]


def outcomes(*parts: tuple[int, ApplicationStatus, str | None]) -> list[tuple[S, str | None]]:
    return [(status, rec) for count, status, rec in parts for _ in range(count)]


# Job A. Sex: female 20 (10 selected, 5 offered, 12 of 20 favourable), male 20 (4 selected,
# all offered, 9 of 20 favourable). Race: white 20, asian 20, black 3 (too small, all
# offered); 2 declined both; 4 gave no answers; 1 withdrawn (not counted).
JOB_A: list[Cohort] = [
    Cohort(
        "female",
        "white",
        outcomes(
            (3, S.under_review, "yes"),
            (2, S.offered, "strong_yes"),
            (1, S.rejected, "yes"),
            (4, S.rejected, "no"),
        ),
    ),
    Cohort(
        "female",
        "asian",
        outcomes(
            (2, S.under_review, "yes"),
            (3, S.offered, "yes"),
            (1, S.rejected, "strong_yes"),
            (2, S.rejected, "needs_review"),
            (2, S.rejected, "lean_no"),
        ),
    ),
    Cohort(
        "male",
        "white",
        outcomes((2, S.offered, "yes"), (3, S.rejected, "yes"), (5, S.rejected, "no")),
    ),
    Cohort(
        "male",
        "asian",
        outcomes(
            (2, S.offered, "strong_yes"),
            (2, S.interview_completed, "yes"),
            (6, S.interview_completed, "lean_no"),
        ),
    ),
    Cohort(
        "decline_to_answer",
        "black_or_african_american",
        outcomes((3, S.offered, "strong_yes")),
    ),
    Cohort("decline_to_answer", "decline_to_answer", outcomes((2, S.applied, None))),
    Cohort(None, None, outcomes((1, S.offered, None), (3, S.interview_scheduled, None))),
    Cohort("female", "white", outcomes((1, S.withdrawn, "strong_yes"))),
]


async def _person(session: AsyncSession, sex: str | None, race: str | None) -> User:
    number = next(_counter)
    user = User(
        email=f"synthetic{number}-{uuid.uuid4().hex[:6]}@example.com",
        full_name=f"Synthetic Person {number}",
        password_hash="not-a-hash",
        role=UserRole.candidate,
    )
    session.add(user)
    await session.flush()
    if sex is not None and race is not None:
        session.add(
            SelfIdentification(user_id=user.id, sex=Sex(sex), race_ethnicity=RaceEthnicity(race))
        )
    return user


async def _application(
    session: AsyncSession,
    user: User,
    job_id: uuid.UUID,
    status: ApplicationStatus,
    recommendation: str | None,
) -> None:
    interview_id = None
    if recommendation is not None:
        interview = Interview(
            candidate_id=user.id,
            job_posting_id=job_id,
            role_type="backend_engineer",
            status=InterviewStatus.completed,
        )
        session.add(interview)
        await session.flush()
        session.add(
            AssessmentResult(
                interview_id=interview.id, overall_score=50.0, recommendation=recommendation
            )
        )
        interview_id = interview.id
    session.add(
        Application(
            candidate_id=user.id, job_posting_id=job_id, status=status, interview_id=interview_id
        )
    )
    await session.flush()


async def populate(app: Any, job_id: str, cohorts: list[Cohort]) -> dict[str, list[User]]:
    """Writes the cohorts' people and applications to job_id; returns the people per
    "sex+race" key, so a test can send some of them to another job."""
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    people: dict[str, list[User]] = {}
    async with maker() as session:
        for cohort in cohorts:
            for status, recommendation in cohort.outcomes:
                user = await _person(session, cohort.sex, cohort.race)
                await _application(session, user, uuid.UUID(job_id), status, recommendation)
                people.setdefault(f"{cohort.sex}+{cohort.race}", []).append(user)
        await session.commit()
    return people


async def apply_again(
    app: Any, job_id: str, users: list[User], status: ApplicationStatus, recommendation: str
) -> None:
    """The same people apply to another job (each application counts on its own)."""
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    async with maker() as session:
        for user in users:
            await _application(session, user, uuid.UUID(job_id), status, recommendation)
        await session.commit()

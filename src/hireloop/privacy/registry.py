"""Every kind of personal data Hireloop holds, in one list: what an export contains and
where an erasure looks for stored files.

To add a table that holds a person's data, add ONE ``PersonalData`` line to ``SOURCES``,
saying which rows are the person's (``own`` for a user id column, ``of_interviews`` /
``of_applications`` for rows hanging off those). Erasure itself needs no line: tables
refer to ``users`` (directly or through applications and interviews) with ``ON DELETE
CASCADE``, and the erasure test scans every table and the storage directory for what is
left; ``tests/privacy/test_registry.py`` fails for a table that refers to a person's rows
and is neither listed here nor in ``NOT_PERSONAL``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import ColumnElement, select

from hireloop.applications.models import Application, HumanReviewRequest
from hireloop.audit.models import AuditEntry
from hireloop.auth.models import RevokedSession, User
from hireloop.config import Settings
from hireloop.consent.models import Consent
from hireloop.db import Base
from hireloop.fairness.models import SelfIdentification
from hireloop.interviews.models import (
    AssessmentResult,
    Interview,
    InterviewMessage,
    InterviewSession,
)
from hireloop.invitations.models import Invitation
from hireloop.outbox.models import OutboxMessage
from hireloop.resumes.models import Resume
from hireloop.resumes.storage import ResumeStorage
from hireloop.voice.models import VoiceAnswer
from hireloop.voice.storage import AudioStorage

RowsOf = Callable[[uuid.UUID], ColumnElement[bool]]


class FileStore(Protocol):
    """Where a source's original files live (``ResumeStorage`` is one)."""

    def path_for(self, key: str) -> Path: ...

    def delete_now(self, key: str) -> None: ...


@dataclass(frozen=True)
class PersonalData:
    name: str  # the key in the export document
    model: type[Base]
    rows_of: RowsOf  # which rows are the person's
    hidden: tuple[str, ...] = ()  # columns never exported (secrets, search words)
    file_column: str | None = None  # a column naming a stored original file
    store: Callable[[Settings], FileStore] | None = None
    # Rows the cascade from ``users`` does not reach (found by email address, say): an
    # erasure deletes them itself.
    erase_rows: bool = False


def own(column: Any) -> RowsOf:
    """Rows whose ``column`` is the person's user id."""
    return lambda person_id: column == person_id


def of_interviews(column: Any) -> RowsOf:
    """Rows whose ``column`` is one of the person's interviews."""
    return lambda person_id: column.in_(
        select(Interview.id).where(Interview.candidate_id == person_id)
    )


def of_applications(column: Any) -> RowsOf:
    """Rows whose ``column`` is one of the person's applications."""
    return lambda person_id: column.in_(
        select(Application.id).where(Application.candidate_id == person_id)
    )


def invited(person_id: uuid.UUID) -> ColumnElement[bool]:
    """Invitations sent to the person's address, or taken up by them."""
    address = select(User.email).where(User.id == person_id).scalar_subquery()
    return (Invitation.email == address) | (Invitation.accepted_by_id == person_id)


def resume_store(settings: Settings) -> FileStore:
    return ResumeStorage(settings.resume_directory)


def audio_store(settings: Settings) -> FileStore:
    return AudioStorage.of(settings)


SOURCES: tuple[PersonalData, ...] = (
    PersonalData("account", User, own(User.id), hidden=("password_hash", "token_generation")),
    PersonalData("signed_out_sessions", RevokedSession, own(RevokedSession.user_id)),
    PersonalData("applications", Application, own(Application.candidate_id)),
    PersonalData("interviews", Interview, own(Interview.candidate_id)),
    PersonalData(
        "interview_states", InterviewSession, of_interviews(InterviewSession.interview_id)
    ),
    PersonalData("transcripts", InterviewMessage, of_interviews(InterviewMessage.interview_id)),
    PersonalData("results", AssessmentResult, of_interviews(AssessmentResult.interview_id)),
    PersonalData(
        "resumes",
        Resume,
        own(Resume.candidate_id),
        file_column="storage_key",
        store=resume_store,
    ),
    PersonalData(
        "voice_answers",
        VoiceAnswer,
        of_interviews(VoiceAnswer.interview_id),
        file_column="storage_key",
        store=audio_store,
    ),
    PersonalData("audit_entries_about_you", AuditEntry, own(AuditEntry.person_id)),
    PersonalData("consents", Consent, own(Consent.user_id)),
    PersonalData("human_review_requests", HumanReviewRequest, own(HumanReviewRequest.candidate_id)),
    PersonalData("self_identification", SelfIdentification, own(SelfIdentification.user_id)),
    PersonalData("invitations", Invitation, invited, erase_rows=True),
    # Messages addressed to the person (emails) still waiting or kept in the delivery log.
    PersonalData("messages_to_you", OutboxMessage, own(OutboxMessage.person_id)),
)

# Tables that refer to users, applications or interviews but hold nothing about the
# person as such, with the reason (the registry test accepts only these).
NOT_PERSONAL: dict[str, str] = {
    "job_postings": "a recruiter's posting (owner_id); the posting is the company's",
    "application_outcomes": "anonymous outcome rows left by erasures, with no person",
    "digested_interviews": "marks that an interview was listed in a recruiter's digest",
}

# Columns that name the staff member who acted on someone else's row (not whom the row is
# about): erasing that staff account clears the name (SET NULL) and keeps the row.
STAFF_REFERENCES: dict[tuple[str, str], str] = {
    ("applications", "status_decided_by"): "the recruiter who made the status decision",
    ("human_review_requests", "handled_by"): "the recruiter who handled the review request",
    ("invitations", "invited_by"): "the recruiter who sent the invitation",
}

"""The retention purge: data of closed applications that is older than the settings allow.

An application is closed once rejected, offered or withdrawn (final statuses); it closed
at its last change. Unset settings keep everything. Transcripts: the interview's
messages go, and the quotes of them in its results are blanked (scores, levels and the
claims credited stay, so recruiters' rankings and the bias report still add up).
Resumes: a candidate's resumes (rows and files) go once every application of theirs has
been closed longer than the setting, and the resume is older than that too. Practice
interviews belong to no application and are kept until the person erases them.
Audio: a recorded answer's file goes when its own keep date passes
(``HIRELOOP_SPEECH_KEEP_AUDIO_DAYS``), when its application has been closed longer than
``HIRELOOP_RETENTION_AUDIO_DAYS``, or a day after it was recorded if its transcript was
never confirmed; the row (the transcript as heard) stays with the interview.

Idempotent: what is gone is not found again, so a second run has nothing to do; several
server processes may run it at once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.applications.models import Application, ApplicationStatus
from hireloop.audit.models import AuditAction
from hireloop.audit.service import record
from hireloop.config import Settings
from hireloop.db import on_outcome
from hireloop.interviews.models import AssessmentResult, InterviewMessage
from hireloop.resumes.models import Resume
from hireloop.resumes.storage import ResumeStorage
from hireloop.voice.models import VoiceAnswer
from hireloop.voice.storage import AudioStorage

CLOSED = (ApplicationStatus.rejected, ApplicationStatus.offered, ApplicationStatus.withdrawn)
QUOTE_KEYS = frozenset({"quote"})


@dataclass(frozen=True)
class TranscriptItem:
    interview_id: uuid.UUID
    application_id: uuid.UUID
    closed_at: datetime
    messages: int


@dataclass(frozen=True)
class ResumeItem:
    resume_id: uuid.UUID
    candidate_id: uuid.UUID
    uploaded_at: datetime
    storage_key: str | None


@dataclass(frozen=True)
class AudioItem:
    voice_answer_id: uuid.UUID
    interview_id: uuid.UUID
    recorded_at: datetime
    storage_key: str


# A recording whose transcript was never confirmed is a draft the candidate left.
UNCONFIRMED_AUDIO = timedelta(days=1)


@dataclass
class PurgePlan:
    transcripts: list[TranscriptItem] = field(default_factory=list)
    resumes: list[ResumeItem] = field(default_factory=list)
    audio: list[AudioItem] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.transcripts or self.resumes or self.audio)

    def outcome(self, *, dry_run: bool) -> str:
        if self.empty:
            return "Nothing to purge."
        counts = f"{len(self.transcripts)} transcript(s) and {len(self.resumes)} resume(s)"
        if self.audio:
            counts += f" and {len(self.audio)} recording(s)"
        return (
            f"{counts} would be deleted (dry run: nothing changed)."
            if dry_run
            else (f"{counts} deleted.")
        )

    def lines(self) -> list[str]:
        """One line per item, ids and dates only (the output may end up in logs)."""
        return (
            [
                f"transcript of interview {t.interview_id} (application {t.application_id}, "
                f"closed {t.closed_at:%Y-%m-%d}): {t.messages} messages"
                for t in self.transcripts
            ]
            + [
                f"resume {r.resume_id} (candidate {r.candidate_id}, "
                f"uploaded {r.uploaded_at:%Y-%m-%d})" + ("" if r.storage_key else ", no file")
                for r in self.resumes
            ]
            + [
                f"recording {a.voice_answer_id} (interview {a.interview_id}, "
                f"recorded {a.recorded_at:%Y-%m-%d})"
                for a in self.audio
            ]
        )


def retention_summary(settings: Settings) -> str:
    def days(value: int | None) -> str:
        return "kept" if value is None else f"{value} days after closing"

    return (
        f"Retention: transcripts {days(settings.retention_transcript_days)}, "
        f"resumes {days(settings.retention_resume_days)}, "
        f"audio {days(settings.retention_audio_days)}"
        + (
            ""
            if not settings.speech_enabled
            else f" (recorded answers kept {settings.speech_keep_audio_days} days for review)"
            if settings.speech_keep_audio_days
            else " (recorded answers deleted once their transcript is confirmed)"
        )
        + "."
    )


async def plan_purge(session: AsyncSession, settings: Settings, now: datetime) -> PurgePlan:
    plan = PurgePlan()
    if settings.retention_transcript_days is not None:
        cutoff = now - timedelta(days=settings.retention_transcript_days)
        rows = await session.execute(
            select(
                Application.interview_id,
                Application.id,
                Application.updated_at,
                func.count(InterviewMessage.id),
            )
            .join(InterviewMessage, InterviewMessage.interview_id == Application.interview_id)
            .where(Application.status.in_(CLOSED), Application.updated_at < cutoff)
            .group_by(Application.interview_id, Application.id, Application.updated_at)
            .order_by(Application.updated_at, Application.id)
        )
        plan.transcripts = [
            TranscriptItem(interview_id, application_id, closed_at, count)
            for interview_id, application_id, closed_at, count in rows
            if interview_id is not None
        ]
    if settings.retention_resume_days is not None:
        cutoff = now - timedelta(days=settings.retention_resume_days)
        open_count = func.sum(case((Application.status.in_(CLOSED), 0), else_=1))
        done = (
            select(Application.candidate_id)
            .group_by(Application.candidate_id)
            .having(open_count == 0, func.max(Application.updated_at) < cutoff)
        )
        resumes = await session.execute(
            select(Resume.id, Resume.candidate_id, Resume.uploaded_at, Resume.storage_key)
            .where(Resume.candidate_id.in_(done), Resume.uploaded_at < cutoff)
            .order_by(Resume.uploaded_at, Resume.id)
        )
        plan.resumes = [ResumeItem(*row) for row in resumes]
    plan.audio = await _audio_due(session, settings, now)
    return plan


async def _audio_due(session: AsyncSession, settings: Settings, now: datetime) -> list[AudioItem]:
    due = or_(
        VoiceAnswer.keep_until < now,
        and_(
            VoiceAnswer.confirmed_at.is_(None),
            VoiceAnswer.created_at < now - UNCONFIRMED_AUDIO,
        ),
    )
    if settings.retention_audio_days is not None:
        cutoff = now - timedelta(days=settings.retention_audio_days)
        closed = select(Application.interview_id).where(
            Application.status.in_(CLOSED), Application.updated_at < cutoff
        )
        due = or_(due, VoiceAnswer.interview_id.in_(closed))
    rows = await session.execute(
        select(
            VoiceAnswer.id,
            VoiceAnswer.interview_id,
            VoiceAnswer.created_at,
            VoiceAnswer.storage_key,
        )
        .where(VoiceAnswer.storage_key.is_not(None), due)
        .order_by(VoiceAnswer.created_at, VoiceAnswer.id)
    )
    return [
        AudioItem(answer_id, interview_id, recorded_at, key)
        for answer_id, interview_id, recorded_at, key in rows
        if key is not None
    ]


async def apply_purge(session: AsyncSession, settings: Settings, plan: PurgePlan) -> None:
    """Delete what ``plan`` lists (files once the transaction commits), with one audit
    entry for the run."""
    if plan.empty:
        return
    interview_ids = [item.interview_id for item in plan.transcripts]
    if interview_ids:
        await session.execute(
            delete(InterviewMessage).where(InterviewMessage.interview_id.in_(interview_ids))
        )
        results = await session.scalars(
            select(AssessmentResult).where(AssessmentResult.interview_id.in_(interview_ids))
        )
        for result in results:
            for column in ("skill_results", "strengths", "growth_areas", "integrity_flags"):
                setattr(result, column, _without_quotes(getattr(result, column)))
    if plan.resumes:
        await session.execute(
            delete(Resume).where(Resume.id.in_([item.resume_id for item in plan.resumes]))
        )
        storage = ResumeStorage(settings.resume_directory)
        keys = [item.storage_key for item in plan.resumes if item.storage_key]

        def delete_files() -> None:
            for key in keys:
                storage.delete_now(key)

        on_outcome(session, committed=delete_files)
    if plan.audio:
        await session.execute(
            update(VoiceAnswer)
            .where(VoiceAnswer.id.in_([item.voice_answer_id for item in plan.audio]))
            .values(storage_key=None, keep_until=None)
        )
        audio = AudioStorage.of(settings)
        audio_keys = [item.storage_key for item in plan.audio]

        def delete_audio() -> None:
            for key in audio_keys:
                audio.delete_now(key)

        on_outcome(session, committed=delete_audio)
    record(
        session,
        None,
        AuditAction.retention_purged,
        "retention",
        None,
        details={
            "transcripts": len(plan.transcripts),
            "resumes": len(plan.resumes),
            **({"recordings": len(plan.audio)} if plan.audio else {}),
        },
    )
    await session.flush()


async def purge(
    session: AsyncSession, settings: Settings, now: datetime, *, dry_run: bool = False
) -> PurgePlan:
    plan = await plan_purge(session, settings, now)
    if not dry_run:
        await apply_purge(session, settings, plan)
    return plan


def _without_quotes(value: Any) -> Any:
    """A copy of a JSON value with every quoted answer text blanked."""
    if isinstance(value, dict):
        return {
            key: "" if key in QUOTE_KEYS and isinstance(item, str) else _without_quotes(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_without_quotes(item) for item in value]
    return value

"""The domain events Hireloop emits, and what each carries.

Each function is called by the service that makes the change, with its session, so the
event is written in the change's transaction. Payloads hold ids, statuses, times and
scores only: no names, email addresses or anything a person wrote, because a message may
wait in the outbox (or its log) after the person it concerns has been erased. Interview
events are emitted for interviews linked to a job application (practice interviews
concern no recruiter).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.applications.models import Application, ApplicationStatus
from hireloop.engine.results import ResultsData
from hireloop.interviews.models import Interview
from hireloop.jobs.models import JobPosting, JobStatus
from hireloop.outbox.service import Event, emit, emit_many


class EventType(StrEnum):
    application_created = "application.created"
    application_status_changed = "application.status_changed"
    interview_started = "interview.started"
    interview_completed = "interview.completed"
    job_posting_status_changed = "job_posting.status_changed"


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def _application(application: Application) -> dict[str, Any]:
    return {
        "application_id": str(application.id),
        "job_posting_id": str(application.job_posting_id),
        "candidate_id": str(application.candidate_id),
        "status": application.status.value,
    }


async def application_created(session: AsyncSession, application: Application) -> Event:
    data = _application(application)
    data["interview_id"] = str(application.interview_id) if application.interview_id else None
    return await emit(session, EventType.application_created, data)


def _status_changed(application: Application, previous: ApplicationStatus) -> Event | None:
    if application.status is previous:
        return None
    data = _application(application) | {"previous_status": previous.value}
    return Event(EventType.application_status_changed, data)


async def application_status_changed(
    session: AsyncSession, application: Application, previous: ApplicationStatus
) -> Event | None:
    event = _status_changed(application, previous)
    if event is not None:
        await emit_many(session, [event])
    return event


def _interview(interview: Interview) -> dict[str, Any]:
    return {
        "interview_id": str(interview.id),
        "application_id": str(interview.application_id),
        "job_posting_id": str(interview.job_posting_id),
        "candidate_id": str(interview.candidate_id),
        "role_type": interview.role_type,
    }


async def interview_started(
    session: AsyncSession,
    interview: Interview,
    application: Application | None = None,
    previous: ApplicationStatus | None = None,
) -> list[Event]:
    """``interview.started``, and the application's move (from ``previous``) with it, in
    one statement: this is on the interview start's hot path."""
    events: list[Event] = []
    if interview.application_id is not None:
        data = _interview(interview) | {"started_at": _iso(interview.started_at)}
        events.append(Event(EventType.interview_started, data))
    if application is not None and previous is not None:
        moved = _status_changed(application, previous)
        events += [moved] if moved is not None else []
    await emit_many(session, events)
    return events


def results_summary(results: ResultsData) -> dict[str, Any]:
    """Scores, levels and counts of the results; none of the quoted or worded text."""
    return {
        "overall_score": results.overall_score,
        "recommendation": results.recommendation,
        "confidence": results.confidence,
        "needs_human_review": bool(results.review_reasons),
        "coverage": results.coverage.model_dump(),
        "skills": [
            {
                "skill_id": skill.skill_id,
                "level": str(skill.level),
                "score": skill.score,
                "questions": skill.questions,
            }
            for skill in results.skill_results
        ],
    }


async def interview_completed(
    session: AsyncSession, interview: Interview, results: ResultsData
) -> Event | None:
    if interview.application_id is None:
        return None
    data = _interview(interview) | {
        "completed_at": _iso(interview.completed_at),
        "duration_seconds": interview.duration_seconds,
        "results": results_summary(results),
    }
    return await emit(session, EventType.interview_completed, data)


async def job_posting_status_changed(
    session: AsyncSession, job: JobPosting, previous: JobStatus
) -> Event | None:
    if job.status is previous:
        return None
    data = {
        "job_posting_id": str(job.id),
        "status": job.status.value,
        "previous_status": previous.value,
    }
    return await emit(session, EventType.job_posting_status_changed, data)

"""A posting's applicants as CSV, for its recruiter (or an admin), in the ranking's order.

Every applicant with results counts as a view of their results in the audit log (as the
pages do), and the export itself is logged with its row count.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.applications.review import Applicant, rank_applicants
from hireloop.audit.models import AuditAction
from hireloop.audit.service import record, record_results_view
from hireloop.auth.models import User
from hireloop.exports.csv_cells import safe_cell
from hireloop.jobs.models import JobPosting
from hireloop.web.results_view import skill_rows

# Far above any posting's applicants; the export is one response.
EXPORT_LIMIT = 10_000
FIXED_COLUMNS = (
    "rank",
    "candidate",
    "email",
    "applied_at",
    "status",
    "overall_score",
    "recommendation",
    "confidence",
    "questions_asked",
    "questions_planned",
    "skills_assessed",
    "skills_planned",
)


def _skill_names(applicants: Iterable[Applicant]) -> list[str]:
    names: dict[str, None] = {}
    for applicant in applicants:
        if applicant.result is not None:
            for row in skill_rows(applicant.result.skill_results):
                names.setdefault(row.name)
    return list(names)


def _row(applicant: Applicant, skills: list[str]) -> list[object]:
    result = applicant.result
    coverage = (result.coverage or {}) if result else {}
    levels = (
        {row.name: row.level.replace("_", " ") for row in skill_rows(result.skill_results)}
        if result
        else {}
    )
    fixed: list[object] = [
        applicant.rank,
        applicant.candidate.full_name,
        applicant.candidate.email,
        applicant.application.applied_at.isoformat(),
        applicant.application.status.value,
        round(result.overall_score, 1) if result else None,
        result.recommendation if result else None,
        result.confidence if result else None,
        coverage.get("questions_asked"),
        coverage.get("questions_planned"),
        coverage.get("skills_assessed"),
        coverage.get("skills_planned"),
    ]
    return [safe_cell(value) for value in fixed + [levels.get(name) for name in skills]]


async def applicants_csv(
    session: AsyncSession, user: User, job_id: uuid.UUID, via: str
) -> tuple[JobPosting, str]:
    """The posting and its applicants as CSV text (403 for someone else's posting)."""
    job, applicants, _total = await rank_applicants(session, user, job_id, 0, EXPORT_LIMIT)
    skills = _skill_names(applicants)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*FIXED_COLUMNS, *(safe_cell(f"skill: {name}") for name in skills)])
    for applicant in applicants:
        writer.writerow(_row(applicant, skills))
        if applicant.result is not None and applicant.interview is not None:
            record_results_view(
                session,
                user,
                interview_id=applicant.interview.id,
                candidate_id=applicant.application.candidate_id,
                job_posting_id=job.id,
                via=via,
            )
    record(
        session,
        user,
        AuditAction.applicants_exported,
        "job_posting",
        job.id,
        details={"rows": len(applicants), "format": "csv", "via": via},
    )
    return job, buffer.getvalue()


def csv_filename(job: JobPosting) -> str:
    """An ASCII file name from the title (headers cannot carry arbitrary text)."""
    stem = "".join(c if c.isascii() and c.isalnum() else "-" for c in job.title.lower())
    stem = "-".join(part for part in stem.split("-") if part)[:60] or "job"
    return f"applicants-{stem}.csv"

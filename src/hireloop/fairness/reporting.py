"""Builds the bias report from the database, and writes it as CSV.

The only reader of ``self_identifications`` besides the person themselves: it joins the
answers to outcomes in one query and keeps nothing per person in what it returns.
"""

from __future__ import annotations

import csv
import io
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from hireloop.applications.models import Application, ApplicationStatus
from hireloop.audit.models import AuditAction
from hireloop.audit.service import record
from hireloop.auth.models import User
from hireloop.db import utcnow
from hireloop.fairness.models import SelfIdentification
from hireloop.fairness.report import DEFINITIONS, METRICS, Applicant, build_dimensions
from hireloop.fairness.schemas import BiasReport, JobRef
from hireloop.interviews.models import AssessmentResult
from hireloop.jobs.service import get_posting


async def bias_report(
    session: AsyncSession, job_id: uuid.UUID | None, min_group_size: int
) -> BiasReport:
    """The report for one job (404 when there is no such job) or, without one, all jobs."""
    job = await get_posting(session, job_id) if job_id is not None else None
    stmt = (
        select(
            Application.status,
            AssessmentResult.recommendation,
            SelfIdentification.sex,
            SelfIdentification.race_ethnicity,
        )
        .outerjoin(SelfIdentification, SelfIdentification.user_id == Application.candidate_id)
        .outerjoin(AssessmentResult, AssessmentResult.interview_id == Application.interview_id)
        .where(Application.status != ApplicationStatus.withdrawn)
    )
    if job is not None:
        stmt = stmt.where(Application.job_posting_id == job.id)
    rows = (await session.execute(stmt)).all()
    applicants = [
        Applicant(
            status=status,
            recommendation=recommendation,
            sex=sex.value if sex is not None else None,
            race_ethnicity=race.value if race is not None else None,
        )
        for status, recommendation, sex, race in rows
    ]
    return BiasReport(
        job=JobRef.model_validate(job) if job is not None else None,
        generated_at=utcnow(),
        applicants=len(applicants),
        min_group_size=min_group_size,
        definitions=DEFINITIONS,
        dimensions=build_dimensions(applicants, min_group_size),
    )


async def report_exported(
    session: AsyncSession, admin: User, job_id: uuid.UUID | None, export_format: str
) -> None:
    """Record in the audit log that an admin downloaded the report (API or page)."""
    record(
        session,
        admin,
        AuditAction.bias_report_exported,
        "job_posting" if job_id else "bias_report",
        job_id,
        details={"format": export_format},
    )


_METRIC_PARTS = ("count", "out_of", "rate", "impact_ratio", "status")
CSV_COLUMNS = (
    "scope",
    "dimension",
    "group",
    "label",
    "compared",
    "applicants",
    *(f"{metric}_{part}" for metric in METRICS for part in _METRIC_PARTS),
)


def _cell(value: object) -> str:
    """Text a spreadsheet shows as text: never a formula (a job title may start with =)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def report_csv(report: BiasReport) -> str:
    scope = f"{report.job.title} ({report.job.company})" if report.job else "All jobs"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for dimension in report.dimensions:
        for row in dimension.groups:
            cells: list[object] = [
                scope,
                dimension.dimension,
                row.group,
                row.label,
                row.compared,
                row.applicants,
            ]
            for metric in METRICS:
                result = getattr(row, metric)
                cells += [getattr(result, part) for part in _METRIC_PARTS]
            writer.writerow([_cell(cell) for cell in cells])
    return out.getvalue()


def csv_response(report: BiasReport) -> Response:
    """The CSV as a download, named after the job (or all jobs) and the day."""
    day = report.generated_at.date().isoformat()
    name = f"bias-report-{report.job.id if report.job else 'all-jobs'}-{day}.csv"
    return Response(
        report_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )

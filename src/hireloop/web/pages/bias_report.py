"""The admin's bias report page: pick a job (or all jobs), read the tables and charts,
download the CSV. Recruiters and candidates get 403."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response
from sqlalchemy import select

from hireloop.applications.models import Application
from hireloop.config import settings_of
from hireloop.db import SessionDep
from hireloop.errors import NotFound
from hireloop.fairness import reporting
from hireloop.jobs.models import JobPosting
from hireloop.web.bias_chart import METRIC_NAMES, chart_of
from hireloop.web.rendering import PageRoute, render
from hireloop.web.session import PageAdmin

router = APIRouter(prefix="/admin", route_class=PageRoute, include_in_schema=False)
REPORT_URL = "/admin/bias-report"
JOB_CHOICES = 500  # the picker lists this many jobs with applicants, by company and title


def _job_id(request: Request) -> uuid.UUID | None:
    """``?job_id=``: blank means all jobs; anything that is not an id is no such page."""
    raw = request.query_params.get("job_id", "").strip()
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise NotFound("There is no such job.") from None


async def _jobs_with_applicants(session: SessionDep) -> list[JobPosting]:
    with_applicants = select(Application.job_posting_id).distinct().scalar_subquery()
    rows = await session.scalars(
        select(JobPosting)
        .where(JobPosting.id.in_(with_applicants))
        .order_by(JobPosting.company, JobPosting.title, JobPosting.id)
        .limit(JOB_CHOICES)
    )
    return list(rows)


@router.get("/bias-report")
async def bias_report_page(request: Request, session: SessionDep, _admin: PageAdmin) -> Response:
    job_id = _job_id(request)
    report = await reporting.bias_report(
        session, job_id, settings_of(request).bias_report_min_group_size
    )
    context = {
        "report": report,
        "charts": {d.dimension: chart_of(d) for d in report.dimensions},
        "metric_names": METRIC_NAMES,
        "jobs": await _jobs_with_applicants(session),
        "csv_url": REPORT_URL + ".csv" + (f"?job_id={job_id}" if job_id else ""),
    }
    return render(request, "admin/bias_report.html", context)


@router.get("/bias-report.csv")
async def bias_report_download(request: Request, session: SessionDep, admin: PageAdmin) -> Response:
    job_id = _job_id(request)
    report = await reporting.bias_report(
        session, job_id, settings_of(request).bias_report_min_group_size
    )
    await reporting.report_exported(session, admin, job_id, "csv")
    return reporting.csv_response(report)

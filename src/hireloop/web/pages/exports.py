"""Recruiter pages: the applicants CSV download and one applicant's printable results."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from hireloop.applications import review
from hireloop.audit.service import record_results_view
from hireloop.db import SessionDep
from hireloop.exports.router import csv_download
from hireloop.exports.service import applicants_csv, csv_filename
from hireloop.interviews.models import InterviewStatus
from hireloop.web.pages.interviews import role_name
from hireloop.web.rendering import PageRoute, render
from hireloop.web.results_view import BAR_UNITS, flags_of, growth_of, skill_rows
from hireloop.web.session import PageRecruiter

router = APIRouter(prefix="/recruiter", route_class=PageRoute, include_in_schema=False)


@router.get("/jobs/{job_id}/applicants.csv")
async def applicants_download(
    job_id: uuid.UUID, session: SessionDep, user: PageRecruiter
) -> Response:
    job, text = await applicants_csv(session, user, job_id, via="applicants_csv")
    return csv_download(text, csv_filename(job))


@router.get("/applications/{application_id}/print")
async def printable_results(
    application_id: uuid.UUID, request: Request, session: SessionDep, user: PageRecruiter
) -> Response:
    """One applicant's results laid out for paper (or PDF): no menus when printed."""
    found = await review.applicant(session, user, application_id)
    results = None
    interview = found.interview
    if (
        interview is not None
        and interview.status is InterviewStatus.completed
        and found.result is not None
    ):
        result = found.result
        results = {
            "result": result,
            "skills": skill_rows(result.skill_results),
            "bar_units": BAR_UNITS,
            "flags": flags_of(result),
            "growth": growth_of(result),
        }
        record_results_view(
            session,
            user,
            interview_id=interview.id,
            candidate_id=found.application.candidate_id,
            job_posting_id=found.application.job_posting_id,
            via="print_page",
        )
    context = {
        "applicant": found,
        "job": found.application.job_posting,
        "results": results,
        "role_name": role_name(interview.role_type) if interview else "",
    }
    return render(request, "recruiter/print.html", context)

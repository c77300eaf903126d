"""The public job list (filters, search, paging in the URL), job detail and Apply."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from hireloop.applications import service as applications
from hireloop.auth.models import UserRole
from hireloop.config import settings_of
from hireloop.db import SessionDep
from hireloop.errors import Conflict
from hireloop.interviews.briefing import briefing_for
from hireloop.jobs import service as jobs
from hireloop.jobs.models import EmploymentType, ExperienceLevel, JobStatus, RoleCategory, WorkSetup
from hireloop.jobs.schemas import JobPostingFilters
from hireloop.web.rendering import PageRoute, page_number, pager, redirect, render
from hireloop.web.session import CsrfChecked, OptionalUser, PageUser

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PAGE_SIZE = 20
FILTER_FIELDS = (
    "search",
    "role_category",
    "tech_stack",
    "experience_level",
    "employment_type",
    "work_setup",
    "location",
)
CHOICES = {
    "role_category": [c.value for c in RoleCategory],
    "experience_level": [c.value for c in ExperienceLevel],
    "employment_type": [c.value for c in EmploymentType],
    "work_setup": [c.value for c in WorkSetup],
}


def _filters_from_query(request: Request) -> tuple[dict[str, str], list[str]]:
    """The non-empty filter values, minus any the API would reject (named in the 2nd item)."""
    query = {
        name: request.query_params.get(name, "").strip()
        for name in FILTER_FIELDS
        if request.query_params.get(name, "").strip()
    }
    try:
        JobPostingFilters.model_validate(query)
        return query, []
    except ValidationError as exc:
        bad = {str(e["loc"][0]) for e in exc.errors() if e.get("loc")}
        return {k: v for k, v in query.items() if k not in bad}, sorted(bad)


@router.get("/jobs")
async def job_list(request: Request, session: SessionDep, _user: OptionalUser) -> Response:
    query, ignored = _filters_from_query(request)
    page = page_number(request)
    filters = JobPostingFilters.model_validate(
        {**query, "skip": (page - 1) * PAGE_SIZE, "limit": PAGE_SIZE}
    )
    found = await jobs.list_postings(session, filters)

    def page_url(number: int) -> str:
        return "/jobs?" + urlencode({**query, "page": number})

    context: dict[str, Any] = {
        "jobs": found.items,
        "total": found.total,
        # Very large result sets are counted approximately; say so rather than mislead.
        "total_is_estimate": found.total_is_estimate,
        "query": query,
        "ignored": ignored,
        "choices": CHOICES,
        **pager(page, found.total, PAGE_SIZE, page_url),
    }
    return render(request, "jobs/list.html", context)


@router.get("/jobs/{job_id}")
async def job_detail(
    job_id: uuid.UUID, request: Request, session: SessionDep, user: OptionalUser
) -> Response:
    job = await jobs.get_visible_posting(session, job_id, user)
    application = None
    if user is not None and user.role is UserRole.candidate:
        application = await applications.mine_for_job(session, user, job.id)
    # Before applying, a candidate (or a visitor) reads what the interview will be.
    will_apply = application is None and job.status is JobStatus.active
    will_apply = will_apply and (user is None or user.role is UserRole.candidate)
    context = {
        "job": job,
        "application": application,
        "can_manage": jobs.can_manage(job, user),
        "briefing": briefing_for(settings_of(request), applications.role_type_for_job(job), job)
        if will_apply
        else None,
    }
    return render(request, "jobs/detail.html", context)


@router.post("/jobs/{job_id}/apply", dependencies=[CsrfChecked])
async def apply(job_id: uuid.UUID, session: SessionDep, user: PageUser) -> Response:
    try:
        await applications.apply(session, user, job_id)
    except Conflict:
        return redirect("/applications", notice="already_applied")
    return redirect("/applications", notice="applied")

"""Recruiter pages: own postings (new, edit, pause, reopen, close), ranked applicants,
one applicant's transcript and results, and status moves. Candidates get 403."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from hireloop.applications import oversight, review
from hireloop.applications.models import ApplicationStatus
from hireloop.audit.service import record_results_view
from hireloop.db import SessionDep
from hireloop.errors import Forbidden, InvalidInput, NotFound
from hireloop.interviews import reads as interviews
from hireloop.interviews.models import InterviewStatus
from hireloop.jobs import service as jobs
from hireloop.jobs.models import JobPosting, JobStatus
from hireloop.jobs.schemas import JobPostingCreate, JobPostingUpdate
from hireloop.web.confirmation import ConfirmPage, is_confirmed, status_question
from hireloop.web.forms import FormData, blank_to_none, field_errors, read_form
from hireloop.web.pages.interviews import TRANSCRIPT_LIMIT, results_context, role_name
from hireloop.web.pages.jobs import CHOICES
from hireloop.web.rendering import PageRoute, page_number, pager, redirect, render
from hireloop.web.results_view import compare_skills, flags_of
from hireloop.web.session import CsrfChecked, PageRecruiter

router = APIRouter(prefix="/recruiter", route_class=PageRoute, include_in_schema=False)
PAGE_SIZE = 20
COMPARE_MIN, COMPARE_MAX = 2, 4  # applicants side by side: fewer says nothing, more is unreadable
# The posting form edits exactly the fields a recruiter can send to the API.
JOB_FIELDS = tuple(JobPostingCreate.model_fields)


@router.get("/jobs")
async def my_postings(request: Request, session: SessionDep, user: PageRecruiter) -> Response:
    page = page_number(request)
    items, total = await jobs.list_managed(session, user, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    context = {
        "jobs": items,
        "total": total,
        **pager(page, total, PAGE_SIZE, lambda number: f"/recruiter/jobs?page={number}"),
    }
    return render(request, "recruiter/jobs.html", context)


def _form_values(job: JobPosting | None) -> dict[str, str]:
    if job is None:
        return {"salary_currency": "USD", "voice_allowed": "True"}
    values = {field: getattr(job, field) for field in JOB_FIELDS}
    values["required_skills"] = ", ".join(job.required_skills or [])
    return {k: "" if v is None else str(getattr(v, "value", v)) for k, v in values.items()}


def _parse_job_form(form: FormData) -> dict[str, Any]:
    data = blank_to_none(
        {field: form.get(field, "").strip() for field in JOB_FIELDS},
        "tech_stack",
        "salary_min",
        "salary_max",
    )
    data["required_skills"] = [
        skill.strip() for skill in form.get("required_skills", "").split(",") if skill.strip()
    ]
    data["salary_currency"] = (data.get("salary_currency") or "").upper()
    data["voice_allowed"] = form.get("voice_allowed") == "true"  # an unticked box sends nothing
    return data


def _render_form(
    request: Request,
    job: JobPosting | None,
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    context = {"job": job, "values": values, "errors": errors, "choices": CHOICES}
    return render(request, "recruiter/job_form.html", context, status_code=status_code)


@router.get("/jobs/new")
async def new_posting_page(request: Request, _user: PageRecruiter) -> Response:
    return _render_form(request, None, _form_values(None), {})


@router.post("/jobs/new", dependencies=[CsrfChecked])
async def create_posting(request: Request, session: SessionDep, user: PageRecruiter) -> Response:
    form = await read_form(request)
    try:
        data = JobPostingCreate.model_validate(_parse_job_form(form))
    except ValidationError as exc:
        return _render_form(request, None, form, field_errors(exc), status_code=422)
    job = await jobs.create_posting(session, user, data)
    return redirect(f"/recruiter/jobs#job-{job.id}", notice="job_created")


async def _managed(session: SessionDep, user: Any, job_id: uuid.UUID) -> JobPosting:
    job = await jobs.get_posting(session, job_id)
    if not jobs.can_manage(job, user):
        raise Forbidden("Not authorized to change this job posting")
    return job


@router.get("/jobs/{job_id}/edit")
async def edit_posting_page(
    job_id: uuid.UUID, request: Request, session: SessionDep, user: PageRecruiter
) -> Response:
    job = await _managed(session, user, job_id)
    return _render_form(request, job, _form_values(job), {})


@router.post("/jobs/{job_id}/edit", dependencies=[CsrfChecked])
async def edit_posting(
    job_id: uuid.UUID, request: Request, session: SessionDep, user: PageRecruiter
) -> Response:
    job = await _managed(session, user, job_id)
    form = await read_form(request)
    try:
        # The same validation as creating; the service re-checks the merged posting.
        data = JobPostingCreate.model_validate(_parse_job_form(form))
        await jobs.update_posting(
            session, user, job_id, JobPostingUpdate.model_validate(data.model_dump())
        )
    except ValidationError as exc:
        return _render_form(request, job, form, field_errors(exc), status_code=422)
    except InvalidInput as exc:
        return _render_form(request, job, form, {"form": exc.detail}, status_code=422)
    return redirect("/recruiter/jobs", notice="job_saved")


@router.post("/jobs/{job_id}/{action}", dependencies=[CsrfChecked])
async def change_posting_status(
    job_id: uuid.UUID, action: str, session: SessionDep, user: PageRecruiter
) -> Response:
    if action == "pause":
        job = await jobs.move_posting(session, user, job_id, JobStatus.paused)
    elif action == "reopen":
        job = await jobs.move_posting(session, user, job_id, JobStatus.active)
    elif action == "close":
        job = await jobs.update_posting(
            session, user, job_id, JobPostingUpdate(status=JobStatus.closed)
        )
    else:
        raise NotFound("There is no such action.")
    return redirect(f"/recruiter/jobs#job-{job.id}", notice=f"job_{job.status.value}")


@router.get("/jobs/{job_id}/applicants")
async def applicants_page(
    job_id: uuid.UUID, request: Request, session: SessionDep, user: PageRecruiter
) -> Response:
    page = page_number(request)
    job, applicants, total = await review.rank_applicants(
        session, user, job_id, (page - 1) * PAGE_SIZE, PAGE_SIZE
    )
    base = f"/recruiter/jobs/{job_id}/applicants"
    seen = await oversight.oversight_of(session, (a.application for a in applicants))
    context = {
        "job": job,
        "applicants": applicants,
        "total": total,
        "flags": {a.application.id: flags_of(a.result) if a.result else [] for a in applicants},
        "reviews": seen.reviews,
        # Ticked again when a comparison sent the recruiter back to change the choice.
        "chosen": set(request.query_params.getlist("application")),
        "compare_limits": (COMPARE_MIN, COMPARE_MAX),
        **pager(page, total, PAGE_SIZE, lambda number: f"{base}?page={number}"),
    }
    return render(request, "recruiter/applicants.html", context)


def _chosen_ids(request: Request) -> list[uuid.UUID] | None:
    """The applications ticked on the applicants page, once each in the order given;
    None when one is not an id at all."""
    chosen: list[uuid.UUID] = []
    for raw in request.query_params.getlist("application"):
        try:
            value = uuid.UUID(raw)
        except ValueError:
            return None
        if value not in chosen:
            chosen.append(value)
    return chosen


@router.get("/jobs/{job_id}/compare")
async def compare_page(
    job_id: uuid.UUID, request: Request, session: SessionDep, user: PageRecruiter
) -> Response:
    """Two to four applicants of one posting side by side, skill by skill."""
    chosen = _chosen_ids(request)
    if chosen is None or not COMPARE_MIN <= len(chosen) <= COMPARE_MAX:
        await review.managed_posting(session, user, job_id)  # others are refused first
        if chosen is None:
            raise NotFound("Some of the chosen applicants did not apply to this job.")
        back = urlencode([("application", str(value)) for value in chosen[:PAGE_SIZE]])
        url = f"/recruiter/jobs/{job_id}/applicants" + (f"?{back}" if back else "")
        return redirect(url, notice="compare_choose")
    job, applicants = await review.compare_applicants(session, user, job_id, chosen)
    results = [a.result for a in applicants]
    for chosen_one in applicants:
        if chosen_one.result is not None and chosen_one.interview is not None:
            _record_view(session, user, chosen_one, "compare_page")
    context = {
        "job": job,
        "applicants": applicants,
        "flags": [flags_of(r) if r else [] for r in results],
        "skills": compare_skills(results),
    }
    return render(request, "recruiter/compare.html", context)


@router.get("/applications/{application_id}")
async def applicant_page(
    application_id: uuid.UUID, request: Request, session: SessionDep, user: PageRecruiter
) -> Response:
    found = await review.applicant(session, user, application_id)
    context: dict[str, Any] = {
        "applicant": found,
        "job": found.application.job_posting,
        "moves": review.allowed_transitions(found.application.status),
        "messages": [],
        "results": None,
        "role_name": role_name(found.interview.role_type) if found.interview else "",
        "oversight": await oversight.oversight_of(session, [found.application]),
    }
    if found.interview is not None:
        interview, messages = await interviews.transcript(
            session, user, found.interview.id, 0, TRANSCRIPT_LIMIT
        )
        context["messages"] = messages
        if interview.status is InterviewStatus.completed and found.result is not None:
            context["results"] = results_context(interview, found.result)
            _record_view(session, user, found, "applicant_page")
    return render(request, "recruiter/applicant.html", context)


def _record_view(session: SessionDep, user: Any, found: review.Applicant, via: str) -> None:
    assert found.interview is not None
    record_results_view(
        session,
        user,
        interview_id=found.interview.id,
        candidate_id=found.application.candidate_id,
        job_posting_id=found.application.job_posting_id,
        via=via,
    )


@router.post("/applications/{application_id}/status", dependencies=[CsrfChecked])
async def move_application(
    application_id: uuid.UUID, request: Request, session: SessionDep, user: PageRecruiter
) -> Response:
    form = await read_form(request)
    try:
        target = ApplicationStatus(form.get("status", ""))
    except ValueError:
        raise InvalidInput("Choose under review, rejected or offered.") from None
    if not is_confirmed(form):
        found = await review.applicant(session, user, application_id)
        current = found.application.status
        question = status_question(found.candidate.full_name, current, target)
        if question is not None and target in review.allowed_transitions(current):
            # A final decision posted without the dialog (no JavaScript): ask first.
            page = ConfirmPage(
                question,
                action_url=f"/recruiter/applications/{application_id}/status",
                cancel_url=f"/recruiter/applications/{application_id}",
                fields={"status": target.value},
            )
            return render(request, "confirm.html", {"confirm": page})
    await review.change_status(session, user, application_id, target)
    return redirect(f"/recruiter/applications/{application_id}", notice="status_changed")


@router.post("/applications/{application_id}/human-review/handled", dependencies=[CsrfChecked])
async def mark_review_handled(
    application_id: uuid.UUID, session: SessionDep, user: PageRecruiter
) -> Response:
    await oversight.mark_handled(session, user, application_id)
    return redirect(f"/recruiter/applications/{application_id}", notice="review_handled")

"""The self-identification API (the candidate's own) and the bias report API (admins)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response, status

from hireloop.auth.dependencies import AdminUser, CurrentUser
from hireloop.config import settings_of
from hireloop.db import SessionDep
from hireloop.errors import error_responses
from hireloop.fairness import reporting, service
from hireloop.fairness.schemas import BiasReport, SelfIdentificationRead, SelfIdentificationUpdate

me_router = APIRouter(prefix="/me/self-identification", tags=["self-identification"])
admin_router = APIRouter(prefix="/admin", tags=["bias report"])

_CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "The report as CSV, one row per group"}
}


@me_router.get("", responses=error_responses(401, 403, 404))
async def get_self_identification(user: CurrentUser, session: SessionDep) -> SelfIdentificationRead:
    """Your voluntary answers (404 until you give any). Candidates only."""
    return SelfIdentificationRead.model_validate(await service.get_own(session, user))


@me_router.put("", responses=error_responses(401, 403, 422))
async def set_self_identification(
    data: SelfIdentificationUpdate, user: CurrentUser, session: SessionDep
) -> SelfIdentificationRead:
    """Give or change your answers; each may be ``decline_to_answer``.

    Optional and voluntary. Kept apart from your applications and results: recruiters never
    see them, the interviewer never reads them; admins see them only counted in groups.
    """
    return SelfIdentificationRead.model_validate(await service.set_own(session, user, data))


@me_router.delete("", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(401, 403))
async def delete_self_identification(user: CurrentUser, session: SessionDep) -> Response:
    """Delete your answers (nothing happens when there are none)."""
    await service.delete_own(session, user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


JobFilter = Annotated[
    uuid.UUID | None, Query(description="one job's report; all jobs when omitted")
]


async def _report(request: Request, session: SessionDep, job_id: uuid.UUID | None) -> BiasReport:
    minimum = settings_of(request).bias_report_min_group_size
    return await reporting.bias_report(session, job_id, minimum)


async def _csv(
    request: Request, session: SessionDep, admin: AdminUser, job_id: uuid.UUID | None
) -> Response:
    report = await _report(request, session, job_id)
    await reporting.report_exported(session, admin, job_id, "csv")
    return reporting.csv_response(report)


@admin_router.get(
    "/bias-report",
    responses={**error_responses(401, 403, 404, 422), **_CSV_RESPONSE},
    response_model=BiasReport,
)
async def get_bias_report(
    request: Request,
    admin: AdminUser,
    session: SessionDep,
    job_id: JobFilter = None,
    export_format: Annotated[
        Literal["json", "csv"], Query(alias="format", description="json (default) or csv")
    ] = "json",
) -> Any:
    """Admins: selection, offer and scoring rates per sex, race/ethnicity and both, with
    impact ratios and four-fifths-rule flags; per job or over all jobs. The report's
    ``definitions`` say exactly what each rate counts."""
    if export_format == "csv":
        return await _csv(request, session, admin, job_id)
    return await _report(request, session, job_id)


@admin_router.get(
    "/bias-report.csv", responses={**error_responses(401, 403, 404, 422), **_CSV_RESPONSE}
)
async def get_bias_report_csv(
    request: Request, admin: AdminUser, session: SessionDep, job_id: JobFilter = None
) -> Response:
    """Admins: the bias report as CSV (the same as ``/bias-report?format=csv``)."""
    return await _csv(request, session, admin, job_id)

"""The applicants export through the API."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from hireloop.auth.dependencies import RecruiterUser
from hireloop.db import SessionDep
from hireloop.errors import error_responses
from hireloop.exports.service import applicants_csv, csv_filename

router = APIRouter(prefix="/job-postings", tags=["exports"])


def csv_download(text: str, filename: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@router.get(
    "/{job_id}/applicants.csv",
    responses={
        200: {"content": {"text/csv": {}}, "description": "The posting's applicants as CSV"},
        **error_responses(401, 403, 404, 422),
    },
    response_class=Response,
)
async def export_applicants(
    job_id: uuid.UUID, user: RecruiterUser, session: SessionDep
) -> Response:
    """The posting's recruiter (or an admin): every applicant, best score first, as CSV:
    rank, name, email, status, overall score, recommendation, confidence, coverage, and
    one column per skill with its level. Text that a spreadsheet would run as a formula is
    prefixed with an apostrophe. The export is in the audit log."""
    job, text = await applicants_csv(session, user, job_id, via="api_csv")
    return csv_download(text, csv_filename(job))

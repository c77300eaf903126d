"""Data rights over the API: a person's export and erasure, and admins' on request."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response, status

from hireloop.auth.dependencies import AdminUser, CurrentUser
from hireloop.config import settings_of
from hireloop.db import SessionDep
from hireloop.errors import error_responses
from hireloop.privacy import erasure
from hireloop.privacy.export import Export, build_export
from hireloop.privacy.schemas import (
    AddressErasure,
    AddressErasureRead,
    AdminErasure,
    ErasureRead,
    OwnErasure,
)
from hireloop.ratelimit import check_account_attempt
from hireloop.users.service import get_user

me_router = APIRouter(prefix="/me", tags=["my data"])
admin_router = APIRouter(prefix="/users", tags=["users"])
address_router = APIRouter(prefix="/addresses", tags=["users"])

ZIP_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/zip": {}}, "description": "A zip archive"}
}


def zip_response(export: Export) -> Response:
    return Response(
        export.content,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{export.file_name}"',
            "Cache-Control": "no-store",
        },
    )


@me_router.get(
    "/export", response_class=Response, responses={**ZIP_RESPONSE, **error_responses(401)}
)
async def export_my_data(user: CurrentUser, session: SessionDep, request: Request) -> Response:
    """Everything Hireloop holds about the caller, as one zip archive:
    `hireloop-export.json` (account, applications, interviews, transcripts, results,
    resumes, audit entries about them) plus the original resume files."""
    return zip_response(await build_export(session, user, user, settings_of(request)))


@me_router.delete(
    "",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 422, 429),
)
async def delete_my_account(
    data: OwnErasure, user: CurrentUser, session: SessionDep, request: Request
) -> Response:
    """Candidates: delete the account and everything about it (applications, interviews,
    transcripts, results, resumes and their files), confirmed with the password. What
    stays is an anonymous outcome per job application, with no link to the person. 403
    for a wrong password, and for staff accounts (an admin removes those)."""
    await check_account_attempt(request, user.email)
    await erasure.erase_own_account(session, user, data.password, settings_of(request))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@admin_router.get(
    "/{user_id}/export",
    response_class=Response,
    responses={**ZIP_RESPONSE, **error_responses(401, 403, 404, 422)},
)
async def export_user_data(
    user_id: uuid.UUID, admin: AdminUser, session: SessionDep, request: Request
) -> Response:
    """Admins: a person's export (to answer an access request), recorded in the audit log."""
    person = await get_user(session, user_id)
    return zip_response(await build_export(session, admin, person, settings_of(request)))


@admin_router.delete("/{user_id}", responses=error_responses(401, 403, 404, 409, 422))
async def erase_user(
    user_id: uuid.UUID,
    data: AdminErasure,
    admin: AdminUser,
    session: SessionDep,
    request: Request,
) -> ErasureRead:
    """Admins: erase an account on the person's request (as the person would; staff
    accounts too, whose audit entries keep their id). Recorded in the audit log; 409 for
    one's own account."""
    rows = await erasure.erase_person(session, admin, user_id, settings_of(request))
    return ErasureRead(user_id=user_id, rows={name: n for name, n in rows.items() if n})


@address_router.post("/erase", responses=error_responses(401, 403, 409, 422))
async def erase_address(
    data: AddressErasure, admin: AdminUser, session: SessionDep
) -> AddressErasureRead:
    """Admins: erase what is held about an address that has no account (the invitations
    sent to it, and their emails if not sent yet), on the person's request. Recorded in
    the audit log without the address; 409 when an account uses the address (erase the
    account instead)."""
    return AddressErasureRead(invitations=await erasure.erase_address(session, admin, data.email))

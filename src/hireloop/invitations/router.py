"""Invitations through the API: a recruiter invites addresses to an own posting, lists
the invitations with their state, and withdraws one not yet used."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, status

from hireloop.auth.dependencies import RecruiterUser
from hireloop.config import settings_of
from hireloop.db import SessionDep, utcnow
from hireloop.errors import error_responses
from hireloop.invitations import service
from hireloop.invitations.models import Invitation
from hireloop.invitations.schemas import (
    InvitationCreate,
    InvitationList,
    InvitationOutcome,
    InvitationRead,
)

router = APIRouter(prefix="/job-postings/{job_id}/invitations", tags=["invitations"])


def read(invitation: Invitation) -> InvitationRead:
    return InvitationRead(
        id=invitation.id,
        job_posting_id=invitation.job_posting_id,
        email=invitation.email,
        state=invitation.state(utcnow()),
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
        opened_at=invitation.opened_at,
        accepted_at=invitation.accepted_at,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403, 404, 409, 422, 429),
)
async def invite_candidates(
    job_id: uuid.UUID,
    data: InvitationCreate,
    request: Request,
    user: RecruiterUser,
    session: SessionDep,
) -> InvitationOutcome:
    """Email each address a signed link to apply for this posting and take its interview
    (the posting's recruiter or an admin; the posting must be active, else 409). An address
    with an unused, unexpired invitation to this posting is skipped (`already_invited`).
    At most 50 addresses per request and `HIRELOOP_INVITATION_DAILY_LIMIT` per recruiter
    in 24 hours (429 beyond)."""
    base = str(request.base_url).rstrip("/")
    result = await service.invite(session, user, job_id, data.emails, settings_of(request), base)
    return InvitationOutcome(
        invited=[read(item) for item in result.invited],
        already_invited=result.already_invited,
    )


@router.post("/{invitation_id}/withdraw", responses=error_responses(401, 403, 404, 409, 422))
async def withdraw_invitation(
    job_id: uuid.UUID, invitation_id: uuid.UUID, user: RecruiterUser, session: SessionDep
) -> InvitationRead:
    """Withdraw an invitation that was not used: its link then shows that it was
    withdrawn (410), and its email is not sent if it is still waiting to go. Withdrawing
    again changes nothing; an accepted invitation cannot be withdrawn (409). The address
    can be invited again."""
    invitation = await service.withdraw(session, user, job_id, invitation_id)
    return read(invitation)


@router.get("", responses=error_responses(401, 403, 404, 422))
async def list_invitations(
    job_id: uuid.UUID, user: RecruiterUser, session: SessionDep
) -> InvitationList:
    """The posting's invitations, newest first, each with its state: `sent`, `opened`
    (the link was followed), `accepted` (the invitee applied), `expired` or `withdrawn`."""
    _job, items, total = await service.list_for_job(session, user, job_id)
    return InvitationList(items=[read(item) for item in items], total=total)

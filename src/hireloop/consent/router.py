from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from hireloop.auth.dependencies import CurrentUser
from hireloop.config import settings_of
from hireloop.consent import service
from hireloop.consent.models import ConsentMethod
from hireloop.consent.notice import build_notice, notice_version
from hireloop.consent.schemas import (
    ConsentCreate,
    ConsentList,
    ConsentRead,
    NoticeRead,
    NoticeSectionRead,
)
from hireloop.db import SessionDep
from hireloop.errors import error_responses

router = APIRouter(tags=["consent"])


@router.get("/consent-notice")
async def consent_notice(request: Request) -> NoticeRead:
    """The current candidate notice (no login needed): what an interview assesses, how,
    who sees the results, how long data is kept and how to ask for a person instead."""
    settings = settings_of(request)
    notice = build_notice(settings)
    return NoticeRead(
        version=notice.version,
        url=notice.url,
        title=notice.title,
        sections=[NoticeSectionRead.model_validate(section) for section in notice.sections],
        text=notice.text,
        consent_required=settings.consent_required,
    )


@router.get("/me/consents", responses=error_responses(401))
async def my_consents(user: CurrentUser, session: SessionDep, request: Request) -> ConsentList:
    """The caller's acceptances of the candidate notice, newest first."""
    items = await service.list_mine(session, user)
    settings = settings_of(request)
    current = notice_version(settings)
    return ConsentList(
        items=[ConsentRead.model_validate(item) for item in items],
        current_notice_version=current,
        accepted_current=any(item.notice_version == current for item in items),
        consent_required=settings.consent_required,
    )


@router.post(
    "/me/consents",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"model": ConsentRead, "description": "This version was already accepted"},
        **error_responses(401, 409, 422),
    },
)
async def accept_notice(
    data: ConsentCreate,
    user: CurrentUser,
    session: SessionDep,
    request: Request,
    response: Response,
) -> ConsentRead:
    """Accept the current candidate notice (once per version; again → 200 with the
    acceptance on record). Another version → 409 `notice_version_outdated` with the
    current `notice_version` and `notice_url`."""
    consent, created = await service.accept(
        session, user, data.notice_version, ConsentMethod.api, settings_of(request)
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    return ConsentRead.model_validate(consent)

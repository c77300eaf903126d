from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, File, Request, Response, UploadFile, status

from hireloop.auth.dependencies import CurrentUser
from hireloop.config import Settings
from hireloop.db import SessionDep
from hireloop.errors import error_responses
from hireloop.resumes import service
from hireloop.resumes.schemas import ResumeDetail, ResumeList, ResumeRead
from hireloop.resumes.storage import ResumeStorage

router = APIRouter(prefix="/resumes", tags=["resumes"])


def _storage(request: Request) -> ResumeStorage:
    settings: Settings = request.app.state.settings
    return ResumeStorage(settings.resume_directory)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ResumeDetail,
    responses=error_responses(401, 403, 413, 415, 422),
)
async def upload_resume(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    file: Annotated[UploadFile, File(description="PDF, DOCX or plain text, at most 5 MB")],
) -> ResumeDetail:
    """Upload a resume; it becomes the candidate's active resume.

    The text is extracted and parsed (skills, years of experience, recent titles).
    413 when larger than 5 MB; 415 for other file types or content that does not match
    the declared type; 422 for a file without text (e.g. a scanned PDF).
    """
    data = await service.read_upload(file)
    resume = await service.upload_resume(
        session,
        user,
        _storage(request),
        file_name=file.filename,
        content_type=file.content_type,
        data=data,
    )
    return ResumeDetail.of(resume)


@router.get("", response_model=ResumeList, responses=error_responses(401))
async def list_resumes(session: SessionDep, user: CurrentUser) -> ResumeList:
    """The caller's own resumes, newest first."""
    return ResumeList(items=[ResumeRead.of(r) for r in await service.list_resumes(session, user)])


@router.get("/{resume_id}", response_model=ResumeDetail, responses=error_responses(401, 404))
async def get_resume(resume_id: uuid.UUID, session: SessionDep, user: CurrentUser) -> ResumeDetail:
    """A resume with its text: for its candidate, admins, and recruiters of jobs the
    candidate applied to (read-only)."""
    return ResumeDetail.of(await service.readable_resume(session, user, resume_id))


@router.post(
    "/{resume_id}/activate",
    response_model=ResumeRead,
    responses=error_responses(401, 403, 404),
)
async def activate_resume(
    resume_id: uuid.UUID, session: SessionDep, user: CurrentUser
) -> ResumeRead:
    """Make this the candidate's active resume (the one interviews use by default)."""
    return ResumeRead.of(await service.activate_resume(session, user, resume_id))


@router.delete(
    "/{resume_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(401, 403, 404),
)
async def delete_resume(
    request: Request, resume_id: uuid.UUID, session: SessionDep, user: CurrentUser
) -> Response:
    """Delete the resume and its stored file."""
    await service.delete_resume(session, user, _storage(request), resume_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)

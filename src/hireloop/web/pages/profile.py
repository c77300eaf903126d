"""The profile page: account details, sign-in security and, for candidates, resumes.

Everyone can change their password and sign out everywhere (every session of the
account ends, on every device). Candidates upload a resume (it becomes the active one),
make an older one active again, or delete one after a confirmation page; they may answer
the voluntary self-identification questions (``self_identification_form``). Every rule
(who may do what, password rules, accepted files, size limit, one active resume) lives in
the services (``hireloop.auth``, ``hireloop.resumes``); this module only turns forms into
service calls and the services' refusals into messages on the page.
"""

from __future__ import annotations

import uuid
from typing import cast

from fastapi import APIRouter, Request, Response
from fastapi import UploadFile as FastAPIUploadFile
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from hireloop.auth import service as accounts
from hireloop.auth.models import User, UserRole
from hireloop.auth.schemas import PASSWORD_MIN_LENGTH, PasswordChange
from hireloop.auth.sessions import sign_out_everywhere
from hireloop.config import Settings
from hireloop.db import SessionDep
from hireloop.errors import DomainError
from hireloop.fairness import service as self_identification
from hireloop.ratelimit import check_account_attempt
from hireloop.resumes import service as resumes
from hireloop.resumes.extraction import CONTENT_TYPES
from hireloop.resumes.schemas import ResumeRead
from hireloop.resumes.storage import ResumeStorage
from hireloop.security.guard import body_refusal
from hireloop.web.forms import field_errors, read_form
from hireloop.web.rendering import PageRoute, redirect, render
from hireloop.web.self_identification_form import (
    SelfIdentificationForm,
    parse_answers,
    self_identification_form,
)
from hireloop.web.session import (
    CsrfChecked,
    PageUser,
    check_csrf,
    current_session,
    end_session,
    start_session,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PROFILE_URL = "/profile"
UPLOAD_FIELD = "file"
# The service's refusals that are about the chosen file: shown beside the file field.
# Anything else (403 for staff, 404 for someone else's resume) becomes an error page.
FILE_PROBLEMS = (413, 415, 422)
# Short, fixed messages after a redirect (?notice=key), like rendering.NOTICES.
PROFILE_NOTICES = {
    "resume_uploaded": "Resume uploaded. It is now your active resume; interviews will use it.",
    "resume_activated": "Active resume changed. Interviews will use it from now on.",
    "resume_deleted": "Resume deleted, together with its stored file.",
    "password_changed": "Password changed. You are signed out on every other device.",
    "self_identification_saved": "Your answers are saved. Only admins see them, and only "
    "counted in groups.",
    "self_identification_deleted": "Your self-identification answers are deleted.",
}
PASSWORD_FIELDS = ("current_password", "new_password")
# What the file picker offers; the service still checks every upload's real content.
ACCEPT = ",".join([".pdf", ".docx", ".txt", *CONTENT_TYPES.values()])


def _storage(request: Request) -> ResumeStorage:
    settings: Settings = request.app.state.settings
    return ResumeStorage(settings.resume_directory)


async def _render_profile(
    request: Request,
    session: SessionDep,
    user: User,
    *,
    error: str | None = None,
    password_errors: dict[str, str] | None = None,
    self_identification: SelfIdentificationForm | None = None,
    status_code: int = 200,
) -> Response:
    is_candidate = user.role is UserRole.candidate
    items = await resumes.list_resumes(session, user) if is_candidate else []
    context: dict[str, object] = {
        "account": user,
        "is_candidate": is_candidate,
        "resumes": [ResumeRead.of(resume) for resume in items],
        "errors": {UPLOAD_FIELD: error} if error else {},
        "password_errors": password_errors or {},
        "min_length": PASSWORD_MIN_LENGTH,
        "accept": ACCEPT,
        "max_mb": resumes.MAX_RESUME_BYTES // (1024 * 1024),
        "self_identification": self_identification
        or (await self_identification_form(session, user) if is_candidate else None),
    }
    notice = PROFILE_NOTICES.get(request.query_params.get("notice", ""))
    if notice:
        context["notice"] = notice  # overrides render()'s lookup in the shared NOTICES
    return render(request, "profile/profile.html", context, status_code=status_code)


@router.get(PROFILE_URL)
async def profile_page(request: Request, session: SessionDep, user: PageUser) -> Response:
    return await _render_profile(request, session, user)


@router.post(PROFILE_URL + "/password", dependencies=[CsrfChecked])
async def change_password(request: Request, session: SessionDep, user: PageUser) -> Response:
    form = await read_form(request)
    errors: dict[str, str] = {}
    status_code = 422
    try:
        data = PasswordChange.model_validate({name: form.get(name, "") for name in PASSWORD_FIELDS})
        # Counted like a login: a borrowed session must not become a password guesser.
        await check_account_attempt(request, user.email)
        await accounts.change_password(session, user, data)
    except ValidationError as exc:
        errors = field_errors(exc)
    except DomainError as exc:
        if exc.status_code not in (403, 422):
            raise
        status_code = exc.status_code
        field = "current_password" if exc.status_code == 403 else "new_password"
        message = exc.detail.removeprefix("new_password: ")
        errors = {field: message[:1].upper() + message[1:]}
    if errors:
        return await _render_profile(
            request, session, user, password_errors=errors, status_code=status_code
        )
    response = redirect(PROFILE_URL, notice="password_changed")
    claims = current_session(request)
    # This browser stays signed in (same session, new token); every other session ended.
    start_session(request, response, user, claims.session_id if claims else None)
    return response


@router.post(PROFILE_URL + "/sign-out-everywhere", dependencies=[CsrfChecked])
async def sign_out_all(request: Request, session: SessionDep, user: PageUser) -> Response:
    """End every session of the account: other browsers, devices and API tokens too."""
    await sign_out_everywhere(session, user)
    response = redirect("/login", notice="signed_out_everywhere")
    await end_session(request, response, session)
    return response


@router.post(PROFILE_URL + "/self-identification", dependencies=[CsrfChecked])
async def save_self_identification(
    request: Request, session: SessionDep, user: PageUser
) -> Response:
    form = await read_form(request)
    answers = parse_answers(form)
    if isinstance(answers, dict):
        section = await self_identification_form(session, user)
        section.values = {name: form.get(name, "") for name in ("sex", "race_ethnicity")}
        section.errors = answers
        return await _render_profile(
            request, session, user, self_identification=section, status_code=422
        )
    await self_identification.set_own(session, user, answers)
    return redirect(PROFILE_URL + "#self-id-heading", notice="self_identification_saved")


@router.post(PROFILE_URL + "/self-identification/delete", dependencies=[CsrfChecked])
async def delete_self_identification(session: SessionDep, user: PageUser) -> Response:
    await self_identification.delete_own(session, user)
    return redirect(PROFILE_URL + "#self-id-heading", notice="self_identification_deleted")


@router.post(PROFILE_URL + "/resumes")
async def upload_resume(request: Request, session: SessionDep, user: PageUser) -> Response:
    if body_refusal(request) is not None:
        # Larger than the server takes at all (the file never arrived): the same message
        # as a file just over the resume limit, beside the file field.
        message = f"Resume files may be at most {resumes.MAX_RESUME_BYTES // (1024 * 1024)} MB"
        return await _render_profile(request, session, user, error=message, status_code=413)
    await check_csrf(request)  # parses the multipart body; Starlette caches it
    form = await request.form()
    upload = form.get(UPLOAD_FIELD)
    # request.form() yields Starlette's UploadFile (FastAPI's is a subclass of it).
    if not isinstance(upload, UploadFile) or not (upload.filename or upload.size):
        # Browsers send an empty, nameless part when no file was chosen.
        return await _render_profile(
            request, session, user, error="Choose a file to upload.", status_code=422
        )
    try:
        # The service is typed for FastAPI's UploadFile, a subclass that only adds validation.
        data = await resumes.read_upload(cast(FastAPIUploadFile, upload))
        await resumes.upload_resume(
            session,
            user,
            _storage(request),
            file_name=upload.filename,
            content_type=upload.content_type,
            data=data,
        )
    except DomainError as exc:
        if exc.status_code not in FILE_PROBLEMS:
            raise
        return await _render_profile(
            request, session, user, error=exc.detail, status_code=exc.status_code
        )
    finally:
        await upload.close()
    return redirect(PROFILE_URL, notice="resume_uploaded")


@router.post(PROFILE_URL + "/resumes/{resume_id}/activate", dependencies=[CsrfChecked])
async def activate_resume(resume_id: uuid.UUID, session: SessionDep, user: PageUser) -> Response:
    await resumes.activate_resume(session, user, resume_id)
    return redirect(PROFILE_URL, notice="resume_activated")


@router.get(PROFILE_URL + "/resumes/{resume_id}/delete")
async def confirm_delete(
    resume_id: uuid.UUID, request: Request, session: SessionDep, user: PageUser
) -> Response:
    """The confirmation step: works without JavaScript and with any assistive technology."""
    resume = await resumes.owned_resume(session, user, resume_id)
    return render(request, "profile/confirm_delete.html", {"resume": ResumeRead.of(resume)})


@router.post(PROFILE_URL + "/resumes/{resume_id}/delete", dependencies=[CsrfChecked])
async def delete_resume(
    resume_id: uuid.UUID, request: Request, session: SessionDep, user: PageUser
) -> Response:
    await resumes.delete_resume(session, user, _storage(request), resume_id)
    return redirect(PROFILE_URL, notice="resume_deleted")

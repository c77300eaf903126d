from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Request, Response, status

from hireloop.auth import service, sessions
from hireloop.auth.dependencies import CurrentSession, CurrentUser
from hireloop.auth.models import User
from hireloop.auth.schemas import (
    LoginRequest,
    PasswordChange,
    TokenResponse,
    UserCreate,
    UserRead,
)
from hireloop.db import SessionDep
from hireloop.errors import error_responses
from hireloop.ratelimit import check_account_attempt, limit_login

router = APIRouter(prefix="/auth", tags=["auth"])


def _token_response(
    request: Request, user: User, session_id: uuid.UUID | None = None
) -> TokenResponse:
    token = sessions.issue_token(request.app.state.settings, user, session_id)
    return TokenResponse(access_token=token, user=UserRead.model_validate(user))


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(409, 422),
)
async def register(data: UserCreate, request: Request, session: SessionDep) -> TokenResponse:
    """Create a candidate account and return an access token for it."""
    user = await service.register_user(session, data)
    return _token_response(request, user)


@router.post(
    "/login",
    responses=error_responses(401, 422, 429),
    dependencies=[Depends(limit_login)],  # per IP and per account; 429 + Retry-After
)
async def login(data: LoginRequest, request: Request, session: SessionDep) -> TokenResponse:
    """Exchange email and password for an access token (a new session)."""
    user = await service.authenticate(session, str(data.email), data.password)
    return _token_response(request, user)


@router.get("/me", responses=error_responses(401))
async def me(user: CurrentUser) -> UserRead:
    """The signed-in user."""
    return UserRead.model_validate(user)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(401))
async def logout(claims: CurrentSession, session: SessionDep) -> Response:
    """End this token's session: the token (and any copy of it) stops working."""
    await sessions.sign_out(session, claims)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/logout-everywhere",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401),
)
async def logout_everywhere(user: CurrentUser, session: SessionDep) -> Response:
    """Sign out everywhere: every session of the account ends, this one included."""
    await sessions.sign_out_everywhere(session, user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/password", responses=error_responses(401, 403, 422, 429))
async def change_password(
    data: PasswordChange,
    request: Request,
    user: CurrentUser,
    claims: CurrentSession,
    session: SessionDep,
) -> TokenResponse:
    """Change the password. Every other session of the account ends; the response
    carries a fresh token for this one (the old token stops working too)."""
    await check_account_attempt(request, user.email)
    await service.change_password(session, user, data)
    return _token_response(request, user, claims.session_id)

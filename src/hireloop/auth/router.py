from __future__ import annotations

from fastapi import APIRouter, Depends, Request, status

from hireloop.auth import service
from hireloop.auth.dependencies import CurrentUser
from hireloop.auth.models import User
from hireloop.auth.schemas import LoginRequest, TokenResponse, UserCreate, UserRead
from hireloop.auth.security import create_access_token
from hireloop.db import SessionDep
from hireloop.errors import error_responses
from hireloop.ratelimit import limit_login

router = APIRouter(prefix="/auth", tags=["auth"])


def _token_response(request: Request, user: User) -> TokenResponse:
    token = create_access_token(request.app.state.settings, user.id, user.role)
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
    """Exchange email and password for an access token."""
    user = await service.authenticate(session, str(data.email), data.password)
    return _token_response(request, user)


@router.get("/me", responses=error_responses(401))
async def me(user: CurrentUser) -> UserRead:
    """The signed-in user."""
    return UserRead.model_validate(user)

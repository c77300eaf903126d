"""Who is calling: bearer-token authentication and role checks as dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.auth.models import User, UserRole
from hireloop.auth.security import AccessClaims
from hireloop.auth.sessions import authenticate_token
from hireloop.config import settings_of
from hireloop.db import SessionDep
from hireloop.errors import Forbidden, Unauthorized

# auto_error=False: we answer 401 with our own JSON message rather than FastAPI's 403.
bearer_scheme = HTTPBearer(auto_error=False, description="Paste the access_token from login.")


async def resolve_user(request: Request, session: AsyncSession, token: str | None) -> User | None:
    """The one way a request's user is known, whether its token came as the API's bearer
    token or as the pages' session cookie: the account and session if the token is still
    good (see auth.sessions), remembered on ``request.state`` for the rest of the request."""
    request.state.user = None
    request.state.session_claims = None
    if not token:
        return None
    found = await authenticate_token(session, settings_of(request), token)
    if found is None:
        return None
    user, claims = found
    request.state.user = user
    request.state.session_claims = claims
    return user


async def get_current_user(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Not authenticated")
    # Expired, tampered, signed out, or the account deactivated or deleted: one answer.
    user = await resolve_user(request, session, credentials.credentials)
    if user is None:
        raise Unauthorized("Invalid or expired token")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_current_session(request: Request, _user: CurrentUser) -> AccessClaims:
    """The session the request's token belongs to."""
    claims: AccessClaims = request.state.session_claims
    return claims


CurrentSession = Annotated[AccessClaims, Depends(get_current_session)]


async def require_recruiter(user: CurrentUser) -> User:
    if user.role not in (UserRole.recruiter, UserRole.admin):
        raise Forbidden("Recruiter or admin role required")
    return user


async def require_admin(user: CurrentUser) -> User:
    if user.role is not UserRole.admin:
        raise Forbidden("Admin role required")
    return user


RecruiterUser = Annotated[User, Depends(require_recruiter)]
AdminUser = Annotated[User, Depends(require_admin)]

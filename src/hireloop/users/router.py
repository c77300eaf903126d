from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from hireloop.auth.dependencies import AdminUser
from hireloop.auth.schemas import UserRead
from hireloop.db import SessionDep
from hireloop.errors import error_responses
from hireloop.users import service
from hireloop.users.schemas import UserFilters, UserList, UserUpdate

router = APIRouter(prefix="/users", tags=["users"])


@router.get("", responses=error_responses(401, 403, 422))
async def list_users(
    _admin: AdminUser, session: SessionDep, filters: Annotated[UserFilters, Query()]
) -> UserList:
    """Admins: every account, newest first, filtered by role, status or a search term."""
    items, total = await service.list_users(session, filters)
    return UserList(
        items=[UserRead.model_validate(user) for user in items],
        total=total,
        skip=filters.skip,
        limit=filters.limit,
    )


@router.get("/{user_id}", responses=error_responses(401, 403, 404, 422))
async def get_user(user_id: uuid.UUID, _admin: AdminUser, session: SessionDep) -> UserRead:
    """Admins: one account."""
    return UserRead.model_validate(await service.get_user(session, user_id))


@router.patch("/{user_id}", responses=error_responses(401, 403, 404, 409, 422))
async def update_user(
    user_id: uuid.UUID, data: UserUpdate, admin: AdminUser, session: SessionDep
) -> UserRead:
    """Admins: change a user's name, phone, role or status (inactive users cannot log in)."""
    return UserRead.model_validate(await service.update_user(session, admin, user_id, data))

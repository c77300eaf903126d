from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field

from hireloop.auth.emails import Email


class OwnErasure(BaseModel):
    """Deleting one's own account: confirmed with the account's password."""

    password: str = Field(min_length=1, max_length=200, description="the current password")


class AdminErasure(BaseModel):
    """An admin erases an account on the person's request; ``confirm`` must be true."""

    confirm: Literal[True] = Field(description="must be true: the erasure cannot be undone")


class ErasureRead(BaseModel):
    user_id: uuid.UUID
    rows: dict[str, int] = Field(description="rows deleted per kind of personal data")


class AddressErasure(BaseModel):
    """An admin erases what is held about an address without an account (invitations
    sent to it) on the person's request; ``confirm`` must be true."""

    email: Email
    confirm: Literal[True] = Field(description="must be true: the erasure cannot be undone")


class AddressErasureRead(BaseModel):
    invitations: int = Field(description="invitations to the address that were deleted")

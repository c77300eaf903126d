from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hireloop.db import Base, UUIDPrimaryKey, enum_column, utcnow


class ConsentMethod(StrEnum):
    """Where the candidate accepted the notice."""

    page = "page"  # a form on the web pages
    api = "api"  # POST /api/v1/me/consents
    start = "start"  # inline, with the interview start request


class Consent(UUIDPrimaryKey, Base):
    """A candidate's acceptance of one version of the candidate notice (their own data:
    deleted with the account)."""

    __tablename__ = "consents"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    notice_version: Mapped[str] = mapped_column(String(40))
    accepted_at: Mapped[datetime] = mapped_column(default=utcnow)
    method: Mapped[ConsentMethod] = enum_column(ConsentMethod)

    __table_args__ = (
        UniqueConstraint("user_id", "notice_version", name="uq_consents_user_version"),
    )

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from hireloop.db import Base, JSONType, UUIDPrimaryKey, utcnow


class Resume(UUIDPrimaryKey, Base):
    __tablename__ = "resumes"
    __table_args__ = (
        # At most one active resume per candidate, enforced by the database.
        Index(
            "uq_resumes_one_active_per_candidate",
            "candidate_id",
            unique=True,
            sqlite_where=text("is_active"),
            postgresql_where=text("is_active"),
        ),
    )

    candidate_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # Display only (the base name the client sent); never used to build a path.
    file_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    # Names of the engine's skill packs the resume mentions, in order of first mention.
    skills: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # The rest of the parse (resumes.parsing.ParsedResume without skills): years of
    # experience, recent titles, and one quoted line per skill.
    parsed: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=dict)
    # Opaque name of the stored original under the resume directory (never user-supplied).
    storage_key: Mapped[str | None] = mapped_column(String(100))
    is_active: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

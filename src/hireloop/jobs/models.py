from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from hireloop.db import Base, JSONType, Timestamps, UUIDPrimaryKey, enum_column


class RoleCategory(StrEnum):
    engineering = "engineering"
    quality_assurance = "quality_assurance"
    data = "data"
    devops = "devops"
    design = "design"
    product = "product"
    sales = "sales"
    support = "support"
    operations = "operations"
    management = "management"
    other = "other"


class ExperienceLevel(StrEnum):
    junior = "junior"
    mid = "mid"
    senior = "senior"
    lead = "lead"
    principal = "principal"


class EmploymentType(StrEnum):
    permanent = "permanent"
    contract = "contract"
    part_time = "part_time"


class WorkSetup(StrEnum):
    remote = "remote"
    hybrid = "hybrid"
    onsite = "onsite"


class JobStatus(StrEnum):
    active = "active"
    paused = "paused"
    closed = "closed"


class JobPosting(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "job_postings"

    title: Mapped[str] = mapped_column(String(200))
    company: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    role_category: Mapped[RoleCategory] = enum_column(RoleCategory)
    tech_stack: Mapped[str | None] = mapped_column(String(300))
    required_skills: Mapped[list[str]] = mapped_column(JSONType, default=list)
    experience_level: Mapped[ExperienceLevel] = enum_column(ExperienceLevel)
    employment_type: Mapped[EmploymentType] = enum_column(EmploymentType)
    work_setup: Mapped[WorkSetup] = enum_column(WorkSetup)
    location: Mapped[str] = mapped_column(String(200))
    salary_min: Mapped[int | None] = mapped_column(Integer)
    salary_max: Mapped[int | None] = mapped_column(Integer)
    salary_currency: Mapped[str] = mapped_column(String(3), default="USD")
    status: Mapped[JobStatus] = enum_column(JobStatus, default=JobStatus.active)
    # False: text answers only, even when the server has a speech server (issue 16).
    voice_allowed: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    owner_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # The words a posting is found by (hireloop.jobs.search_words), maintained by the
    # service; the full-text index is built on them (hireloop.jobs.search). Deferred: only
    # queries use them, so loading a posting never fetches them.
    search_title: Mapped[str] = mapped_column(Text, default="", server_default="", deferred=True)
    search_role: Mapped[str] = mapped_column(Text, default="", server_default="", deferred=True)
    search_text: Mapped[str] = mapped_column(Text, default="", deferred=True)

    __table_args__ = (
        # Listing is "active postings, newest first" plus optional equality filters.
        Index("ix_job_postings_status_created", "status", "created_at", "id"),
        Index("ix_job_postings_status_category_created", "status", "role_category", "created_at"),
        Index("ix_job_postings_status_level_created", "status", "experience_level", "created_at"),
        Index("ix_job_postings_status_setup_created", "status", "work_setup", "created_at"),
        Index("ix_job_postings_status_type_created", "status", "employment_type", "created_at"),
    )

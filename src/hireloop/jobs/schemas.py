from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hireloop.jobs.models import (
    EmploymentType,
    ExperienceLevel,
    JobStatus,
    RoleCategory,
    WorkSetup,
)

SkillName = Annotated[str, Field(min_length=1, max_length=60)]
MAX_REQUIRED_SKILLS = 20


class JobPostingBase(BaseModel):
    title: str = Field(min_length=2, max_length=200)
    company: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=10, max_length=20000)
    role_category: RoleCategory
    tech_stack: str | None = Field(default=None, max_length=300)
    required_skills: list[SkillName] = Field(default_factory=list, max_length=MAX_REQUIRED_SKILLS)
    experience_level: ExperienceLevel
    employment_type: EmploymentType
    work_setup: WorkSetup
    location: str = Field(min_length=1, max_length=200)
    salary_min: int | None = Field(default=None, ge=0, le=10_000_000)
    salary_max: int | None = Field(default=None, ge=0, le=10_000_000)
    salary_currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    voice_allowed: bool = Field(
        default=True,
        description=(
            "candidates may answer by voice when the server has a speech server; false: text only"
        ),
    )

    @field_validator("required_skills")
    @classmethod
    def _clean_skills(cls, skills: list[str]) -> list[str]:
        seen: dict[str, str] = {}
        for skill in skills:
            cleaned = " ".join(skill.split())
            if cleaned and cleaned.lower() not in seen:
                seen[cleaned.lower()] = cleaned
        return list(seen.values())

    @model_validator(mode="after")
    def _salary_range(self) -> JobPostingBase:
        if (
            self.salary_min is not None
            and self.salary_max is not None
            and self.salary_min > self.salary_max
        ):
            raise ValueError("salary_min must not exceed salary_max")
        return self


class JobPostingCreate(JobPostingBase):
    pass


class JobPostingUpdate(BaseModel):
    title: str | None = Field(default=None, min_length=2, max_length=200)
    company: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, min_length=10, max_length=20000)
    role_category: RoleCategory | None = None
    tech_stack: str | None = Field(default=None, max_length=300)
    required_skills: list[SkillName] | None = Field(default=None, max_length=MAX_REQUIRED_SKILLS)
    experience_level: ExperienceLevel | None = None
    employment_type: EmploymentType | None = None
    work_setup: WorkSetup | None = None
    location: str | None = Field(default=None, min_length=1, max_length=200)
    salary_min: int | None = Field(default=None, ge=0, le=10_000_000)
    salary_max: int | None = Field(default=None, ge=0, le=10_000_000)
    salary_currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    voice_allowed: bool | None = None
    status: JobStatus | None = None


class JobPostingSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str
    company: str
    role_category: RoleCategory
    tech_stack: str | None
    experience_level: ExperienceLevel
    work_setup: WorkSetup
    location: str
    status: JobStatus


class JobPostingRead(JobPostingSummary):
    description: str
    required_skills: list[str]
    employment_type: EmploymentType
    salary_min: int | None
    salary_max: int | None
    salary_currency: str
    voice_allowed: bool
    owner_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


class JobPostingList(BaseModel):
    items: list[JobPostingRead]
    total: int
    # True when `total` is the database's estimate (large result sets are not counted
    # row by row); the UI shows it as "about N".
    total_is_estimate: bool = False
    skip: int
    limit: int


class JobPostingFilters(BaseModel):
    """Query parameters of the job listing."""

    role_category: RoleCategory | None = None
    tech_stack: str | None = Field(default=None, max_length=100)
    employment_type: EmploymentType | None = None
    work_setup: WorkSetup | None = None
    experience_level: ExperienceLevel | None = None
    location: str | None = Field(default=None, max_length=100)
    search: str | None = Field(default=None, max_length=200)
    skip: int = Field(default=0, ge=0, le=100_000)
    limit: int = Field(default=20, ge=1, le=100)

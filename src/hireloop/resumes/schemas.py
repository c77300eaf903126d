from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from hireloop.resumes.models import Resume
from hireloop.resumes.parsing import ParsedResume, SkillMention


class ResumeRead(BaseModel):
    """A resume without its full text (lists)."""

    id: uuid.UUID
    candidate_id: uuid.UUID
    file_name: str
    content_type: str
    size: int
    is_active: bool
    uploaded_at: datetime
    skills: list[str]
    years_of_experience: float | None
    recent_titles: list[str]
    mentions: list[SkillMention]

    @classmethod
    def of(cls, resume: Resume) -> ResumeRead:
        return cls(**_fields(resume))


class ResumeDetail(ResumeRead):
    """A resume with the text extracted from the file."""

    text: str

    @classmethod
    def of(cls, resume: Resume) -> ResumeDetail:
        return cls(**_fields(resume), text=resume.text)


class ResumeList(BaseModel):
    items: list[ResumeRead]


def _fields(resume: Resume) -> dict[str, Any]:
    parsed = ParsedResume.model_validate(resume.parsed or {})
    return {
        "id": resume.id,
        "candidate_id": resume.candidate_id,
        "file_name": resume.file_name,
        "content_type": resume.content_type,
        "size": resume.size,
        "is_active": resume.is_active,
        "uploaded_at": resume.uploaded_at,
        "skills": list(resume.skills or []),
        "years_of_experience": parsed.years_of_experience,
        "recent_titles": parsed.recent_titles,
        "mentions": parsed.mentions,
    }

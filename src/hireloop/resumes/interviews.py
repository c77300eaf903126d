"""What an interview takes from the candidate's resume: claimed skills and a quote.

The skill plan puts the job's required skills the resume claims first, and the first
question opens with something the resume says about the first skill (or, failing that,
the candidate's most recent title).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.engine.knowledge import KnowledgeBase
from hireloop.engine.state import PlannedSkill
from hireloop.interviews.models import Interview
from hireloop.resumes.models import Resume
from hireloop.resumes.parsing import ParsedResume, find_mention, mentions_phrase


@dataclass(frozen=True)
class InterviewResume:
    resume_id: str
    # Skill names the resume claims, plus the job's own skill phrases its text names.
    claims: list[str]
    text: str
    parsed: ParsedResume

    def reference(self, kb: KnowledgeBase, skill: PlannedSkill) -> str | None:
        """A sentence quoting the resume about ``skill``, else about the latest title."""
        for mention in self.parsed.mentions:
            pack = kb.resolve_skill(mention.skill)
            if pack is not None and pack.id == skill.id:
                return f"Your resume mentions: “{mention.text}”."
        if not skill.has_pack:
            line = find_mention(self.text, skill.name)
            if line is not None:
                return f"Your resume mentions: “{line}”."
        if self.parsed.recent_titles:
            return f"Your resume lists your most recent role as {self.parsed.recent_titles[0]}."
        return None


NOT_LOOKED_UP = object()


async def interview_resume(
    session: AsyncSession,
    interview: Interview,
    required_skills: list[str] | None,
    active_resume: Resume | object | None = NOT_LOOKED_UP,
) -> InterviewResume | None:
    """The resume an interview uses: the one it names (already checked to be the
    candidate's), else the candidate's active resume. Records it on the interview.

    ``active_resume`` is the active resume when the caller already loaded it (or None
    when it found there is none), which saves a query on the hot start path.
    """
    if interview.resume_id is not None:
        resume = await session.get(Resume, interview.resume_id)
    elif isinstance(active_resume, Resume) or active_resume is None:
        resume = active_resume
    else:
        resume = await session.scalar(
            select(Resume).where(Resume.candidate_id == interview.candidate_id, Resume.is_active)
        )
    if resume is None:
        return None
    interview.resume_id = resume.id
    claims = list(resume.skills or [])
    # Scanning a long resume for each job skill is CPU work: keep it off the event loop.
    named = await asyncio.to_thread(_named_skills, resume.text, required_skills or [], claims)
    return InterviewResume(
        resume_id=str(resume.id),
        claims=claims + named,
        text=resume.text,
        parsed=ParsedResume.model_validate({**(resume.parsed or {}), "skills": claims}),
    )


def _named_skills(text: str, required_skills: list[str], known: list[str]) -> list[str]:
    return [
        skill for skill in required_skills if skill not in known and mentions_phrase(text, skill)
    ]

"""What a candidate is told before an interview starts: what it covers, how long it is,
whether it can be left and resumed, who sees the results and who judges the answers.

Every fact comes from where the rule lives (the planner's skill plan, the settings, the
access rules of ``service.can_read``), so the briefing cannot drift from what happens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from hireloop.config import Settings
from hireloop.consent.notice import NOTICE_URL, human_alternative_text
from hireloop.engine.knowledge import get_knowledge
from hireloop.engine.planner import build_skill_plan
from hireloop.interviews.models import Interview
from hireloop.jobs.models import JobPosting

# The countdown warns this long before the time limit (the page and its script).
WARNING_BEFORE = timedelta(minutes=5)


@dataclass(frozen=True)
class Briefing:
    role_name: str | None  # None before a practice role is chosen
    skills: list[str]  # in the order they are planned (a resume may reorder them)
    max_questions: int
    min_questions: int
    time_limit_minutes: int
    idle_abandon_minutes: int
    job_title: str | None  # None for a practice interview
    company: str | None
    model_judge: bool  # a language model judges (with the built-in judge's checks)
    model_name: str | None  # the language model, when one judges
    human_alternative: str  # how to ask for a person instead (the candidate notice)
    notice_url: str


def briefing_for(settings: Settings, role_type: str | None, job: JobPosting | None) -> Briefing:
    """What the interview for ``job`` (or a practice of ``role_type``) will be."""
    kb = get_knowledge()
    role = kb.roles.get(role_type) if role_type else None
    plan = build_skill_plan(kb, role.id, job.required_skills if job else None) if role else []
    return Briefing(
        role_name=role.name if role else None,
        skills=[skill.name for skill in plan],
        max_questions=settings.max_questions,
        min_questions=min(settings.min_questions, settings.max_questions),
        time_limit_minutes=settings.time_limit_minutes,
        idle_abandon_minutes=settings.idle_abandon_minutes,
        job_title=job.title if job else None,
        company=job.company if job else None,
        model_judge=settings.ai_provider != "builtin",
        model_name=settings.ai_model if settings.ai_provider != "builtin" else None,
        human_alternative=human_alternative_text(settings),
        notice_url=NOTICE_URL,
    )


@dataclass(frozen=True)
class Clock:
    """The time limit of an interview under way, as the page shows it."""

    deadline: datetime
    seconds_left: int
    warning: bool  # less than WARNING_BEFORE left
    over: bool
    warning_seconds: int = int(WARNING_BEFORE.total_seconds())


def clock_for(interview: Interview, settings: Settings, now: datetime) -> Clock | None:
    """Time left of a started interview (the loop ends it at the first answer after)."""
    if interview.started_at is None:
        return None
    deadline = interview.started_at + timedelta(minutes=settings.time_limit_minutes)
    left = max(0, int((deadline - now).total_seconds()))
    return Clock(
        deadline=deadline,
        seconds_left=left,
        warning=0 < left <= WARNING_BEFORE.total_seconds(),
        over=left == 0,
    )

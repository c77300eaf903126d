"""Skill plans and question choice for the built-in engine.

The plan is decided once, when the interview starts: a job's required skills first
(normalised, deduplicated, at most six), topped up with the role's core skill areas
to between four and six skills; a standalone interview uses the role's core areas.
With a resume, the job's required skills the resume claims come first, core areas the
resume claims come before the others, and a standalone plan fills its free places with
the resume's other skills.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from hireloop.engine.generic import generic_skill_questions, skill_slug
from hireloop.engine.knowledge import KnowledgeBase
from hireloop.engine.schema import DIFFICULTY_ORDER, Difficulty, Question
from hireloop.engine.state import PlannedSkill
from hireloop.engine.text import normalize_term

MIN_PLANNED_SKILLS = 4
MAX_PLANNED_SKILLS = 6
GENERIC_PREFIX = "generic-"


def _generic_skill_id(name: str) -> str:
    return f"{GENERIC_PREFIX}{skill_slug(name)}"


def build_skill_plan(
    kb: KnowledgeBase,
    role_type: str,
    required_skills: list[str] | None = None,
    resume_skills: Sequence[str] | None = None,
) -> list[PlannedSkill]:
    """The interview's skills, in the order they are assessed.

    Args:
        resume_skills: Skills the candidate's resume claims (skill names, aliases or the
            job's own skill phrases), when the interview uses a resume.
    """
    role = kb.roles[role_type]
    claimed_terms = {normalize_term(skill) for skill in resume_skills or ()}
    claimed_packs = {pack.id for skill in resume_skills or () if (pack := kb.resolve_skill(skill))}

    def is_claimed(raw: str) -> bool:
        if normalize_term(raw) in claimed_terms:
            return True
        pack = kb.resolve_skill(raw)
        return pack is not None and pack.id in claimed_packs

    plan: list[PlannedSkill] = []
    seen: set[str] = set()
    # sorted() is stable: claimed skills first, each group in the job's own order.
    for raw in sorted(required_skills or [], key=lambda raw: not is_claimed(raw)):
        if len(plan) == MAX_PLANNED_SKILLS:
            break
        if not normalize_term(raw):
            continue
        pack = kb.resolve_skill(raw)
        # Non-technical roles never get coding questions: a technical skill on such a job
        # is explored through experience questions instead of its technical pack.
        if pack is not None and (role.technical or not pack.technical):
            planned = PlannedSkill(id=pack.id, name=pack.name, source="job", has_pack=True)
        else:
            name = " ".join(raw.split())
            planned = PlannedSkill(
                id=_generic_skill_id(name), name=name, source="job", has_pack=False
            )
        if planned.id not in seen:
            seen.add(planned.id)
            plan.append(planned)
    # A job's own skills are topped up to the minimum; a standalone plan takes every core area.
    standalone = not plan
    target = MIN_PLANNED_SKILLS if plan else MAX_PLANNED_SKILLS
    for skill_id in sorted(role.core_skills, key=lambda skill_id: skill_id not in claimed_packs):
        if len(plan) >= target:
            break
        if skill_id not in seen:
            seen.add(skill_id)
            pack = kb.skills[skill_id]
            plan.append(PlannedSkill(id=pack.id, name=pack.name, source="role", has_pack=True))
    if standalone:  # free places go to the resume's other skills, in the resume's order
        for skill in resume_skills or ():
            pack = kb.resolve_skill(skill)
            if len(plan) >= MAX_PLANNED_SKILLS:
                break
            if pack is not None and pack.id not in seen and (role.technical or not pack.technical):
                seen.add(pack.id)
                plan.append(
                    PlannedSkill(id=pack.id, name=pack.name, source="resume", has_pack=True)
                )
    return plan


def skill_questions(kb: KnowledgeBase, skill: PlannedSkill) -> list[Question]:
    if skill.has_pack:
        return list(kb.skills[skill.id].questions)
    return generic_skill_questions(skill.name)


def choose_question(
    kb: KnowledgeBase,
    skill: PlannedSkill,
    difficulty: Difficulty,
    asked: set[str],
    seed: str,
) -> Question | None:
    """A not-yet-asked question for the skill, nearest to the wanted difficulty.

    The choice among equals is a stable hash of ``seed`` (the interview id), so each
    interview is reproducible while different candidates see different questions.
    """
    questions = [q for q in skill_questions(kb, skill) if q.id not in asked]
    if not questions:
        return None
    wanted = DIFFICULTY_ORDER.index(difficulty)
    best_distance = min(abs(DIFFICULTY_ORDER.index(q.difficulty) - wanted) for q in questions)
    nearest = [
        q for q in questions if abs(DIFFICULTY_ORDER.index(q.difficulty) - wanted) == best_distance
    ]
    # Prefer the harder side on ties: an interview that ran out of easy questions moves up.
    nearest.sort(key=lambda q: (-DIFFICULTY_ORDER.index(q.difficulty), q.id))
    top = [q for q in nearest if q.difficulty == nearest[0].difficulty]
    digest = hashlib.sha256(f"{seed}:{skill.id}:{difficulty.value}".encode()).digest()
    return top[digest[0] % len(top)]


def opening_text(
    kb: KnowledgeBase,
    role_type: str,
    skill: PlannedSkill,
    question_text: str,
    job_title: str | None = None,
    company: str | None = None,
    resume_note: str | None = None,
) -> str:
    """The first message: a short welcome that frames the interview, then the first question
    (after ``resume_note``, a sentence about the candidate's resume, when there is one)."""
    if job_title:
        at_company = f" at {company}" if company else ""
        intro = (
            f"Welcome, and thanks for applying for the {job_title} role{at_company}. "
            f"This interview follows the skills the role asks for, starting with {skill.name}. "
            "Answer in your own words, with examples from your experience where you can."
        )
    else:
        role_name = kb.roles[role_type].name
        intro = (
            f"Welcome to your {role_name} practice interview. "
            f"We'll start with {skill.name} and adapt as we go. "
            "Answer in your own words, with examples from your experience where you can."
        )
    if resume_note:
        return f"{intro}\n\n{resume_note} {question_text}"
    return f"{intro}\n\n{question_text}"

"""Generic experience questions for skills without a knowledge pack."""

from __future__ import annotations

import pytest

from hireloop.engine.generic import generic_skill_questions, skill_slug
from hireloop.engine.judge.builtin import judge_answer
from hireloop.engine.judge.verdict import Signal
from hireloop.engine.schema import DIFFICULTY_ORDER, Question, SkillPack

STAR_ANSWER = (
    "At my last job we had a messy quoting process: sales reps built quotes by hand in "
    "Salesforce CPQ and discounts were inconsistent. I designed a set of price rules and product "
    "bundles, and I automated the approval chain for discounts above 15 percent. As a result, "
    "quote turnaround went from two days to about three hours and discount errors dropped by "
    "80 percent. The trade-off was that the rules were harder to maintain, so I documented them "
    "and trained two admins instead of relying on custom Apex code."
)


@pytest.mark.parametrize("skill", ["Salesforce CPQ", "COBOL", "C#", "  Data   Warehousing "])
def test_questions_validate_and_cover_every_difficulty(skill: str) -> None:
    questions = generic_skill_questions(skill)
    # They hold together as a pack would, two per difficulty.
    SkillPack(id="generic", name=skill, technical=False, questions=questions)
    for difficulty in DIFFICULTY_ORDER:
        assert sum(q.difficulty is difficulty for q in questions) == 2
    for question in questions:
        Question.model_validate(question.model_dump())
        assert " ".join(skill.split()) in question.text
        assert " ".join(skill.split()) in question.followup
    assert len({q.id for q in questions}) == len(questions)


def test_ids_are_deterministic_and_derived_from_the_skill_name() -> None:
    ids = [q.id for q in generic_skill_questions("Salesforce CPQ")]
    assert ids == [
        "generic-salesforce-cpq-w1",
        "generic-salesforce-cpq-w2",
        "generic-salesforce-cpq-s1",
        "generic-salesforce-cpq-s2",
        "generic-salesforce-cpq-a1",
        "generic-salesforce-cpq-a2",
    ]
    assert generic_skill_questions("Salesforce CPQ") == generic_skill_questions("Salesforce CPQ")
    assert generic_skill_questions("!!!")[0].id == "generic-skill-w1"


def test_skills_that_differ_only_in_symbols_or_script_get_their_own_ids() -> None:
    slugs = {name: skill_slug(name) for name in ["C", "C#", "C++", "F#", "数据分析", "数据库设计"]}
    assert slugs["C"] == "c" and slugs["C#"] == "c-sharp" and slugs["C++"] == "c-plus-plus"
    assert len(set(slugs.values())) == len(slugs), slugs
    # Ids stay ASCII (the question schema's pattern), and stable across spellings of case.
    for name in slugs:
        questions = generic_skill_questions(name)
        Question.model_validate(questions[0].model_dump())
        assert generic_skill_questions(name.upper())[0].id == questions[0].id
    assert skill_slug(" Salesforce   CPQ ") == skill_slug("salesforce cpq") == "salesforce-cpq"


def test_every_question_is_judged_on_experience_claims() -> None:
    for question in generic_skill_questions("COBOL"):
        claims = {c.id for c in question.claims}
        assert {"own-action", "result", "tradeoffs"} <= claims
        assert question.misconceptions, "every question lists misconceptions"


@pytest.mark.parametrize("question", generic_skill_questions("Salesforce CPQ"), ids=lambda q: q.id)
def test_star_answer_is_strong(question: Question) -> None:
    result = judge_answer(question, STAR_ANSWER)
    assert result.score >= 0.7
    assert result.signal is Signal.strong


@pytest.mark.parametrize("question", generic_skill_questions("Salesforce CPQ"), ids=lambda q: q.id)
def test_bare_claims_are_vague_or_weak(question: Question) -> None:
    for answer in ("I have used it", "Yes, I know Salesforce CPQ well.", question.text):
        result = judge_answer(question, answer)
        assert result.score < 0.4
        assert result.signal in (Signal.vague, Signal.weak)


def test_followup_with_a_concrete_story_lifts_a_vague_answer() -> None:
    question = generic_skill_questions("COBOL")[2]
    first = judge_answer(question, "I have used COBOL a lot.")
    assert first.signal is Signal.vague
    followup = (
        "At my previous job the nightly billing batch kept overrunning. I rewrote the sort step "
        "to use an indexed VSAM file instead of a sequential scan, and as a result the job went "
        "from six hours to forty minutes."
    )
    combined = judge_answer(question, followup, earlier="I have used COBOL a lot.")
    assert combined.score >= 0.7

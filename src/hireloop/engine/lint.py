"""The pack linter: what a skill pack must satisfy beyond its schema.

Run ``python -m hireloop.engine.lint [skill ...]`` (all packs when none is named); the
test suite runs it over every pack. Each rule protects the judge from a way packs have
failed before:

- every question states 4 to 6 claims and lists at least one misconception;
- no term is a single generic word ("use", "fast", "data"), and a single word in a
  predicate slot is not one the question itself says (repeating the question covers
  nothing);
- every predicate slot offers at least three interchangeable terms (paraphrase variety);
- the question and follow-up texts credit no claim; every claim's own statement credits
  that claim, and every misconception's statement asserts it without crediting the
  claim it contradicts;
- the question's own terms, listed bare or glued with "the / is / and / with", never pass.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from hireloop.engine.judge.builtin import judge_answer
from hireloop.engine.judge.terms import compile_term
from hireloop.engine.judge.verdict import THRESHOLDS
from hireloop.engine.knowledge import (
    PACKS_DIR,
    KnowledgeBase,
    compile_skill,
    get_knowledge,
    read_lexicon,
    read_pack,
)
from hireloop.engine.language.lemma import lemma
from hireloop.engine.language.tokens import tokenize
from hireloop.engine.language.vocab import GENERIC, SOFT, STOPWORDS
from hireloop.engine.schema import Form, Question, SkillPack, Statement

MIN_CLAIMS, MAX_CLAIMS = 4, 6
MIN_MISCONCEPTIONS = 1
MIN_TERMS_PER_PREDICATE_SLOT = 3
_GENERIC_KEYS = frozenset(lemma(w) for w in GENERIC | STOPWORDS)
_GLUE_PATTERNS = (
    "The {0} is the {1} and the {2} with the {3}",
    "{0} is {1} with the {2} and {3} is the {4}",
    "the {0} of the {1} is with {2} and the {3} for the {4}",
)


def _single_key(term: str) -> str | None:
    compiled = compile_term(term)[0]
    return compiled.parts[0][0] if compiled.words == 1 else None


def _question_keys(question: Question) -> set[str]:
    return {t.key for t in tokenize(question.text) if t.is_word and t.text not in SOFT}


def _echo_slots(form: Form, question_keys: set[str]) -> set[str]:
    """Slots that a single word of the question itself can fill."""
    return {
        slot
        for slot, terms in form.slots.items()
        if any((key := _single_key(term)) is not None and key in question_keys for term in terms)
    }


def _form_problems(where: str, form: Form, question_keys: set[str]) -> Iterable[str]:
    # One slot may be the question's own topic ("metaclass"); the others must say more.
    echoing = _echo_slots(form, question_keys) - {form.subject}
    for slot, terms in form.slots.items():
        is_subject = slot == form.subject
        if not is_subject and len(terms) < MIN_TERMS_PER_PREDICATE_SLOT:
            yield (
                f"{where}: slot {slot!r} has {len(terms)} terms; give at least "
                f"{MIN_TERMS_PER_PREDICATE_SLOT} ways of saying it"
            )
        for term in terms:
            key = _single_key(term)
            if key is None:
                continue
            if key in _GENERIC_KEYS:
                yield f"{where}: slot {slot!r}: {term!r} is a generic word on its own"
            elif len(echoing) > 1 and slot in echoing and key in question_keys:
                yield (
                    f"{where}: slot {slot!r}: {term!r} is a single word the question itself "
                    "uses; say more than the question does"
                )


def _statement_problems(where: str, statement: Statement, question_keys: set[str]) -> Iterable[str]:
    for number, form in enumerate(statement.forms):
        label = where if number == 0 else f"{where} (also #{number})"
        yield from _form_problems(label, form, question_keys)


def _terms_of(question: Question) -> list[str]:
    """One term from each slot of each claim, in alphabetical order: what a candidate who
    knows the field's words, but not which claims they make, would string together."""
    terms: set[str] = set()
    for claim in question.claims:
        for slot_terms in claim.slots.values():
            terms.add(next((t for t in slot_terms if "*" not in t), slot_terms[0]))
    return sorted(terms)


def _adversary_problems(question: Question) -> Iterable[str]:
    terms = _terms_of(question)
    attacks = {"bare list": ", ".join(terms), "one per line": "\n".join(terms)}
    for number, pattern in enumerate(_GLUE_PATTERNS):
        chunks = [terms[i : i + 5] for i in range(0, len(terms), 5)]
        sentences = [pattern.format(*(chunk + chunk * 5)[:5]) for chunk in chunks if chunk]
        attacks[f"glued #{number + 1}"] = ". ".join(sentences) + "."
        attacks[f"glued #{number + 1}, one sentence"] = " and ".join(sentences) + "."
    for name, text in attacks.items():
        verdict = judge_answer(question, text)
        if verdict.score >= THRESHOLDS.passing:
            credited = ", ".join(e.id for e in verdict.credited)
            yield (
                f"{question.id}: the question's own terms as a {name} pass "
                f"({verdict.score}: {credited}); make the claims need real statements"
            )


def _self_test_problems(question: Question) -> Iterable[str]:
    for text in (question.text, question.followup):
        verdict = judge_answer(question, text)
        if verdict.credited:
            ids = ", ".join(e.id for e in verdict.credited)
            yield f"{question.id}: the question's own words credit {ids}"
    for claim in question.claims:
        verdict = judge_answer(question, claim.text)
        if claim.id not in {e.id for e in verdict.credited}:
            yield f"{question.id}/{claim.id}: its own statement does not credit it: {claim.text!r}"
    for wrong in question.misconceptions:
        verdict = judge_answer(question, wrong.text)
        if wrong.id not in {m.id for m in verdict.misconceptions}:
            yield (
                f"{question.id}/{wrong.id}: its own statement is not read as the misconception: "
                f"{wrong.text!r}"
            )
        if wrong.contradicts in {e.id for e in verdict.credited}:
            yield f"{question.id}/{wrong.id}: its statement credits {wrong.contradicts}"


def lint_question(question: Question) -> list[str]:
    problems: list[str] = []
    if not MIN_CLAIMS <= len(question.claims) <= MAX_CLAIMS:
        problems.append(
            f"{question.id}: has {len(question.claims)} claims; state {MIN_CLAIMS}-{MAX_CLAIMS}"
        )
    if len(question.misconceptions) < MIN_MISCONCEPTIONS:
        problems.append(f"{question.id}: lists no misconceptions")
    keys = _question_keys(question)
    for claim in question.claims:
        problems.extend(_statement_problems(f"{question.id}/{claim.id}", claim, keys))
    for wrong in question.misconceptions:
        problems.extend(_statement_problems(f"{question.id}/{wrong.id}", wrong, keys))
    problems.extend(_self_test_problems(question))
    problems.extend(_adversary_problems(question))
    return problems


def lint_skill(skill: SkillPack) -> list[str]:
    return [problem for question in skill.questions for problem in lint_question(question)]


def lint_knowledge(kb: KnowledgeBase, skills: Iterable[str] = ()) -> list[str]:
    chosen = list(skills) or sorted(kb.skills)
    return [problem for skill_id in chosen for problem in lint_skill(kb.skills[skill_id])]


def load_skill(skill_id: str) -> SkillPack:
    """One skill pack, read and compiled on its own (the linter works pack by pack)."""
    lexicon = read_lexicon(PACKS_DIR / "lexicon")
    path = PACKS_DIR / "skills" / f"{skill_id}.yaml"
    skill = read_pack(path, SkillPack, lexicon)
    compile_skill(skill, str(path))
    return skill


def main(argv: list[str] | None = None) -> int:
    names = argv if argv is not None else sys.argv[1:]
    if names:
        problems = [p for name in names for p in lint_skill(load_skill(name))]
    else:
        problems = lint_knowledge(get_knowledge())
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())

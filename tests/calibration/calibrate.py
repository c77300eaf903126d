"""The judge's calibration suite: hand-written answers, judged and counted per kind.

The answers were written from the question text only, as candidates would, by writers
who never saw the packs' claims: ``answers/dev`` (used while authoring packs) and
``answers/holdout`` (never looked at while authoring; it measures what generalises) and
``answers/blind`` (written as an adversary before reading the judge or the packs: wrong answers
in the right vocabulary, negations, echoed questions, disguised term lists, reworded
injections).
Kinds: expert (textbook), plain (expert in plain words), brief, vague, wrong
(confidently wrong), list (bare term list), glued (terms glued with function words),
injection (instructions to the grader), and off_topic, built here from a good answer to a
question of another skill.

Run ``python -m tests.calibration.calibrate [dev|holdout|blind] [--roles]`` for the tables;
``tests/calibration/test_calibration.py`` fails CI below ``targets.yaml``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from hireloop.engine.generic import generic_skill_questions
from hireloop.engine.judge.builtin import judge_answer
from hireloop.engine.judge.verdict import PROMPT_INJECTION, THRESHOLDS, Verdict
from hireloop.engine.knowledge import get_knowledge
from hireloop.engine.schema import Question

HERE = Path(__file__).parent
SETS = ("dev", "holdout", "blind")
KINDS = ("expert", "plain", "brief", "vague", "wrong", "list", "glued", "off_topic", "injection")
GENERIC_SKILL_NAMES = ("Salesforce CPQ", "Excel financial modelling", "ServiceNow administration")


@dataclass(frozen=True)
class Sample:
    answer_set: str
    skill: str
    question: Question
    kind: str
    answer: str


@dataclass
class Tally:
    answers: int = 0
    passed: int = 0
    strong: int = 0
    flagged: int = 0

    def add(self, verdict: Verdict) -> None:
        self.answers += 1
        self.passed += verdict.score >= THRESHOLDS.passing
        self.strong += verdict.score >= THRESHOLDS.strong
        self.flagged += PROMPT_INJECTION in verdict.integrity_flags

    def rate(self, count: int) -> float:
        return 100.0 * count / self.answers if self.answers else 0.0


def targets() -> dict[str, dict[str, float]]:
    data: dict[str, dict[str, float]] = yaml.safe_load((HERE / "targets.yaml").read_text())
    return data


@cache
def _questions() -> dict[str, Question]:
    kb = get_knowledge()
    found = {q.id: q for skill in kb.skills.values() for q in skill.questions}
    for name in GENERIC_SKILL_NAMES:
        found.update({q.id: q for q in generic_skill_questions(name)})
    return found


def load_samples(answer_set: str) -> list[Sample]:
    """Every answer of a set, with off-topic answers added: for each question, the expert
    answer to the question at the same place in the next skill (another subject)."""
    questions = _questions()
    samples: list[Sample] = []
    experts: dict[str, list[tuple[Question, str]]] = {}
    for path in sorted((HERE / "answers" / answer_set).glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            question = questions[item["question"]]
            samples.append(Sample(answer_set, path.stem, question, item["kind"], item["answer"]))
            if item["kind"] == "expert":
                experts.setdefault(path.stem, []).append((question, item["answer"]))
    skills = sorted(experts)
    for index, skill in enumerate(skills):
        other = experts[skills[(index + 1) % len(skills)]]
        for number, (question, _answer) in enumerate(experts[skill]):
            answer = other[number % len(other)][1]
            samples.append(Sample(answer_set, skill, question, "off_topic", answer))
    return samples


def judge_all(samples: Iterable[Sample]) -> Iterator[tuple[Sample, Verdict]]:
    for sample in samples:
        yield sample, judge_answer(sample.question, sample.answer)


def tally(results: Iterable[tuple[Sample, Verdict]], key: str = "kind") -> dict[str, Tally]:
    tallies: dict[str, Tally] = {}
    for sample, verdict in results:
        tallies.setdefault(getattr(sample, key), Tally()).add(verdict)
    return tallies


def shortfalls() -> dict[str, dict[str, dict[str, object]]]:
    """Known gaps per answer set and kind (``shortfalls.yaml``), with the floor CI holds
    each to until its target is met."""
    data: dict[str, dict[str, dict[str, object]]] = (
        yaml.safe_load((HERE / "shortfalls.yaml").read_text()) or {}
    )
    return data


def _below(tallies: dict[str, Tally], wanted: dict[str, dict[str, float]]) -> list[tuple[str, str]]:
    """(kind, what is missed in words) for each rule of ``wanted`` the tallies miss."""
    problems: list[tuple[str, str]] = []
    for kind, rules in wanted.items():
        counted = tallies.get(kind)
        if counted is None or not counted.answers:
            continue
        rates = {
            "pass": counted.rate(counted.passed),
            "strong": counted.rate(counted.strong),
            "flagged": counted.rate(counted.flagged),
        }
        for rule, limit in rules.items():
            measure, _, bound = rule.partition("_at_")
            value = rates[measure]
            if (bound == "least" and value < limit) or (bound == "most" and value > limit):
                said = f"{kind}: {measure} {value:.1f}% (target: at {bound} {limit}%)"
                problems.append((kind, said))
    return problems


def misses(tallies: dict[str, Tally]) -> list[str]:
    """Each target a set of tallies (by kind) does not meet, in words."""
    return [said for _kind, said in _below(tallies, targets())]


def unexplained_misses(tallies: dict[str, Tally], answer_set: str) -> list[str]:
    """The misses CI fails on: every one, except a known shortfall of this set that still
    holds its floor (a shortfall that fell below its floor fails too)."""
    known = shortfalls().get(answer_set, {})
    floors = {
        kind: {rule: float(limit) for rule, limit in entry.items() if rule != "why"}  # type: ignore[arg-type]
        for kind, entry in known.items()
    }
    return [said for kind, said in _below(tallies, targets()) if kind not in known] + [
        f"{said} [known shortfall, fell below its floor]" for _kind, said in _below(tallies, floors)
    ]


def roles_of(skill: str) -> list[str]:
    kb = get_knowledge()
    if skill == "generic":
        return ["(generic skills)"]
    return [role.id for role in kb.roles.values() if skill in role.core_skills] or ["(no role)"]


def table(rows: dict[str, Tally], title: str) -> str:
    lines = [f"{title:<22} {'answers':>7} {'pass':>7} {'strong':>7} {'flagged':>8}"]
    for name, counted in rows.items():
        lines.append(
            f"{name:<22} {counted.answers:>7} {counted.rate(counted.passed):>6.1f}% "
            f"{counted.rate(counted.strong):>6.1f}% {counted.rate(counted.flagged):>7.1f}%"
        )
    return "\n".join(lines)


def report(answer_set: str, by_role: bool) -> str:
    results = list(judge_all(load_samples(answer_set)))
    kinds = tally(results)
    ordered = {kind: kinds[kind] for kind in KINDS if kind in kinds}
    parts = [table(ordered, f"{answer_set}: kind")]
    if by_role:
        per_role: dict[str, dict[str, Tally]] = {}
        for sample, verdict in results:
            for role in roles_of(sample.skill):
                per_role.setdefault(role, {}).setdefault(sample.kind, Tally()).add(verdict)
        for role in sorted(per_role):
            rows = {k: per_role[role][k] for k in KINDS if k in per_role[role]}
            parts.append(table(rows, f"{answer_set}: {role}"))
    known = shortfalls().get(answer_set, {})
    problems = [
        f"{said} (known shortfall, see shortfalls.yaml)" if kind in known else said
        for kind, said in _below(kinds, targets())
    ]
    parts.append("targets met" if not problems else "BELOW TARGET: " + "; ".join(problems))
    return "\n\n".join(parts)


def main(argv: list[str]) -> int:
    chosen = [a for a in argv if a in SETS] or list(SETS)
    print("\n\n".join(report(answer_set, "--roles" in argv) for answer_set in chosen))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Stored results as the pages show them: one row per skill (the chart's bar and the
reasoning behind it), short flags, and the side-by-side comparison of applicants.

Everything is read from the stored ``AssessmentResult`` columns, whatever evaluator made
them: results from before the claims-based judge lack some keys and show less, never fail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The chart draws each bar as a 100-unit-wide SVG stretched to its track: widths travel
# as SVG attributes, so the Content Security Policy needs no inline styles.
BAR_UNITS = 100


@dataclass(frozen=True)
class SkillRow:
    """One planned skill of one interview: its score and what the score rests on."""

    skill_id: str
    name: str
    level: str
    score: int | None
    questions: int
    confidence: str | None
    credited: list[dict[str, Any]] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    misconceptions: list[dict[str, Any]] = field(default_factory=list)
    # Quotes stored by the phrase-matching evaluator (before claims): text only.
    legacy_quotes: list[str] = field(default_factory=list)

    @property
    def assessed(self) -> bool:
        return self.score is not None

    @property
    def bar_width(self) -> int:
        return max(0, min(BAR_UNITS, self.score or 0))

    @property
    def points(self) -> str:
        """How many of the points the questions looked for the answers made."""
        made = len(self.credited)
        total = made + len(self.missed)
        return f"{made} of {total} points" if total else ""

    @property
    def has_evidence(self) -> bool:
        return bool(self.credited or self.misconceptions or self.missed or self.legacy_quotes)


def _quote_list(items: object) -> list[dict[str, Any]]:
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def skill_rows(skill_results: list[dict[str, Any]]) -> list[SkillRow]:
    rows = []
    for result in skill_results:
        score = result.get("score")
        missed = result.get("missed") or result.get("missed_points") or []
        rows.append(
            SkillRow(
                skill_id=str(result.get("skill_id", "")),
                name=str(result.get("skill_name") or result.get("skill_id") or "Skill"),
                level=str(result.get("level") or "not_assessed"),
                score=None if score is None else round(float(score)),
                questions=int(result.get("questions") or 0),
                confidence=result.get("confidence"),
                credited=_quote_list(result.get("credited")),
                missed=[str(m) for m in missed] if isinstance(missed, list) else [],
                misconceptions=_quote_list(result.get("misconceptions")),
                legacy_quotes=[
                    str(e.get("quote", "")) for e in _quote_list(result.get("evidence"))
                ],
            )
        )
    return rows


def flags_of(result: Any) -> list[str]:
    """Why a person should look closer, in a few words each: the judge's integrity flags
    (keyword stuffing, instructions to the grader …) and the reasons the results need a
    review ("ended early", "most skills not assessed" …), without their figures."""
    flags = [
        str(item.get("flag", "")).replace("_", " ")
        for item in result.integrity_flags or []
        if isinstance(item, dict)
    ]
    flags += [str(reason).split(":", 1)[0] for reason in result.review_reasons or []]
    return [flag.capitalize() for flag in dict.fromkeys(f for f in flags if f)]


def growth_of(result: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """Growth areas with a suggestion of their own, and the skills without enough
    evidence (said once, together, rather than one identical sentence each)."""
    unassessed = [str(name) for name in result.insufficient_evidence or []]
    suggested = [
        area
        for area in result.growth_areas or []
        if isinstance(area, dict)
        and area.get("level") != "not_assessed"
        and area.get("skill_name") not in unassessed
    ]
    return suggested, unassessed


@dataclass(frozen=True)
class ComparedSkill:
    """One skill across the compared applicants: a cell per applicant (None: the skill
    was not in that applicant's interview)."""

    name: str
    cells: list[SkillRow | None]


def compare_skills(results: list[Any | None]) -> list[ComparedSkill]:
    """Per skill, each applicant's row, in the order the interviews planned the skills."""
    per_applicant = [
        {row.skill_id: row for row in skill_rows(r.skill_results)} if r is not None else {}
        for r in results
    ]
    names: dict[str, str] = {}
    for rows in per_applicant:
        for skill_id, row in rows.items():
            names.setdefault(skill_id, row.name)
    return [
        ComparedSkill(name, [rows.get(skill_id) for rows in per_applicant])
        for skill_id, name in names.items()
    ]

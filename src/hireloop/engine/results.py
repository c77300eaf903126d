"""Evidence-backed results from the answers the engine evaluated (SPEC §5 "Results").

Scores and levels come only from stored per-answer evaluations; a skill with no
answered question is reported as insufficient evidence, never given a made-up score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from hireloop.engine.loop import STRONG, EngineState, SkillState
from hireloop.engine.schema import Difficulty
from hireloop.engine.state import Level

QUOTE_CHARS = 200
MAX_QUOTES_PER_SKILL = 2
_DIFFICULTY_WEIGHT = {Difficulty.warmup: 1.0, Difficulty.standard: 1.5, Difficulty.advanced: 2.0}
# (strong_yes, yes, lean_no) overall-score thresholds: a senior role asks more of the
# same answers than a junior one.
_RECOMMENDATION_THRESHOLDS = {
    "junior": (70, 55, 40),
    "mid": (75, 60, 45),
    "senior": (80, 66, 50),
    "lead": (84, 70, 54),
    "principal": (87, 73, 57),
}


@dataclass(frozen=True)
class AnswerRecord:
    """A candidate answer as stored: its text and the evaluation in its metadata."""

    message_id: str
    text: str
    evaluation: dict[str, Any]


class SkillResult(BaseModel):
    skill_id: str
    skill_name: str
    source: str
    level: Level
    score: float | None
    questions: int
    evidence: list[dict[str, Any]]
    missed_points: list[str]
    boundary: dict[str, Any] | None = None


class ResultsData(BaseModel):
    overall_score: float
    skill_results: list[SkillResult]
    strengths: list[str]
    growth_areas: list[dict[str, Any]]
    insufficient_evidence: list[str]
    recommendation: str
    integrity_flags: list[dict[str, Any]]


def quote_from(text: str, phrases: list[str]) -> str:
    """The candidate's own words: one continuous stretch of the answer, at most
    QUOTE_CHARS long, starting at the sentence of the first matched key point."""
    flat = text.strip()
    lowered = flat.lower()
    hits = [lowered.find(p.lower()) for p in phrases if p]
    anchor = min((h for h in hits if h >= 0), default=0)
    start = max(flat.rfind(mark, 0, anchor) for mark in (". ", "! ", "? ", "\n")) + 1
    if anchor - start > QUOTE_CHARS // 2:
        # A very long sentence: start a little before the matched words instead.
        start = flat.rfind(" ", 0, anchor - 40) + 1
    quote = flat[start:].lstrip()
    if len(quote) > QUOTE_CHARS:
        cut = quote.rfind(" ", 0, QUOTE_CHARS - 1)
        quote = quote[: cut if cut > 0 else QUOTE_CHARS - 1].rstrip() + "…"
    return quote


def _skill_score(skill: SkillState) -> float | None:
    if not skill.answers:
        return None
    total = sum(_DIFFICULTY_WEIGHT[a.difficulty] * a.score for a in skill.answers)
    weight = sum(_DIFFICULTY_WEIGHT[a.difficulty] for a in skill.answers)
    return round(100 * total / weight, 1)


def recommend(overall: float, experience_level: str | None) -> str:
    strong_yes, yes, lean_no = _RECOMMENDATION_THRESHOLDS.get(
        experience_level or "mid", _RECOMMENDATION_THRESHOLDS["mid"]
    )
    if overall >= strong_yes:
        return "strong_yes"
    if overall >= yes:
        return "yes"
    if overall >= lean_no:
        return "lean_no"
    return "no"


def build_results(
    state: EngineState, answers: dict[str, AnswerRecord], experience_level: str | None
) -> ResultsData:
    skill_results: list[SkillResult] = []
    for planned in state.skill_plan:
        skill = state.skill_levels.get(planned.id, SkillState())
        evidence: list[dict[str, Any]] = []
        covered: set[str] = set()
        missed: list[str] = []
        for answer in sorted(skill.answers, key=lambda a: a.score, reverse=True):
            record = answers.get(answer.message_id)
            if record is None:
                continue
            covered.update(record.evaluation.get("key_points_covered", []))
            for point in record.evaluation.get("key_points_missed", []):
                if point not in missed:
                    missed.append(point)
            if len(evidence) < MAX_QUOTES_PER_SKILL and record.text.strip():
                evidence.append(
                    {
                        "message_id": answer.message_id,
                        "quote": quote_from(
                            record.text, record.evaluation.get("matched_phrases", [])
                        ),
                        "score": round(answer.score, 3),
                        "difficulty": answer.difficulty.value,
                    }
                )
        boundary = next((b for b in state.boundary_detections if b["skill_id"] == planned.id), None)
        skill_results.append(
            SkillResult(
                skill_id=planned.id,
                skill_name=planned.name,
                source=planned.source,
                level=skill.level if skill.answers else Level.not_assessed,
                score=_skill_score(skill),
                questions=len(skill.answers),
                evidence=evidence,
                missed_points=[p for p in missed if p not in covered],
                boundary=boundary,
            )
        )

    assessed = [r for r in skill_results if r.score is not None]
    overall = round(sum(r.score or 0 for r in assessed) / len(assessed), 1) if assessed else 0.0
    strengths = [
        f"{r.skill_name}: {r.level.value} level"
        + (f', e.g. "{r.evidence[0]["quote"]}"' if r.evidence else "")
        for r in assessed
        if (r.score or 0) >= STRONG * 100
    ]
    growth_areas = [
        {
            "skill_id": r.skill_id,
            "skill_name": r.skill_name,
            "level": r.level.value,
            "suggestion": _suggestion(r),
        }
        for r in assessed
        if (r.score or 0) < 60 or r.boundary is not None
    ]
    flags = [
        {"message_id": message_id, "flag": flag}
        for message_id, record in answers.items()
        for flag in record.evaluation.get("integrity_flags", [])
    ]
    return ResultsData(
        overall_score=overall,
        skill_results=skill_results,
        strengths=strengths,
        growth_areas=growth_areas,
        insufficient_evidence=[r.skill_name for r in skill_results if r.score is None],
        recommendation=recommend(overall, experience_level),
        integrity_flags=flags,
    )


def _suggestion(result: SkillResult) -> str:
    if result.missed_points:
        points = "; ".join(result.missed_points[:3])
        return (
            f"Study and practise explaining these {result.skill_name} points with a concrete "
            f"example from your own work: {points}."
        )
    return (
        f"Go deeper on {result.skill_name}: prepare two real examples that show the "
        "problem, what you did, the trade-offs you weighed and the measurable result."
    )

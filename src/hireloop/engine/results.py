"""Evidence-backed results from the verdicts on each answer (SPEC §5 "Results").

Scores and levels come only from stored verdicts. A skill's evidence is the clauses that
stated its claims (each quoted verbatim with its message id); a skill with nothing
credited has no quote and is ``not_assessed`` ("insufficient evidence"), never a level.
The overall score is the mean over assessed skills only, shown with its coverage and a
confidence; when confidence is low the recommendation is ``needs_review``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field

from hireloop.engine.judge.verdict import EVALUATOR_VERSION, THRESHOLDS
from hireloop.engine.loop import level_for
from hireloop.engine.schema import Difficulty
from hireloop.engine.state import EngineState, Level, SkillState

QUOTE_CHARS = 200
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
# Long, on-topic answers with this few claims credited on average look like something
# the judge cannot read (unusual wording, another language): a human should look.
LONG_ANSWER_WORDS = 60
FEW_CLAIMS_PER_ANSWER = 0.75
GROWTH_BELOW = 60.0  # a skill scored under this (of 100) is a growth area

Confidence = Literal["high", "medium", "low"]


@dataclass(frozen=True)
class AnswerRecord:
    """A candidate answer as stored: its text and the verdict in its metadata."""

    message_id: str
    text: str
    evaluation: dict[str, Any]


class ClaimQuote(BaseModel):
    claim_id: str
    claim: str
    quote: str = Field(max_length=QUOTE_CHARS)
    message_id: str


class MisconceptionQuote(BaseModel):
    id: str
    text: str
    quote: str = Field(max_length=QUOTE_CHARS)
    message_id: str


class SkillResult(BaseModel):
    skill_id: str
    skill_name: str
    source: str
    level: Level
    score: float | None
    questions: int
    credited: list[ClaimQuote] = Field(default_factory=list)
    missed: list[str] = Field(default_factory=list)
    misconceptions: list[MisconceptionQuote] = Field(default_factory=list)
    confidence: Confidence = "low"
    boundary: dict[str, Any] | None = None


class Coverage(BaseModel):
    questions_asked: int
    questions_planned: int
    skills_assessed: int
    skills_planned: int

    def sentence(self) -> str:
        return (
            f"{self.questions_asked} of {self.questions_planned} planned questions; "
            f"{self.skills_assessed} of {self.skills_planned} skills assessed"
        )


class ResultsData(BaseModel):
    overall_score: float
    skill_results: list[SkillResult]
    strengths: list[str]
    growth_areas: list[dict[str, Any]]
    insufficient_evidence: list[str]
    recommendation: str
    integrity_flags: list[dict[str, Any]]
    coverage: Coverage
    confidence: Confidence
    review_reasons: list[str] = Field(default_factory=list)
    evaluator_version: str = EVALUATOR_VERSION
    # How many answers each judge decided ("builtin", or "model" for checked verdicts).
    judged_by: dict[str, int] = Field(default_factory=dict)


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


def _legacy_quote(text: str, phrases: list[str]) -> str:
    """Evaluations made before claims (no evaluator_version) name matched phrases, not
    clauses: quote the sentence around the first one, verbatim."""
    flat = text.strip()
    hits = [flat.lower().find(p.lower()) for p in phrases if p]
    anchor = min((h for h in hits if h >= 0), default=0)
    start = max(flat.rfind(mark, 0, anchor) for mark in (". ", "! ", "? ", "\n")) + 1
    return flat[start : start + QUOTE_CHARS].strip()


def _claims_of(record: AnswerRecord) -> list[ClaimQuote]:
    evaluation = record.evaluation
    if "evaluator_version" not in evaluation:
        points = evaluation.get("key_points_covered", [])
        if not points or not record.text.strip():
            return []
        quote = _legacy_quote(record.text, evaluation.get("matched_phrases", []))
        return [
            ClaimQuote(claim_id=p, claim=p, quote=quote, message_id=record.message_id)
            for p in points
        ]
    return [
        ClaimQuote(
            claim_id=item["id"],
            claim=item["text"],
            quote=item["quote"],
            message_id=item.get("message_id") or record.message_id,
        )
        for item in evaluation.get("credited", [])
    ]


def _misconceptions_of(record: AnswerRecord) -> list[MisconceptionQuote]:
    return [
        MisconceptionQuote(
            id=item["id"],
            text=item["text"],
            quote=item["quote"],
            message_id=item.get("message_id") or record.message_id,
        )
        for item in record.evaluation.get("misconceptions", [])
    ]


def _skill_score(skill: SkillState) -> float | None:
    if not skill.answers:
        return None
    total = sum(_DIFFICULTY_WEIGHT[a.difficulty] * a.score for a in skill.answers)
    weight = sum(_DIFFICULTY_WEIGHT[a.difficulty] for a in skill.answers)
    return round(100 * total / weight, 1)


_LEVEL_ORDER = list(Level)


def _skill_level(skill: SkillState, score: float) -> Level:
    """The highest level an answer demonstrated, never above what the score supports."""
    best = Level.novice
    for answer in skill.answers:
        shown = level_for(answer.difficulty, answer.score)
        if _LEVEL_ORDER.index(shown) > _LEVEL_ORDER.index(best):
            best = shown
    if score < 100 * THRESHOLDS.passing:
        return Level.novice
    if score < 100 * THRESHOLDS.strong and best in (Level.proficient, Level.expert):
        return Level.proficient if best is Level.expert else Level.intermediate
    return best


def _skill_confidence(questions: int, credited: int, flagged: bool) -> Confidence:
    if flagged or credited == 0:
        return "low"
    if questions >= 2 and credited >= 3:
        return "high"
    return "medium"


def build_results(
    state: EngineState,
    answers: dict[str, AnswerRecord],
    experience_level: str | None,
    *,
    planned_questions: int,
    min_questions: int,
) -> ResultsData:
    """The results of an interview from its engine state and its stored verdicts.

    Args:
        planned_questions: The most questions the interview could have asked.
        min_questions: Fewer answers than this means the interview ended early.
    """
    flagged_messages = {
        message_id
        for message_id, record in answers.items()
        if record.evaluation.get("integrity_flags")
    }
    skill_results: list[SkillResult] = []
    for planned in state.skill_plan:
        skill = state.skill_levels.get(planned.id, SkillState())
        credited: dict[str, ClaimQuote] = {}
        missed: list[str] = []
        wrong: dict[str, MisconceptionQuote] = {}
        for answer in skill.answers:
            record = answers.get(answer.message_id)
            if record is None:
                continue
            for claim in _claims_of(record):
                credited.setdefault(claim.claim_id, claim)
            for mistake in _misconceptions_of(record):
                wrong.setdefault(mistake.id, mistake)
            missed.extend(record.evaluation.get("key_points_missed", []))
        credited_texts = {c.claim for c in credited.values()}
        missed = [m for m in dict.fromkeys(missed) if m not in credited_texts]
        score = _skill_score(skill) if credited else None
        flagged = any(a.message_id in flagged_messages for a in skill.answers)
        skill_results.append(
            SkillResult(
                skill_id=planned.id,
                skill_name=planned.name,
                source=planned.source,
                level=_skill_level(skill, score) if score is not None else Level.not_assessed,
                score=score,
                questions=len(skill.answers),
                credited=list(credited.values()),
                missed=missed,
                misconceptions=list(wrong.values()),
                confidence=_skill_confidence(len(skill.answers), len(credited), flagged),
                boundary=next(
                    (b for b in state.boundary_detections if b["skill_id"] == planned.id), None
                ),
            )
        )

    assessed = [r for r in skill_results if r.score is not None]
    overall = round(sum(r.score or 0 for r in assessed) / len(assessed), 1) if assessed else 0.0
    coverage = Coverage(  # a question counts once it is answered
        questions_asked=len(answers),
        questions_planned=max(planned_questions, len(answers)),
        skills_assessed=len(assessed),
        skills_planned=len(state.skill_plan),
    )
    reasons = _review_reasons(answers, coverage, min_questions)
    confidence: Confidence = (
        "low"
        if reasons
        else ("high" if all(r.confidence == "high" for r in assessed) else "medium")
    )
    flags = [
        {"message_id": message_id, "flag": flag}
        for message_id, record in answers.items()
        for flag in record.evaluation.get("integrity_flags", [])
    ]
    judged_by: dict[str, int] = {}
    for record in answers.values():
        judge = "builtin" if record.evaluation.get("judge", "builtin") == "builtin" else "openai"
        judged_by[judge] = judged_by.get(judge, 0) + 1
    return ResultsData(
        judged_by=judged_by,
        overall_score=overall,
        skill_results=skill_results,
        strengths=[_strength(r) for r in assessed if (r.score or 0) >= 100 * THRESHOLDS.strong],
        growth_areas=[
            {
                "skill_id": r.skill_id,
                "skill_name": r.skill_name,
                "level": r.level.value,
                "suggestion": _suggestion(r),
            }
            for r in skill_results
            if r.score is None or r.score < GROWTH_BELOW or r.misconceptions
        ],
        insufficient_evidence=[r.skill_name for r in skill_results if r.score is None],
        recommendation="needs_review" if reasons else recommend(overall, experience_level),
        integrity_flags=flags,
        coverage=coverage,
        confidence=confidence,
        review_reasons=reasons,
    )


def _review_reasons(
    answers: dict[str, AnswerRecord], coverage: Coverage, min_questions: int
) -> list[str]:
    """Why a human should review these results before trusting the score (none: fine)."""
    reasons: list[str] = []
    if len(answers) < min_questions:
        reasons.append(f"ended early: {coverage.sentence()}")
    if coverage.skills_assessed * 2 < coverage.skills_planned:
        reasons.append(
            f"most skills not assessed: {coverage.skills_assessed} of {coverage.skills_planned}"
        )
    long_answers = [
        r for r in answers.values() if r.evaluation.get("word_count", 0) >= LONG_ANSWER_WORDS
    ]
    if long_answers and len(long_answers) * 2 >= len(answers):
        claims = sum(len(r.evaluation.get("credited", [])) for r in long_answers)
        if claims < FEW_CLAIMS_PER_ANSWER * len(long_answers):
            reasons.append("long answers with little the judge could credit")
    return reasons


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _strength(result: SkillResult) -> str:
    """One sentence on what the answers showed; the claims and quotes themselves are
    listed once, under the skill's evidence, not repeated here."""
    made = len(result.credited)
    points = (
        f"all {made} points"
        if not result.missed
        else f"{made} of the {made + len(result.missed)} points"
    )
    wrong = len(result.misconceptions)
    caveat = (
        "with no misconceptions"
        if not wrong
        else "though they also stated "
        + ("a common misconception" if wrong == 1 else f"{wrong} common misconceptions")
    )
    return (
        f"{result.skill_name}: {result.level.value} level. Across "
        f"{_plural(result.questions, 'question')} the answers made {points} the questions "
        f"looked for, {caveat}."
    )


def _suggestion(result: SkillResult) -> str:
    if result.misconceptions:
        wrong = result.misconceptions[0].text.rstrip(".")
        return (
            f'Revisit {result.skill_name}: the interview heard "{wrong}", which is not '
            "right. Check how it really works and practise explaining it with an example."
        )
    if result.score is None:
        return (
            f"There was not enough evidence on {result.skill_name}. Prepare to explain its key "
            "ideas in your own words, with one real example of using them."
        )
    if result.missed:
        points = "; ".join(m.rstrip(".") for m in result.missed[:3])
        return (
            f"Practise explaining these {result.skill_name} points with a concrete example "
            f"from your own work: {points}."
        )
    return (
        f"Go deeper on {result.skill_name}: prepare two real examples that show the "
        "problem, what you did, the trade-offs you weighed and the measurable result."
    )

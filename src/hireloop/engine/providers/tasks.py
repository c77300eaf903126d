"""What a language model is asked, and how its replies are checked.

Each task has a chat (the SPEC §5 system prompt plus a task message from
``engine/prompts/task_*.md``), a JSON schema for structured output and a parser that
turns the reply into our values or raises :class:`InvalidOutput`. Candidate text and job
text are embedded as JSON strings inside tags, with angle brackets escaped, so they
cannot close their data block; and the engine's own guards (prompt-injection detection,
score range, signal consistency) apply whatever the model says.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from string import Template
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hireloop.engine.evaluator import (
    PROMPT_INJECTION,
    AnswerEvaluation,
    Signal,
    detect_prompt_injection,
)
from hireloop.engine.knowledge import get_knowledge
from hireloop.engine.prompts import PROMPTS_DIR, PromptState, build_system_prompt
from hireloop.engine.providers.base import (
    EvaluationRequest,
    InterviewContext,
    QuestionDraft,
    QuestionRequest,
    SummaryDraft,
    SummaryRequest,
)

STRONG = 0.7
WEAK = 0.4
# Scores a hair outside 0..1 (rounding) are clamped; anything further (a 7.5 on a 0-10
# scale) means the model misread the schema, so the reply is rejected.
SCORE_TOLERANCE = 0.05
MAX_QUESTION_CHARS = 1200
MAX_SUMMARY_CHARS = 500

ChatMessages = list[dict[str, str]]


class InvalidOutput(ValueError):
    """The model replied, but not with what the task's schema allows."""


@dataclass(frozen=True)
class Task:
    name: str
    schema: dict[str, Any]


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    # Strict structured outputs need every property required and no extra ones.
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


QUESTION_TASK = Task("question", _object({"question": {"type": "string"}}))
EVALUATION_TASK = Task(
    "evaluation",
    _object(
        {
            "score": {"type": "number", "description": "0 to 1"},
            "covered_points": {"type": "array", "items": {"type": "integer"}},
            "signal": {"type": "string", "enum": [s.value for s in Signal]},
            "evidence_quote": {"type": "string"},
            "instruction_attempt": {"type": "boolean"},
        }
    ),
)
SUMMARY_TASK = Task(
    "summary",
    _object(
        {
            "strengths": {
                "type": "array",
                "items": _object({"skill_id": {"type": "string"}, "text": {"type": "string"}}),
            },
            "growth_areas": {
                "type": "array",
                "items": _object(
                    {"skill_id": {"type": "string"}, "suggestion": {"type": "string"}}
                ),
            },
        }
    ),
)


# -- building the chat ----------------------------------------------------------------


@cache
def _template(name: str) -> Template:
    return Template((PROMPTS_DIR / f"task_{name}.md").read_text(encoding="utf-8"))


def as_data(value: object) -> str:
    """JSON with ``<`` and ``>`` escaped: text that cannot close the tag it sits in."""
    dumped = json.dumps(value, ensure_ascii=False)
    return dumped.replace("<", "\\u003c").replace(">", "\\u003e")


def _system(context: InterviewContext, skill_name: str) -> str:
    state = PromptState(
        phase=context.phase,
        skill_name=skill_name,
        question_number=context.question_number,
        max_questions=context.max_questions,
    )
    return build_system_prompt(get_knowledge(), context.role_type, state, context.job)


def _numbered(points: list[str]) -> str:
    return "\n".join(f"{i}. {point}" for i, point in enumerate(points, start=1))


def question_chat(request: QuestionRequest) -> ChatMessages:
    transcript = [{"speaker": e.speaker, "text": e.text} for e in request.recent_transcript]
    followup = (
        "This is a follow-up: the candidate's last answer was vague. Ask them to expand on "
        "the same point with something concrete."
        if request.is_followup
        else ""
    )
    task = _template("question").substitute(
        question_number=request.context.question_number,
        skill_name=request.skill_name,
        difficulty=request.difficulty.value,
        followup_line=followup,
        reference=as_data(request.reference),
        key_points=_numbered(request.key_points),
        job_clause=" and the job" if request.context.job else "",
        transcript="\n".join(as_data(entry) for entry in transcript) or "(none yet)",
    )
    return [
        {"role": "system", "content": _system(request.context, request.skill_name)},
        {"role": "user", "content": task},
    ]


def evaluation_chat(request: EvaluationRequest) -> ChatMessages:
    original = request.original_answer
    task = _template("evaluation").substitute(
        skill_name=request.skill_name,
        difficulty=request.difficulty.value,
        asked=as_data(request.asked_text),
        key_points=_numbered([k.point for k in request.question.key_points]),
        followup_note=(
            "- This answer replies to a follow-up after a vague first answer: evaluate the "
            "first answer and the follow-up answer together, as one.\n"
            if original is not None
            else ""
        ),
        original_block=(
            "" if original is None else f"<first_answer>\n{as_data(original)}\n</first_answer>\n"
        ),
        answer=as_data(request.answer),
    )
    return [
        {"role": "system", "content": _system(request.context, request.skill_name)},
        {"role": "user", "content": task},
    ]


def summary_chat(request: SummaryRequest) -> ChatMessages:
    skills = {
        "strengths": [s.model_dump() for s in request.strengths],
        "growth_areas": [s.model_dump() for s in request.growth_areas],
    }
    task = _template("summary").substitute(skills=as_data(skills))
    return [
        {"role": "system", "content": _system(request.context, "all assessed skills")},
        {"role": "user", "content": task},
    ]


# -- reading the reply ----------------------------------------------------------------

_FENCE = re.compile(r"```[a-zA-Z]*\s*(.*?)```", re.DOTALL)


def extract_json(text: str | None) -> Any:
    """The JSON object in a reply: bare, inside a code fence, or amid prose."""
    if not text or not text.strip():
        raise InvalidOutput("empty reply")
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    decoder = json.JSONDecoder()
    for candidate in candidates:
        candidate = candidate.strip()
        try:
            return json.loads(candidate)
        except json.JSONDecodeError:
            pass
        start = candidate.find("{")
        while start != -1:
            try:
                value, _end = decoder.raw_decode(candidate, start)
                return value
            except json.JSONDecodeError:
                start = candidate.find("{", start + 1)
    raise InvalidOutput(f"no JSON object in the reply: {text[:80]!r}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=False)


class _QuestionOut(_Strict):
    question: str


class _EvaluationOut(_Strict):
    score: float
    covered_points: list[int] = Field(default_factory=list)
    signal: Signal
    evidence_quote: str = ""
    instruction_attempt: bool = False


class _StrengthOut(_Strict):
    skill_id: str
    text: str


class _GrowthOut(_Strict):
    skill_id: str
    suggestion: str


class _SummaryOut(_Strict):
    strengths: list[_StrengthOut] = Field(default_factory=list)
    growth_areas: list[_GrowthOut] = Field(default_factory=list)


def _validated(model: type[_Strict], text: str | None) -> Any:
    data = extract_json(text)
    if not isinstance(data, dict):
        raise InvalidOutput("the reply is not a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InvalidOutput(f"schema violation: {error.errors()[0]['msg']}") from error


def parse_question(text: str | None) -> QuestionDraft:
    out: _QuestionOut = _validated(_QuestionOut, text)
    question = " ".join(out.question.split())
    if len(question) < 10 or len(question) > MAX_QUESTION_CHARS:
        raise InvalidOutput(f"question length {len(question)} is out of range")
    return QuestionDraft(text=question)


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


def _verbatim(quote: str, sources: list[str]) -> str | None:
    """The quote, if it really is the candidate's words (case and spacing aside)."""
    wanted = " ".join(quote.lower().split()).strip(" .\"'")
    if len(wanted) < 3:
        return None
    for source in sources:
        flat = " ".join(source.split())
        index = flat.lower().find(wanted)
        if index >= 0:
            return flat[index : index + len(wanted)]
    return None


def _consistent_signal(score: float, signal: Signal) -> Signal:
    """The loop reads score and signal together; a contradictory pair follows the score."""
    if score >= STRONG:
        return Signal.strong
    if score >= WEAK:
        return signal if signal in (Signal.adequate, Signal.vague) else Signal.adequate
    return signal if signal in (Signal.vague, Signal.weak, Signal.off_topic) else Signal.weak


def parse_evaluation(text: str | None, request: EvaluationRequest) -> AnswerEvaluation:
    out: _EvaluationOut = _validated(_EvaluationOut, text)
    if not -SCORE_TOLERANCE <= out.score <= 1 + SCORE_TOLERANCE:
        raise InvalidOutput(f"score {out.score} is outside 0..1")
    points = [k.point for k in request.question.key_points]
    if any(not 1 <= n <= len(points) for n in out.covered_points):
        raise InvalidOutput(f"covered_points {out.covered_points} name unknown key points")
    answers = [a for a in (request.original_answer, request.answer) if a is not None]
    words = sum(word_count(a) for a in answers)
    covered = sorted(set(out.covered_points))
    score = min(1.0, max(0.0, out.score))
    signal = _consistent_signal(score, out.signal)
    flags: list[str] = []
    # Our guard, not the model's judgement, decides that instructions earn nothing.
    if out.instruction_attempt or any(detect_prompt_injection(a) for a in answers):
        return AnswerEvaluation(
            score=0.0,
            key_points_covered=[],
            key_points_missed=points,
            signal=Signal.off_topic,
            word_count=words,
            integrity_flags=[PROMPT_INJECTION],
        )
    if words == 0:
        score, signal, covered = 0.0, Signal.weak, []
    quote = _verbatim(out.evidence_quote, answers) if out.evidence_quote else None
    return AnswerEvaluation(
        score=round(score, 3),
        key_points_covered=[points[n - 1] for n in covered],
        key_points_missed=[p for i, p in enumerate(points, start=1) if i not in covered],
        signal=signal,
        word_count=words,
        integrity_flags=flags,
        matched_phrases=[quote] if quote else [],
    )


def _sentence(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) > MAX_SUMMARY_CHARS:
        flat = flat[: MAX_SUMMARY_CHARS - 1].rstrip() + "…"
    return flat


def parse_summary(text: str | None, request: SummaryRequest) -> SummaryDraft:
    out: _SummaryOut = _validated(_SummaryOut, text)
    strength_ids = {s.skill_id for s in request.strengths}
    growth_ids = {s.skill_id for s in request.growth_areas}
    # A skill the engine did not name is ignored: the model cannot add evidence.
    return SummaryDraft(
        strengths={
            s.skill_id: _sentence(s.text)
            for s in out.strengths
            if s.skill_id in strength_ids and s.text.strip()
        },
        growth_suggestions={
            g.skill_id: _sentence(g.suggestion)
            for g in out.growth_areas
            if g.skill_id in growth_ids and g.suggestion.strip()
        },
    )

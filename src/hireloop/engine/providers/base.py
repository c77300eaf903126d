"""The interviewer provider interface (SPEC §6): a Protocol with Pydantic inputs and outputs.

The adaptive loop decides the flow (skill, difficulty, follow-up, stop); a provider only
words the question the loop chose, evaluates an answer against that question's key
points, and may word the results summary. Every call returns a :class:`ProviderReply`
that says who answered (the model, or the built-in engine as a fallback) and what the
call used, so the interview can record it per message and per interview.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Generic, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from hireloop.config import ModelPrice
from hireloop.engine.judge.verdict import Verdict
from hireloop.engine.prompts import JobContext
from hireloop.engine.schema import Difficulty, Question

BUILTIN = "builtin"
OPENAI = "openai"

ValueT = TypeVar("ValueT", bound=BaseModel)


class _Input(BaseModel):
    model_config = ConfigDict(frozen=True)


class TranscriptEntry(_Input):
    speaker: Literal["interviewer", "candidate"]
    text: str


class ResumeSummary(_Input):
    """What the candidate's resume says, reduced to facts (never its free text)."""

    skills: list[str] = Field(default_factory=list)
    recent_titles: list[str] = Field(default_factory=list)
    years_of_experience: float | None = None


class PlanStep(_Input):
    skill_name: str
    status: Literal["done", "current", "pending"]


class InterviewContext(_Input):
    """What every call knows about the interview: role, optional job and resume, the skill
    plan and where the interview stands."""

    role_type: str
    job: JobContext | None = None
    resume: ResumeSummary | None = None
    plan: list[PlanStep] = Field(default_factory=list)
    phase: Difficulty = Difficulty.warmup
    question_number: int = Field(default=1, ge=1)
    max_questions: int = Field(default=15, ge=1)


class QuestionRequest(_Input):
    """Word the question the adaptive loop chose.

    ``reference`` is the knowledge-pack question's wording (or its follow-up) that the loop
    picked for this skill and difficulty; it fixes the intent, so a model may tailor the
    wording but not change what is assessed. ``question`` is that pack question: the
    model never sees its claims, and a worded question that states one is refused.
    """

    context: InterviewContext
    skill_name: str
    difficulty: Difficulty
    is_followup: bool = False
    reference: str
    question: Question | None = None
    recent_transcript: list[TranscriptEntry] = Field(default_factory=list)


class QuestionDraft(BaseModel):
    text: str = Field(min_length=10, max_length=1200)


class EvaluationRequest(_Input):
    """Evaluate one answer (with the answer it follows up, when it answers a follow-up)."""

    context: InterviewContext
    skill_name: str
    difficulty: Difficulty
    question: Question  # the knowledge-pack question: its claims are the rubric
    asked_text: str  # the question as the candidate saw it
    answer: str
    original_answer: str | None = None  # set when ``answer`` replies to a follow-up


class SkillSummary(_Input):
    skill_id: str
    skill_name: str
    level: str
    score: float
    missed_points: list[str]
    quotes: list[str]


class SummaryRequest(_Input):
    """Word the strengths and growth areas the engine already determined from evidence."""

    context: InterviewContext
    strengths: list[SkillSummary]
    growth_areas: list[SkillSummary]


class SummaryDraft(BaseModel):
    # skill_id -> wording; only skills from the request are ever used.
    strengths: dict[str, str] = Field(default_factory=dict)
    growth_suggestions: dict[str, str] = Field(default_factory=dict)


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    # False when a reply came without usage: its tokens (and so the cost) are unknown.
    known: bool = True

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            known=self.known and other.known,
        )


class ProviderReply(BaseModel, Generic[ValueT]):
    """A provider's answer plus the bookkeeping the interview records."""

    value: ValueT
    provider: str  # the configured provider
    model: str | None = None  # the model that was asked (None for the built-in engine)
    fallback: bool = False  # True: the built-in engine answered because the model failed
    fallback_reason: str | None = None
    attempts: int = 0  # calls made to the model (0 for the built-in engine)
    usage: Usage = Field(default_factory=Usage)  # includes failed attempts that were billed

    def metadata(self) -> dict[str, object]:
        """The per-message record: who answered, and why not the model if it did not."""
        meta: dict[str, object] = {
            "provider": self.provider,
            "model": self.model,
            "fallback": self.fallback,
            "fallback_reason": self.fallback_reason,
        }
        if self.provider != BUILTIN:
            meta["attempts"] = self.attempts
            meta["usage"] = {
                "prompt_tokens": self.usage.prompt_tokens,
                "completion_tokens": self.usage.completion_tokens,
                "known": self.usage.known,
            }
        return meta

    @property
    def answered_by(self) -> str:
        return BUILTIN if self.fallback else self.provider


class QuestionStream(Protocol):
    """Where a question goes as it is worded: ``show`` gets the question so far (it only
    grows, a word at a time), ``retract`` withdraws what was shown (the final text
    follows in the turn's result)."""

    async def show(self, text: str) -> None: ...

    async def retract(self) -> None: ...


class InterviewProvider(Protocol):
    """Words questions and evaluates answers; never raises for a model failure.

    ``deadline`` (a ``time.monotonic()`` instant) is when the turn's time budget runs
    out: a call still waiting for the model then gives way to the built-in engine.
    """

    @property
    def name(self) -> str: ...

    @property
    def model(self) -> str | None: ...

    async def word_question(
        self,
        request: QuestionRequest,
        *,
        deadline: float | None = None,
        stream: QuestionStream | None = None,
    ) -> ProviderReply[QuestionDraft]: ...

    async def evaluate(
        self, request: EvaluationRequest, *, deadline: float | None = None
    ) -> ProviderReply[Verdict]: ...

    async def summarize(
        self, request: SummaryRequest, *, deadline: float | None = None
    ) -> ProviderReply[SummaryDraft]: ...

    async def aclose(self) -> None: ...


def cost_usd(
    prices: dict[str, ModelPrice],
    model: str | None,
    prompt_tokens: int,
    completion_tokens: int,
    *,
    usage_known: bool = True,
) -> Decimal | None:
    """Dollars for the tokens at ``model``'s price; None when the model has no price or
    some call's usage is unknown (a server that does not report it)."""
    price = prices.get(model) if model else None
    if price is None or not usage_known:
        return None
    million = Decimal(1_000_000)
    total = (prompt_tokens * price.input + completion_tokens * price.output) / million
    return total.quantize(Decimal("0.000001"))

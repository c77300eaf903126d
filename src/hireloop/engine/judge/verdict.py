"""The verdict on one answer: the contract between every judge and the rest of the engine.

The thresholds live here and nowhere else: the adaptive loop, the results and the model
judge all read them from ``THRESHOLDS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, Field

# Stored on every evaluation, so results built later read each verdict the way it was made.
EVALUATOR_VERSION = "claims-1"

PROMPT_INJECTION = "prompt_injection"
# A language model judged that the answer addresses the grader, and the built-in checks
# found no instruction: a person should look, but the score stands on its verified quotes.
MODEL_SUSPECTS_INSTRUCTIONS = "model_suspects_instructions"
KEYWORD_STUFFING = "keyword_stuffing"


class Signal(StrEnum):
    strong = "strong"
    adequate = "adequate"
    vague = "vague"
    weak = "weak"
    off_topic = "off_topic"


@dataclass(frozen=True)
class Thresholds:
    strong: float = 0.7  # a strong answer: the skill climbs a rung
    passing: float = 0.4  # below this an answer is weak: the skill's boundary is recorded


THRESHOLDS = Thresholds()


class ClaimEvidence(BaseModel):
    """A claim the answer states, with the clause that states it (verbatim)."""

    id: str
    text: str
    quote: str = Field(max_length=200)
    # Which text the quote is from: 0 = this answer, 1 = the earlier answer it follows up.
    part: int = 0
    message_id: str | None = None  # filled in when the answer is stored


class MisconceptionFound(BaseModel):
    """A known wrong version of a claim that the answer asserts, with its quote."""

    id: str
    text: str
    contradicts: str
    quote: str = Field(max_length=200)
    part: int = 0
    message_id: str | None = None


class Verdict(BaseModel):
    """What a judge concluded about one answer (with its follow-up, when there was one)."""

    evaluator_version: str = EVALUATOR_VERSION
    score: float = Field(ge=0.0, le=1.0)
    signal: Signal
    word_count: int = Field(ge=0)
    key_points_covered: list[str] = Field(default_factory=list)  # claim statements
    key_points_missed: list[str] = Field(default_factory=list)
    credited: list[ClaimEvidence] = Field(default_factory=list)
    misconceptions: list[MisconceptionFound] = Field(default_factory=list)
    integrity_flags: list[str] = Field(default_factory=list)
    judge: str = "builtin"  # "builtin", or "model" for a model's verdict the server checked

    @property
    def passed(self) -> bool:
        return self.score >= THRESHOLDS.passing

    def for_messages(self, answer_id: str, earlier_id: str | None) -> Verdict:
        """The verdict with each quote's message id: this answer's, or (part 1) the
        earlier answer's that a follow-up answer was judged together with."""

        def message(part: int) -> str:
            return earlier_id if part == 1 and earlier_id is not None else answer_id

        return self.model_copy(
            update={
                "credited": [
                    c.model_copy(update={"message_id": message(c.part)}) for c in self.credited
                ],
                "misconceptions": [
                    m.model_copy(update={"message_id": message(m.part)})
                    for m in self.misconceptions
                ],
            }
        )

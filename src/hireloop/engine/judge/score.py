"""From what a judge found in an answer to the verdict: one scoring rule for every judge.

The score is the share of the question's claims credited (``claims_for_full_marks`` of
them earn full marks), less a penalty per misconception, capped for answers that cannot
be strong (very short ones) or cannot pass (term lists). Nothing else earns points: not
length, not jargon, not the grader's own opinion.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hireloop.engine.judge.verdict import (
    KEYWORD_STUFFING,
    MODEL_SUSPECTS_INSTRUCTIONS,
    PROMPT_INJECTION,
    THRESHOLDS,
    ClaimEvidence,
    MisconceptionFound,
    Signal,
    Verdict,
)
from hireloop.engine.schema import Question

MISCONCEPTION_PENALTY = 0.2
STUFFING_CAP = 0.3  # below the pass line: a term list never passes
SHORT_WORDS, SHORT_CAP = 8, 0.35  # a few words cannot pass
BRIEF_WORDS, BRIEF_CAP = 15, 0.65  # a sentence or two cannot be strong
VAGUE_WORDS = 30  # an on-topic answer shorter than this with little credited is vague


@dataclass
class Findings:
    """What a judge found, before scoring."""

    word_count: int = 0
    credited: dict[str, ClaimEvidence] = field(default_factory=dict)
    misconceptions: dict[str, MisconceptionFound] = field(default_factory=dict)
    injection: bool = False
    model_suspects_instructions: bool = False  # the model said so; unverified, so only a flag
    nothing_to_judge: bool = False  # empty, gibberish or only punctuation
    stuffing: bool = False
    admits_not_knowing: bool = False
    on_topic: bool = True
    judge: str = "builtin"


def score(question: Question, found: Findings) -> Verdict:
    claims = question.claims
    voided = {m.contradicts for m in found.misconceptions.values()}
    credited = [
        found.credited[c.id] for c in claims if c.id in found.credited and c.id not in voided
    ]
    credited_ids = {e.id for e in credited}
    flags: list[str] = []

    def verdict(value: float, signal: Signal) -> Verdict:
        return Verdict(
            score=round(min(1.0, max(0.0, value)), 3),
            signal=signal,
            word_count=found.word_count,
            key_points_covered=[c.text for c in claims if c.id in credited_ids],
            key_points_missed=[c.text for c in claims if c.id not in credited_ids],
            credited=credited,
            misconceptions=list(found.misconceptions.values()),
            integrity_flags=flags,
            judge=found.judge,
        )

    if found.injection:
        flags.append(PROMPT_INJECTION)
        credited = []
        credited_ids = set()
        return verdict(0.0, Signal.off_topic)
    if found.model_suspects_instructions:
        flags.append(MODEL_SUSPECTS_INSTRUCTIONS)
    if found.nothing_to_judge:
        return verdict(0.0, Signal.off_topic if found.word_count else Signal.weak)

    value = min(1.0, len(credited) / question.claims_for_full_marks)
    value -= MISCONCEPTION_PENALTY * len(found.misconceptions)
    if found.stuffing:
        flags.append(KEYWORD_STUFFING)
        value = min(value, STUFFING_CAP)
    if found.word_count < SHORT_WORDS:
        value = min(value, SHORT_CAP)
    elif found.word_count < BRIEF_WORDS:
        value = min(value, BRIEF_CAP)
    value = max(0.0, value)

    if value >= THRESHOLDS.strong:
        signal = Signal.strong
    elif value >= THRESHOLDS.passing:
        signal = Signal.adequate
    elif found.stuffing:
        signal = Signal.vague  # names the terms without explaining them: ask for more
    elif not credited and not found.misconceptions and not found.on_topic:
        signal = Signal.off_topic
    elif found.admits_not_knowing or found.misconceptions:
        signal = Signal.weak
    elif found.word_count < VAGUE_WORDS or not credited:
        signal = Signal.vague
    else:
        signal = Signal.weak
    return verdict(value, signal)

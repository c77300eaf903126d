"""The built-in answer evaluator: offline, deterministic, fast (SPEC §5 "Answer evaluation").

An answer covers a key point when it contains any of the point's phrasings, compared as
lower-cased, lightly stemmed tokens (multi-word phrasings as consecutive tokens). The score
is the covered share of key points plus a small bonus for specifics, shaped by guards
against answers that should earn nothing: empty text, gibberish, echoes of the question,
off-topic text, bare keyword lists and text that tries to instruct the grader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from pydantic import BaseModel, Field

# detect_prompt_injection is re-exported: callers check answers the same way.
from hireloop.engine.injection import detect_prompt_injection as detect_prompt_injection
from hireloop.engine.injection import injection_text
from hireloop.engine.schema import Question
from hireloop.engine.textmatch import (
    STOPWORDS,
    Token,
    content_stems,
    find_phrase,
    fold,
    is_gibberish,
    phrase_variants,
    stem,
    tokenize,
)

STRONG = 0.7
ADEQUATE = 0.4
SHORT_WORDS = 8  # fewer words than this is a "very short" answer
BRIEF_WORDS = 15  # fewer than this cannot be strong, however many terms it names
VAGUE_WORDS = 25  # a low-coverage answer shorter than this is vague rather than weak
SHORT_CAP = 0.3
BRIEF_CAP = 0.65
STUFFING_CAP = 0.45
NOTES_CAP = 0.65
# Share of function words ("the", "is", "because"...): natural sentences have 30-50%, terse
# notes about 10%, a bare list of terms almost none.
LIST_RATIO = 0.08
NOTES_RATIO = 0.15
SPECIFIC_BONUS = 0.04  # per kind of specific (number, example, named tool)
MAX_SPECIFIC_BONUS = 0.12

PROMPT_INJECTION = "prompt_injection"
KEYWORD_STUFFING = "keyword_stuffing"


class Signal(StrEnum):
    strong = "strong"
    adequate = "adequate"
    vague = "vague"
    weak = "weak"
    off_topic = "off_topic"


class AnswerEvaluation(BaseModel):
    score: float = Field(ge=0.0, le=1.0)
    key_points_covered: list[str]
    key_points_missed: list[str]
    signal: Signal
    word_count: int = Field(ge=0)
    integrity_flags: list[str] = Field(default_factory=list)
    # The answer's own words that matched a phrasing, one per covered point (evidence).
    matched_phrases: list[str] = Field(default_factory=list)


# -- tokens and stems ------------------------------------------------------------------


# -- per-question reference data ---------------------------------------------------------


@dataclass(frozen=True)
class _Reference:
    points: tuple[str, ...]
    # Per key point, per phrasing: its stem sequences, and whether the question says it.
    phrasings: tuple[tuple[tuple[tuple[tuple[str, ...], ...], bool], ...], ...]
    question_stems: frozenset[str]
    followup_stems: frozenset[str]
    topic_stems: frozenset[str]


@lru_cache(maxsize=2048)
def _reference(
    text: str, followup: str, key_points: tuple[tuple[str, tuple[str, ...]], ...]
) -> _Reference:
    question_seq = [t.stem for t in tokenize(text) if not t.boundary and not t.article]
    topic = set(content_stems(tokenize(text))) | set(content_stems(tokenize(followup)))
    phrasings: list[tuple[tuple[tuple[tuple[str, ...], ...], bool], ...]] = []
    for point, raw_phrasings in key_points:
        topic.update(content_stems(tokenize(point)))
        entries = []
        for phrasing in raw_phrasings:
            variants = phrase_variants(phrasing)
            if not variants:
                continue
            topic.update(s for s in variants[0] if s not in STOPWORDS)
            in_question = find_phrase(question_seq, variants[0]) is not None
            entries.append((variants, in_question))
        phrasings.append(tuple(entries))
    return _Reference(
        points=tuple(point for point, _ in key_points),
        phrasings=tuple(phrasings),
        question_stems=frozenset(content_stems(tokenize(text))),
        followup_stems=frozenset(content_stems(tokenize(followup))),
        topic_stems=frozenset(topic),
    )


def _reference_for(question: Question) -> _Reference:
    key_points = tuple((kp.point, tuple(kp.phrasings)) for kp in question.key_points)
    return _reference(question.text, question.followup, key_points)


# -- analysing one piece of text -------------------------------------------------------

_EXAMPLE_MARKERS = re.compile(
    r"\b(?:for example|for instance|e\.?g\.?|such as|in particular|specifically|"
    r"(?:in|at|on) (?:my|our|a) (?:last|previous|current|former) (?:job|role|project|team|company|"
    r"employer|position)|in production|we had|we used|i built|i wrote|i implemented|i set up|"
    r"i led|last (?:year|quarter|month|week)|one time)\b"
)
_NUMBER_WORDS = frozenset(
    {"hundred", "thousand", "million", "billion", "dozen", "twice", "double", "half", "percent"}
)
# Capitalised or mixed-case names (Kafka, PostgreSQL, AWS) that do not start a sentence.
_NAMED = re.compile(r"\b(?:[A-Z][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9]*|[A-Z][a-z]{2,}|[a-z]+[A-Z]\w*)\b")
_UNKNOWN = re.compile(
    r"\b(?:i (?:do not|dont|don't) know|no idea|not sure|no clue|never (?:used|worked|heard|"
    r"done)|(?:have not|haven't|havent) (?:used|worked|done)|no experience|not familiar|"
    r"(?:can't|cant|cannot|don't|dont) remember|pass on this|idk|dunno)\b"
)


@dataclass
class _Part:
    """What one answer text contributes."""

    word_count: int = 0
    empty: bool = True
    injection: bool = False
    gibberish: bool = False
    echo: bool = False
    admits_unknown: bool = False
    tokens: int = 0
    function_words: int = 0
    content: list[str] = field(default_factory=list)
    novel: set[str] = field(default_factory=set)
    specifics: set[str] = field(default_factory=set)
    covered: dict[int, str] = field(default_factory=dict)

    @property
    def counts(self) -> bool:
        return not (self.empty or self.gibberish or self.echo or self.injection)


_NOT_NAMES = frozenset({"OK", "TL", "DR", "ASAP", "FYI", "IMO", "ETC", "YES", "NO"})


def _specifics(text: str, tokens: list[Token], question_stems: frozenset[str]) -> set[str]:
    kinds: set[str] = set()
    if any(any(c.isdigit() for c in t.stem) or t.raw in _NUMBER_WORDS for t in tokens):
        kinds.add("number")
    if _EXAMPLE_MARKERS.search(text.lower()):
        kinds.add("example")
    named = False
    for m in _NAMED.finditer(text):
        if m[0] in _NOT_NAMES or stem(m[0].lower()) in question_stems:
            continue  # naming the question's own subject is not a specific
        j = m.start() - 1
        while j >= 0 and text[j] in " \t\"'(":
            j -= 1
        if j >= 0 and text[j] not in ".!?:;\n":
            named = True
            break
    if named or any(("#" in t.raw or "+" in t.raw) for t in tokens):
        kinds.add("named")
    return kinds


def _analyse(text: str, ref: _Reference, echo_of: frozenset[str]) -> _Part:
    part = _Part()
    tokens = tokenize(text)
    words = [t for t in tokens if not t.boundary]
    part.word_count = sum(1 for w in text.split() if any(c.isalnum() for c in w))
    if not text.strip():
        return part
    part.empty = False
    if not words:
        part.gibberish = True  # punctuation or symbols only
        return part
    if detect_prompt_injection(text):
        part.injection = True
        return part
    if is_gibberish(words):
        part.gibberish = True
        return part
    part.tokens = len(words)
    part.function_words = sum(1 for t in words if t.raw in STOPWORDS)
    part.content = content_stems(tokens)
    part.novel = {s for s in part.content if s not in echo_of}
    part.admits_unknown = bool(_UNKNOWN.search(injection_text(text)))
    # Echo: mostly the question's own words, and enough of them to be a restatement
    # (merely naming the subject, "yes I know Kafka", is a vague answer instead).
    in_question = sum(1 for s in part.content if s in echo_of)
    repeated = len(echo_of.intersection(part.content))
    if (
        part.content
        and in_question / len(part.content) >= 0.7
        and len(part.novel) <= 3
        and repeated >= max(3, 0.4 * len(echo_of))
    ):
        part.echo = True
        return part
    # A phrasing the question itself contains only counts alongside real content.
    substantive = len(part.novel) >= 3
    lowered = fold(text)  # the token offsets index the folded text
    kept = [t for t in tokens if not t.article]
    stems = [t.stem for t in kept]
    for index, entries in enumerate(ref.phrasings):
        span = None
        for variants, in_question_text in entries:
            if in_question_text and not substantive:
                continue
            for variant in variants:
                span = find_phrase(stems, variant)
                if span is not None:
                    break
            if span is not None:
                part.covered[index] = lowered[kept[span[0]].start : kept[span[1] - 1].end]
                break
    part.specifics = _specifics(text, words, echo_of)
    return part


# -- scoring ------------------------------------------------------------------------------


def _combine(ref: _Reference, parts: list[_Part]) -> AnswerEvaluation:
    word_count = sum(p.word_count for p in parts)
    every_point = list(ref.points)

    def result(
        score: float,
        signal: Signal,
        covered: dict[int, str] | None = None,
        flags: list[str] | None = None,
    ) -> AnswerEvaluation:
        covered = covered or {}
        return AnswerEvaluation(
            score=round(min(1.0, max(0.0, score)), 3),
            key_points_covered=[ref.points[i] for i in sorted(covered)],
            key_points_missed=[p for i, p in enumerate(every_point) if i not in covered],
            signal=signal,
            word_count=word_count,
            integrity_flags=flags or [],
            matched_phrases=[covered[i] for i in sorted(covered)],
        )

    if any(p.injection for p in parts):
        return result(0.0, Signal.off_topic, flags=[PROMPT_INJECTION])
    valid = [p for p in parts if p.counts]
    if not valid:
        if any(p.gibberish for p in parts):
            return result(0.0, Signal.off_topic)
        return result(0.0, Signal.weak)  # empty, or only repeats the question

    covered: dict[int, str] = {}
    for p in valid:
        for index, phrase in p.covered.items():
            covered.setdefault(index, phrase)
    words = sum(p.word_count for p in valid)
    content = [s for p in valid for s in p.content]
    if not covered:
        if any(p.admits_unknown for p in valid):
            return result(0.0, Signal.weak)
        if content and not any(s in ref.topic_stems for s in content):
            return result(0.0, Signal.off_topic)

    score = len(covered) / len(every_point)
    specifics = set().union(*(p.specifics for p in valid))
    if covered:
        score += min(MAX_SPECIFIC_BONUS, SPECIFIC_BONUS * len(specifics))
    flags: list[str] = []
    tokens = sum(p.tokens for p in valid)
    function_ratio = sum(p.function_words for p in valid) / max(1, tokens)
    stuffing = len(covered) >= 2 and tokens >= 5 and function_ratio < LIST_RATIO
    if stuffing:
        flags.append(KEYWORD_STUFFING)
        score = min(score, STUFFING_CAP)
    elif function_ratio < NOTES_RATIO:
        score = min(score, NOTES_CAP)  # terse notes name the ideas without explaining them
    if words < SHORT_WORDS:
        score = min(score, SHORT_CAP)
    elif words < BRIEF_WORDS:
        score = min(score, BRIEF_CAP)

    if score >= STRONG:
        signal = Signal.strong
    elif stuffing:
        signal = Signal.vague  # names the terms without explaining them: ask for more
    elif score >= ADEQUATE:
        signal = Signal.adequate
    elif words < VAGUE_WORDS or (not covered and not specifics):
        signal = Signal.vague
    else:
        signal = Signal.weak
    return result(score, signal, covered, flags)


def evaluate_answer(question: Question, answer: str) -> AnswerEvaluation:
    """Score one answer against the question's key points."""
    ref = _reference_for(question)
    return _combine(ref, [_analyse(answer, ref, ref.question_stems)])


def evaluate_followup(
    question: Question, original_answer: str, followup_answer: str
) -> AnswerEvaluation:
    """Score the combined evidence of an answer and the answer to its follow-up."""
    ref = _reference_for(question)
    original = _analyse(original_answer, ref, ref.question_stems)
    followup = _analyse(followup_answer, ref, ref.question_stems | ref.followup_stems)
    return _combine(ref, [original, followup])

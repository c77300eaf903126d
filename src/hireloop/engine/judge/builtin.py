"""The built-in judge: offline, deterministic, a few milliseconds per answer.

language (tokens, clauses, checks) -> match (claims per clause) -> score (verdict).
The checks here (instructions to the grader, nothing to judge, term lists) are the same
ones the model judge's verdicts go through (:func:`integrity_findings`).
"""

from __future__ import annotations

from functools import lru_cache

from hireloop.engine.judge.match import Outcome, StatementMatch, match_statements
from hireloop.engine.judge.score import Findings, score
from hireloop.engine.judge.terms import CompiledQuestion, compile_question
from hireloop.engine.judge.verdict import ClaimEvidence, MisconceptionFound, Verdict
from hireloop.engine.language.clauses import Reading, read
from hireloop.engine.language.injection import detect_prompt_injection
from hireloop.engine.language.quality import (
    admits_not_knowing,
    is_gibberish,
    read_term_lists,
    word_count,
)
from hireloop.engine.language.tokens import tokenize
from hireloop.engine.language.vocab import GENERIC, HYPOTHETICAL, REPORTED_BELIEF, STOPWORDS
from hireloop.engine.schema import Question

QUOTE_CHARS = 200
_OPENER = {")": "(", "]": "[", "}": "{", "\u201d": "\u201c", "\u2019": "\u2018"}


def _closes(said: str, char: str) -> bool:
    if char in _OPENER:
        return said.count(_OPENER[char]) > said.count(char)
    return char in "\"'" and said.count(char) % 2 == 1


CONTRADICTION_PREFIX = "contradicts:"


def compiled(question: Question) -> CompiledQuestion:
    """The question compiled for matching, once per question object."""
    cached = question._compiled
    if not isinstance(cached, CompiledQuestion):
        cached = compile_question(question)
        question._compiled = cached
    return cached


def quote_limit(text: str) -> str:
    """A quote cut to QUOTE_CHARS at a word boundary (still verbatim: nothing is added)."""
    if len(text) <= QUOTE_CHARS:
        return text
    cut = text.rfind(" ", 0, QUOTE_CHARS)
    return text[: cut if cut > 0 else QUOTE_CHARS].rstrip()


def quote(reading: Reading, first: int, last: int, clauses: tuple[int, ...]) -> str:
    """The clause(s) stating a claim, verbatim, at most QUOTE_CHARS long around the
    words that matched."""
    text = reading.text
    start = reading.tokens[reading.clause_start[clauses[0]]].start
    end = reading.tokens[reading.clause_end[clauses[-1]]].end
    span_start, span_end = reading.tokens[first].start, reading.tokens[last].end
    while end < len(text) and _closes(text[start:end], text[end]):
        end += 1  # "(lat, lon)": the bracket or quote mark that closes what the clause opened
    if end - start <= QUOTE_CHARS:
        return text[start:end]
    # Too long: keep the matched words, with as much of the clause around them as fits.
    room = max(0, QUOTE_CHARS - (span_end - span_start))
    start = max(start, span_start - room // 3)
    end = min(end, start + QUOTE_CHARS)
    if start > 0 and text[start - 1].isalnum():
        cut = text.find(" ", start, span_start)
        start = cut + 1 if cut != -1 else start
    if end < len(text) and text[end].isalnum():
        cut = text.rfind(" ", span_end, end)
        end = cut if cut != -1 else end
    return text[start:end].strip()[:QUOTE_CHARS]


OFF_TOPIC_MIN_CONTENT = 3  # fewer content words than this is too little to call off-topic


@lru_cache(maxsize=4096)
def _text_keys(text: str) -> frozenset[str]:
    return frozenset(t.key for t in tokenize(text) if t.is_word and t.text not in STOPWORDS)


def _on_topic(reading: Reading, question: CompiledQuestion, asked: Question) -> bool:
    """Whether the answer shares any subject matter with the question (as asked, with
    the skill's name for generic questions) or the skill's vocabulary; an answer with
    almost no content words counts as on topic (it is vague, not off-topic)."""
    content = [
        t.key
        for t in reading.tokens
        if t.is_word and t.text not in STOPWORDS and t.text not in GENERIC and len(t.text) > 1
    ]
    if len(content) < OFF_TOPIC_MIN_CONTENT:
        return True
    vocabulary = question.domain_keys | _text_keys(asked.text) | _text_keys(asked.followup)
    return any(key in vocabulary for key in content)


def _hypothetical(reading: Reading, window: tuple[int, ...]) -> bool:
    """Whether the clauses say what would happen or what others wrongly believe."""
    tokens = reading.tokens
    for clause in window:
        for i in range(reading.clause_start[clause], reading.clause_end[clause] + 1):
            word = tokens[i].text
            previous = tokens[i - 1].text if i > 0 else ""
            if (
                word in HYPOTHETICAL
                or (word == "else" and previous == "or")
                or (word in REPORTED_BELIEF and previous not in ("i", "we"))
            ):
                return True
    return False


def _window(match: StatementMatch, reading: Reading) -> tuple[int, ...]:
    first_clause = reading.clause[match.first]
    last_clause = reading.clause[match.last]
    return tuple(range(first_clause, last_clause + 1))


def read_answer(
    question: CompiledQuestion, asked: Question, text: str, part: int, found: Findings
) -> None:
    """Add what one answer text states to ``found``."""
    reading = read(text)
    words = [t for t in reading.tokens if t.is_word or t.kind.name == "NEG"]
    if not words or is_gibberish(words, question.domain_keys):
        return
    found.nothing_to_judge = False
    found.admits_not_knowing |= admits_not_knowing(text)
    found.on_topic |= _on_topic(reading, question, asked)
    matches, _occurrences = match_statements(question, reading)
    lists = read_term_lists(reading, question.domain_keys)
    found.stuffing |= lists.stuffing
    for match in sorted(matches, key=lambda m: m.first):
        window = _window(match, reading)
        if lists.list_clauses.intersection(window):
            continue  # a term list states nothing
        statement = match.statement
        said = quote(reading, match.first, match.last, window)
        asserted = not _hypothetical(reading, window)
        if not asserted and (statement.is_misconception or match.outcome is Outcome.CONTRADICTED):
            continue  # "otherwise ...", "a common myth is ...": not the candidate's claim
        if statement.is_misconception:
            if match.outcome is Outcome.AFFIRMED and statement.id not in found.misconceptions:
                assert statement.contradicts is not None
                found.misconceptions[statement.id] = MisconceptionFound(
                    id=statement.id,
                    text=statement.text,
                    contradicts=statement.contradicts,
                    quote=said,
                    part=part,
                )
        elif match.outcome is Outcome.AFFIRMED:
            found.credited.setdefault(
                statement.id,
                ClaimEvidence(id=statement.id, text=statement.text, quote=said, part=part),
            )
        else:
            key = f"{CONTRADICTION_PREFIX}{statement.id}"
            found.misconceptions.setdefault(
                key,
                MisconceptionFound(
                    id=key,
                    text=f"Says the opposite of: {statement.text}",
                    contradicts=statement.id,
                    quote=said,
                    part=part,
                ),
            )


def integrity_findings(question: Question, texts: list[str]) -> Findings:
    """The built-in reading of an answer (and the answer it follows up): what it states,
    and whether it can be judged at all."""
    found = Findings(
        word_count=sum(word_count(t) for t in texts), nothing_to_judge=True, on_topic=False
    )
    if any(detect_prompt_injection(t) for t in texts):
        found.injection = True
        return found
    target = compiled(question)
    for part, text in enumerate(texts):
        if text.strip():
            read_answer(target, question, text, part, found)
    # A claim stated plainly somewhere outweighs a clause read as saying its opposite.
    for key in [k for k, m in found.misconceptions.items() if k.startswith(CONTRADICTION_PREFIX)]:
        if found.misconceptions[key].contradicts in found.credited:
            del found.misconceptions[key]
    return found


def judge_answer(question: Question, answer: str, earlier: str | None = None) -> Verdict:
    """Judge an answer; when it replies to a follow-up, together with ``earlier``, the
    answer it follows up (claims stated in either count)."""
    texts = [answer] if earlier is None else [answer, earlier]
    return score(question, integrity_findings(question, texts))

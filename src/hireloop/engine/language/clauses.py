"""An answer read into clauses: where each ends, what can be matched, what is negated.

Sentences end at . ! ? ; and line breaks; a contrast word ("but", "whereas",
"although") starts a new clause, so "lists are mutable but tuples are not" holds two
claims that are judged apart. Commas, colons and dashes end a *segment*: a negator
reaches no further than its segment ("No, it sends SIGTERM" does not negate SIGTERM).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from hireloop.engine.language.tokens import Kind, Token, is_contrast, tokenize
from hireloop.engine.language.vocab import SOFT

BRACKETS = frozenset("()[]{}")
NOT_YET_REACH = 3  # "hasn't been saved yet": the negator a few words before "yet"
ITEM_JOINERS = BRACKETS | {":"}


@dataclass
class Reading:
    text: str
    tokens: list[Token]
    clause: list[int] = field(default_factory=list)  # per token
    segment: list[int] = field(default_factory=list)  # per token
    clause_start: list[int] = field(default_factory=list)  # first token of each clause
    clause_end: list[int] = field(default_factory=list)  # last token of each clause
    stream: list[int] = field(default_factory=list)  # tokens that terms are matched against
    stream_keys: list[str] = field(default_factory=list)
    stream_clause: list[int] = field(default_factory=list)
    # Per stream word, the list item it is in: items end at commas, dashes and sentence
    # ends, not at brackets or colons ("sideEffects: true"). A term never spans two
    # items ("... what you don't own, adapter").
    stream_item: list[int] = field(default_factory=list)
    negators: list[int] = field(default_factory=list)
    word_positions: list[int] = field(default_factory=list)  # indices of word tokens

    @property
    def clause_count(self) -> int:
        return len(self.clause_start)

    def words_between(self, left: int, right: int) -> int:
        """Word tokens strictly between two token indices."""
        low = bisect_left(self.word_positions, left + 1)
        high = bisect_left(self.word_positions, right)
        return max(0, high - low)

    def clause_text(self, clause: int) -> str:
        start = self.tokens[self.clause_start[clause]].start
        end = self.tokens[self.clause_end[clause]].end
        return self.text[start:end]


def read(text: str) -> Reading:
    tokens = tokenize(text)
    reading = Reading(text=text, tokens=tokens)
    clause = segment = item = 0
    open_clause = False
    for index, token in enumerate(tokens):
        if token.kind is Kind.SENTENCE or (
            token.kind is Kind.SEGMENT
            and token.text not in ITEM_JOINERS
            and not _between_numbers(tokens, index)  # "prints 1, 4, 3, 2"
        ):
            item += 1
        if token.kind is Kind.SENTENCE:
            if open_clause:
                clause += 1
                segment += 1
                open_clause = False
            reading.clause.append(-1)
            reading.segment.append(-1)
            continue
        if token.kind is Kind.SEGMENT:
            segment += 1
            reading.clause.append(clause if open_clause else -1)
            reading.segment.append(-1)
            continue
        if is_contrast(token) and open_clause and _contrasts(text, tokens, index):
            clause += 1
            segment += 1
        if not open_clause or len(reading.clause_start) <= clause:
            reading.clause_start.append(index)
            reading.clause_end.append(index)
            open_clause = True
        reading.clause_end[clause] = index
        reading.clause.append(clause)
        reading.segment.append(segment)
        if token.kind is Kind.NEG:
            reading.negators.append(index)
        elif token.is_word:
            reading.word_positions.append(index)
            if token.text not in SOFT:
                reading.stream.append(index)
                reading.stream_keys.append(token.key)
                reading.stream_clause.append(clause)
                reading.stream_item.append(item)
    return reading


def _contrasts(text: str, tokens: list[Token], index: int) -> bool:
    """A contrast word inside a hyphenated word ("not-yet-existing"), after a negator ("not
    yet committed"), in "as though", or a "yet" that ends a negated verb ("hasn't saved
    yet") contrasts nothing."""
    token = tokens[index]
    if text[token.start - 1 : token.start] == "-" or text[token.end : token.end + 1] == "-":
        return False
    if index > 0 and tokens[index - 1].kind is Kind.NEG:
        return False
    if token.text == "though" and index > 0 and tokens[index - 1].text == "as":
        return False
    if token.text == "yet":
        recent = tokens[max(0, index - NOT_YET_REACH) : index]
        return not any(t.kind is Kind.NEG for t in recent)
    return True


def _between_numbers(tokens: list[Token], index: int) -> bool:
    return (
        0 < index < len(tokens) - 1
        and tokens[index - 1].kind is Kind.NUMBER
        and tokens[index + 1].kind is Kind.NUMBER
    )

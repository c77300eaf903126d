"""Which claims an answer states: clause by clause, slot by slot, relation by relation.

A question's claims and misconceptions are compiled once into terms (lemma sequences,
each with the sign it carries: "cannot be changed" is the negation of "can be changed").
An answer is read into clauses; every term occurrence is found, negators are applied to
the occurrence they govern, and each statement is checked per clause:

- every slot occurs in the clause (an order or cause may span two neighbouring clauses);
- the relation holds: the predicate attaches to the subject (the nearest entity before
  it, or after it, or the entity a pronoun refers back to), the stated order or cause
  runs the claimed way (read from connectors: "then", "after", "because", "so" ...);
- the polarity matches: the product of the occurrences' signs (and of a reversed order)
  is the statement's own. A claim whose clause says the opposite is *contradicted*.

Nothing here scores: :mod:`hireloop.engine.judge.score` turns outcomes into a verdict.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from hireloop.engine.judge.occurrences import Occurrence, find_occurrences
from hireloop.engine.judge.terms import CompiledQuestion, CompiledStatement, Relation
from hireloop.engine.language.clauses import Reading
from hireloop.engine.language.tokens import Kind
from hireloop.engine.language.vocab import (
    CAUSE_BACKWARD,
    CAUSE_FORWARD,
    CAUSE_LEADING,
    FIRST_MARKERS,
    GAP_WORDS,
    LAST_MARKERS,
    ORDER_BACKWARD,
    ORDER_FORWARD,
    ORDER_LEADING_FIRST,
    ORDER_LEADING_SECOND,
    PRONOUNS,
    SOFT,
)

SUBJECT_REACH = 10  # words between a subject and what is said of it
MAX_COMBINATIONS = 64  # slot fillings tried per statement and clause


class Outcome(Enum):
    AFFIRMED = "affirmed"
    CONTRADICTED = "contradicted"


@dataclass
class StatementMatch:
    statement: CompiledStatement
    outcome: Outcome
    first: int  # token span of the occurrences that state it
    last: int
    clause: int


@dataclass
class _Entities:
    """Where the entities (subject-slot terms of any statement) sit in the answer."""

    occurrences: list[Occurrence] = field(default_factory=list)

    def attach(
        self, reading: Reading, target: Occurrence, *, follow_pronouns: bool = True
    ) -> Occurrence | None:
        """The entity a predicate occurrence is said of (see the module docstring)."""
        in_clause = [
            e
            for e in self.occurrences
            if e.clause == target.clause and not e.denied and not _overlaps(e, target)
        ]
        before = [
            e
            for e in in_clause
            if e.last < target.first
            and reading.words_between(e.last, target.first) <= SUBJECT_REACH
        ]
        if before:
            return max(before, key=lambda e: (e.last, -e.first))
        if follow_pronouns:
            # "ref() does two things: it registers ..." - a pronoun right before the
            # predicate stands for the entity last named before it, in this clause too.
            pronoun = _pronoun_near(reading, target)
            if pronoun is not None:
                named = [e for e in self.occurrences if e.last < pronoun and not e.denied]
                if named:
                    return max(named, key=lambda e: (e.last, -e.first))
        after = [
            e
            for e in in_clause
            if e.first > target.last
            and reading.words_between(target.last, e.first) <= SUBJECT_REACH
        ]
        if after:
            return min(after, key=lambda e: e.first)
        return self._referent(reading, target) if follow_pronouns else None

    def _referent(self, reading: Reading, target: Occurrence) -> Occurrence | None:
        """A pronoun ("they", "it", "this") refers back to the last entity mentioned."""
        if not _pronoun_before(reading, target):
            return None
        earlier = [e for e in self.occurrences if e.clause < target.clause and not e.denied]
        if not earlier:
            return None
        return max(earlier, key=lambda e: (e.last, -e.first))


def _overlaps(a: Occurrence, b: Occurrence) -> bool:
    return a.first <= b.last and b.first <= a.last


def _pronoun_near(reading: Reading, target: Occurrence) -> int | None:
    """The last pronoun before ``target`` in its clause, within reach of it."""
    start = reading.clause_start[target.clause]
    for index in range(target.first - 1, start - 1, -1):
        token = reading.tokens[index]
        if token.kind is Kind.WORD and token.text in PRONOUNS:
            if reading.words_between(index, target.first) <= SUBJECT_REACH:
                return index
            return None
    return None


def _pronoun_before(reading: Reading, target: Occurrence) -> bool:
    start = reading.clause_start[target.clause]
    return any(
        reading.tokens[i].text in PRONOUNS and reading.tokens[i].kind is Kind.WORD
        for i in range(start, target.first)
    )


def match_statements(
    compiled: CompiledQuestion, reading: Reading
) -> tuple[list[StatementMatch], list[Occurrence]]:
    """Each statement's outcome in each clause where it is affirmed or contradicted, and
    every term occurrence found on the way."""
    occurrences = find_occurrences(compiled, reading)
    if not occurrences:
        return [], []
    # Entities are read as the packs word them, so every statement sees the same spans.
    entities = _Entities(
        [o for o in occurrences if (o.statement, o.slot) in compiled.entity_slots and not o.loose]
    )
    by_statement: dict[int, list[Occurrence]] = {}
    for occurrence in occurrences:
        by_statement.setdefault(occurrence.statement, []).append(occurrence)
    matches: list[StatementMatch] = []
    for index, own in by_statement.items():
        statement = compiled.statements[index]
        matches.extend(_statement_matches(statement, own, entities, reading))
    return matches, occurrences


def _windows(statement: CompiledStatement, reading: Reading) -> Iterable[tuple[int, ...]]:
    """The clause groups a statement may be stated across."""
    for clause in range(reading.clause_count):
        yield (clause,)
        if statement.relation in (Relation.ORDER, Relation.CAUSE):
            following = clause + 1
            if following < reading.clause_count:
                yield (clause, following)


def _statement_matches(
    statement: CompiledStatement,
    own: list[Occurrence],
    entities: _Entities,
    reading: Reading,
) -> list[StatementMatch]:
    slot_count = len(statement.slots)
    present = {o.slot for o in own}
    subject_slot = statement.relation_slots[0] if statement.relation is Relation.SUBJECT else -1
    needed = set(range(slot_count)) - {subject_slot}
    if not needed <= present:
        return []
    results: list[StatementMatch] = []
    for window in _windows(statement, reading):
        inside = [o for o in own if o.clause in window]
        per_slot: list[list[Occurrence]] = []
        for slot in range(slot_count):
            options = [o for o in inside if o.slot == slot]
            if slot == subject_slot:
                options = options or [o for o in own if o.slot == slot]  # a pronoun's referent
            if not options:
                break
            per_slot.append(options[:4])
        else:
            found = _judge_window(statement, per_slot, window, entities, reading)
            if found is not None:
                results.append(found)
    return results


def _judge_window(
    statement: CompiledStatement,
    per_slot: Sequence[Sequence[Occurrence]],
    window: tuple[int, ...],
    entities: _Entities,
    reading: Reading,
) -> StatementMatch | None:
    best: StatementMatch | None = None
    for combination in itertools.islice(itertools.product(*per_slot), MAX_COMBINATIONS):
        if any(_overlaps(x, y) for x, y in itertools.combinations(combination, 2)):
            continue  # one word cannot fill two slots
        relation_sign = _relation_sign(statement, combination, entities, reading)
        if relation_sign == 0:
            continue
        sign = relation_sign
        for occurrence in combination:
            sign *= occurrence.sign
        if statement.is_misconception and any(o.negated and o.term.sign > 0 for o in combination):
            # A wrong statement the answer negates anywhere is not asserted, even when two
            # negations multiply out ("don't await it twice, don't store it for later").
            # A wrong statement worded with its own negator is asserted when the answer
            # says it that way ("Java can't have memory leaks").
            continue
        outcome = Outcome.AFFIRMED if sign == statement.sign else Outcome.CONTRADICTED
        if outcome is Outcome.CONTRADICTED and any(o.purposive for o in combination):
            continue  # "so they don't expire together" names the problem, denies nothing
        in_window = [o for o in combination if o.clause in window]
        first = min(o.first for o in in_window)
        last = max(o.last for o in in_window)
        found = StatementMatch(statement, outcome, first, last, window[0])
        if outcome is Outcome.AFFIRMED:
            return found
        best = best or found
    return best


def _relation_sign(
    statement: CompiledStatement,
    combination: Sequence[Occurrence],
    entities: _Entities,
    reading: Reading,
) -> int:
    """+1 when the relation holds, -1 when it is stated the other way round, 0 when the
    clause does not state it at all."""
    if statement.relation is Relation.NONE:
        return 1
    if statement.relation is Relation.SUBJECT:
        subject = combination[statement.relation_slots[0]]
        subject_spans = {
            (o.first, o.last) for o in entities.occurrences if o.statement == statement.index
        }
        for slot, occurrence in enumerate(combination):
            if slot == statement.relation_slots[0]:
                continue
            # A misconception is only read where it is said outright, not through a pronoun.
            attached = entities.attach(
                reading, occurrence, follow_pronouns=not statement.is_misconception
            )
            if attached is None:
                # No entity anywhere near: the subject must sit in the clause itself.
                if subject.clause != occurrence.clause:
                    return 0
                continue
            if (attached.first, attached.last) not in subject_spans:
                return 0
        return 1
    first_slot, second_slot = statement.relation_slots
    a, b = combination[first_slot], combination[second_slot]
    if _overlaps(a, b):
        return 0
    if statement.relation is Relation.ORDER:
        stated = _stated_order(reading, a, b)
    else:
        stated = _stated_cause(reading, a, b)
        if stated < 0:
            return 0  # a reversed cause is not read as a claim either way
    return stated


def _between(reading: Reading, left: Occurrence, right: Occurrence) -> list[str]:
    return [
        reading.tokens[i].text
        for i in range(left.last + 1, right.first)
        if (reading.tokens[i].kind is Kind.WORD or reading.tokens[i].kind is Kind.NEG)
        and not _adverb_once(reading, i)
    ]


def _adverb_once(reading: Reading, index: int) -> bool:
    """ "build the image once, then test": "once" that ends its segment means one time,
    not "after"."""
    if reading.tokens[index].text != "once":
        return False
    following = reading.tokens[index + 1] if index + 1 < len(reading.tokens) else None
    return following is None or following.kind in (Kind.SEGMENT, Kind.SENTENCE)


def _leading(reading: Reading, occurrence: Occurrence) -> list[str]:
    start = reading.clause_start[occurrence.clause]
    return [
        reading.tokens[i].text
        for i in range(start, occurrence.first)
        if reading.tokens[i].kind is Kind.WORD
    ]


def _stated_order(reading: Reading, a: Occurrence, b: Occurrence) -> int:
    """+1 when the answer says a happens before b, -1 when it says b before a, else 0."""
    first, second = (a, b) if a.first < b.first else (b, a)
    forward = 1 if first is a else -1  # the sign when the text order is the event order
    between = _between(reading, first, second)
    meaningful = [w for w in between if w not in GAP_WORDS]
    for position, word in enumerate(meaningful):
        if word in ORDER_BACKWARD:
            # "B after A" reverses the text order; "A, and after 10 seconds B" does not.
            if position >= len(meaningful) - 1:
                return -forward
            return forward
        if word in ORDER_FORWARD:
            return forward
    lead = [w for w in _leading(reading, first) if w not in GAP_WORDS]
    if lead and lead[0] in ORDER_LEADING_SECOND:
        return -forward
    if lead and lead[0] in ORDER_LEADING_FIRST:
        return forward
    for occurrence in (first, second):
        near = _near_words(reading, occurrence)
        if near & FIRST_MARKERS:
            return forward if occurrence is first else -forward
        if near & LAST_MARKERS:
            return forward if occurrence is second else -forward
    return 0


def _near_words(reading: Reading, occurrence: Occurrence) -> set[str]:
    """Words within two words either side of an occurrence, in its clause."""
    words: set[str] = set()
    for direction, start in ((-1, occurrence.first - 1), (1, occurrence.last + 1)):
        index, taken = start, 0
        while 0 <= index < len(reading.tokens) and taken < 2:
            token = reading.tokens[index]
            if not token.is_word or reading.clause[index] != occurrence.clause:
                break
            if token.text not in SOFT:
                words.add(token.text)
                taken += 1
            index += direction
    return words


def _stated_cause(reading: Reading, a: Occurrence, b: Occurrence) -> int:
    """+1 when the answer says a leads to b, -1 when it says b leads to a, else 0."""
    first, second = (a, b) if a.first < b.first else (b, a)
    forward = 1 if first is a else -1
    between = _between(reading, first, second)
    for word in between:
        if word in CAUSE_BACKWARD:
            return -forward
        if word in CAUSE_FORWARD:
            return forward
    lead = _leading(reading, first)
    if lead and lead[0] in CAUSE_LEADING:
        return forward
    return 0

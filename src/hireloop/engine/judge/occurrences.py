"""Where a question's terms occur in an answer, and which of them a negator governs."""

from __future__ import annotations

from dataclasses import dataclass

from hireloop.engine.judge.terms import MAX_GAP, NUMBER_KEY, CompiledQuestion, Term
from hireloop.engine.language.clauses import Reading
from hireloop.engine.language.tokens import Kind
from hireloop.engine.language.vocab import (
    COORDINATORS,
    ORDINALS,
    PURPOSE,
    REFERRING_NOUNS,
    SOFT,
    STOPWORDS,
)

NEGATION_REACH = 6  # words between a negator and the term it governs
IN_TERM_SLACK = 1  # content words a multi-word term may have inserted between its words


@dataclass(slots=True)
class Occurrence:
    statement: int
    slot: int
    term: Term
    first: int  # token indices (inclusive)
    last: int
    clause: int
    sign: int
    denied: bool = False  # a negator right before it: "not lists", "unlike lists"
    negated: bool = False  # a negator in the answer governs it
    # The negator is in a clause of purpose ("add jitter so keys don't expire together"):
    # it names what the rest of the sentence prevents, which is no denial of the claim.
    purposive: bool = False
    loose: bool = False  # matched with a word inserted into the term


def _same(keys: list[str], start: int, part: tuple[str, ...]) -> bool:
    if start + len(part) > len(keys):
        return False
    for offset, wanted in enumerate(part):
        key = keys[start + offset]
        if key != wanted and not (wanted == NUMBER_KEY and key[:1].isdigit()):
            return False
    return True


def _part_at(
    reading: Reading,
    start: int,
    part: tuple[str, ...],
    here: int,
    slack: int,
    terms: frozenset[str] = frozenset(),
) -> tuple[int, int] | None:
    """The stream position after ``part`` when it starts at ``start``, and how many words
    were inserted into it: its words in order, with up to ``slack`` content words between
    two of them ("sends the login cookie" states "sends cookies"), none of them a term of
    its own (``terms``)."""
    keys, item = reading.stream_keys, reading.stream_item
    if not _same(keys, start, part[:1]):
        return None
    cursor, inserted = start + 1, 0
    for wanted in part[1:]:
        if cursor < len(keys) and item[cursor] == here and _same(keys, cursor, (wanted,)):
            cursor += 1
            continue
        if (
            inserted < slack
            and cursor + 1 < len(keys)
            and item[cursor + 1] == here
            and reading.tokens[reading.stream[cursor]].text not in STOPWORDS
            and reading.tokens[reading.stream[cursor - 1]].text not in STOPWORDS
            and keys[cursor] not in terms
            and wanted != "be"  # "put is" is said of PUT, not of "put request is"
            and _same(keys, cursor + 1, (wanted,))
        ):
            inserted += 1
            cursor += 2
            continue
        return None
    return cursor, inserted


def _match_at(
    reading: Reading,
    term: Term,
    position: int,
    slack: int = 0,
    terms: frozenset[str] = frozenset(),
) -> tuple[int, bool] | None:
    """The stream position after ``term`` when it starts at ``position`` (and whether a
    word was inserted into it), or None."""
    stream, keys, item = reading.stream, reading.stream_keys, reading.stream_item
    here = item[position]  # one list item: never across a comma, colon or clause end
    first = term.parts[0]
    size = len(first)
    if _same(keys, position, first) and item[position + size - 1] == here:
        cursor, inserted = position + size, 0  # as written: the common case
    elif slack and size > 1 and first[1] in keys[position + 1 : position + 3]:
        head = _part_at(reading, position, first, here, slack, terms)
        if head is None:
            return None
        cursor, inserted = head
    else:
        return None
    for part in term.parts[1:]:
        size = len(part)
        for skip in range(MAX_GAP + 1):
            start = cursor + skip
            if start + size > len(stream) or item[start + size - 1] != here:
                return None
            if _same(keys, start, part):
                cursor = start + size
                break
        else:
            return None
    return cursor, inserted > 0


def find_occurrences(compiled: CompiledQuestion, reading: Reading) -> list[Occurrence]:
    """Every occurrence of every term, with the negations that govern it applied."""
    found: list[Occurrence] = []
    keys = reading.stream_keys
    present = set(keys)
    if any(key[:1].isdigit() for key in present):
        present.add(NUMBER_KEY)
    numbered = compiled.index.get(NUMBER_KEY, ())
    # Per key, only the terms whose every word occurs somewhere in the answer: most
    # candidates fail this, and a set test is far cheaper than matching at each position.
    viable: dict[str, list[tuple[Term, int, int]]] = {}
    for position, key in enumerate(keys):
        candidates = viable.get(key)
        if candidates is None:
            everything = compiled.index.get(key, ())
            if numbered and key[:1].isdigit():
                everything = (*everything, *numbered)
            candidates = [c for c in everything if c[0].keyset <= present]
            viable[key] = candidates
        for term, statement, slot in candidates:
            # Claims take a word inserted into a term; a misconception, which costs the
            # answer points, is read only where it is worded as the pack words it.
            slack = 0 if compiled.statements[statement].is_misconception else IN_TERM_SLACK
            matched = _match_at(reading, term, position, slack, compiled.single_keys)
            if matched is None:
                continue
            end, loose = matched
            if loose and all(key in compiled.question_keys for key in keys[position:end]):
                continue  # the question's own phrase, with a word let in: an echo
            first = reading.stream[position]
            last = reading.stream[end - 1]
            if _quoted(reading, first, last):
                continue  # "locked" in quotes is a word being talked about, not used
            found.append(
                Occurrence(
                    statement,
                    slot,
                    term,
                    first,
                    last,
                    reading.clause[first],
                    term.sign,
                    denied=_right_after_negator(reading, first),
                    loose=loose,
                )
            )
    found.extend(_ordinal_references(compiled, reading))
    _apply_negations(found, reading)
    return found


_REFERRING = frozenset({*ORDINALS, "former", "latter"})


def _ordinal_references(compiled: CompiledQuestion, reading: Reading) -> list[Occurrence]:
    """ "The first way ...", "the second one ...", "the latter ...", or "delivery" for
    "continuous delivery": the things the question named in turn, referred to by their
    place in it or by the one word of their name that tells them apart."""
    named = compiled.named_in_turn
    if not named or (
        _REFERRING.isdisjoint(reading.stream_keys)
        and not any(word in reading.stream_keys for word in compiled.named_by_word if word)
    ):
        return []
    found: list[Occurrence] = []
    tokens = reading.tokens
    for index, token in enumerate(tokens):
        if token.kind is not Kind.WORD or reading.clause[index] < 0:
            continue
        rank = ORDINALS.get(token.text)
        last = index
        if rank is None and token.text in ("former", "latter"):
            rank = 0 if token.text == "former" else len(named) - 1
        elif rank is not None:
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if following is None or following.text not in REFERRING_NOUNS:
                continue
            last = index + 1
        if (
            rank is None
            and token.key in compiled.named_by_word
            and index == reading.clause_start[reading.clause[index]]
        ):
            # "Delivery goes further": the word that names it, as the clause's subject.
            rank = compiled.named_by_word.index(token.key)
        if rank is None or rank >= len(named):
            continue
        for statement, slot in named[rank]:
            term = compiled.statements[statement].slots[slot][0]
            found.append(Occurrence(statement, slot, term, index, last, reading.clause[index], 1))
    return found


_QUOTES = frozenset("\"'\u201c\u201d\u2018\u2019`")


def _quoted(reading: Reading, first: int, last: int) -> bool:
    start, end = reading.tokens[first].start, reading.tokens[last].end
    text = reading.text
    return start > 0 and end < len(text) and text[start - 1] in _QUOTES and text[end] in _QUOTES


def _right_after_negator(reading: Reading, index: int) -> bool:
    index -= 1
    while index >= 0 and reading.tokens[index].text in SOFT:
        index -= 1
    return index >= 0 and reading.tokens[index].kind is Kind.NEG


def _apply_negations(found: list[Occurrence], reading: Reading) -> None:
    """A negator flips the first occurrence of each statement that it governs: the next
    one in its segment, within reach, or one whose span it sits inside."""
    if not reading.negators or not found:
        return
    by_statement: dict[int, list[Occurrence]] = {}
    for occurrence in found:
        by_statement.setdefault(occurrence.statement, []).append(occurrence)
    for occurrences in by_statement.values():
        occurrences.sort(key=lambda o: (o.first, -o.last))
        for negator in reading.negators:
            segment = reading.segment[negator]
            target: Occurrence | None = None
            for occurrence in occurrences:
                if occurrence.last < negator:
                    continue
                inside = occurrence.first < negator
                reach = reading.words_between(negator, occurrence.first)
                if inside or (
                    reading.segment[occurrence.first] == segment and reach <= NEGATION_REACH
                ):
                    target = occurrence
                break
            if target is not None:
                purposive = _in_purpose_clause(reading, negator)
                for flipped in _governed(target, occurrences, reading):
                    flipped.sign = -flipped.sign
                    flipped.negated = True
                    flipped.purposive |= purposive


def _in_purpose_clause(reading: Reading, negator: int) -> bool:
    """Whether a negator follows "so", "so that" or "to make sure" inside its clause, after
    something the purpose is of: "partition by date so reruns don't duplicate rows"."""
    clause = reading.clause[negator]
    start = reading.clause_start[clause]
    index, words = negator - 1, 0
    while index > start and words <= NEGATION_REACH:
        token = reading.tokens[index]
        if token.kind is Kind.WORD:
            if token.text in PURPOSE:
                return True
            words += 1
        index -= 1
    return False


def _governed(
    target: Occurrence, occurrences: list[Occurrence], reading: Reading
) -> list[Occurrence]:
    """What one negator governs: the occurrence it reaches, any other term over the same
    words, and items coordinated with it ("never return stack traces or error details")."""
    governed = [o for o in occurrences if (o.first, o.last) == (target.first, target.last)]
    last = target.last
    for occurrence in occurrences:
        if occurrence.first <= last or occurrence in governed:
            continue
        between = [
            reading.tokens[i].text
            for i in range(last + 1, occurrence.first)
            if reading.tokens[i].is_word
        ]
        joined = reading.segment[occurrence.first] == reading.segment[target.first] or (
            reading.clause[occurrence.first] == reading.clause[target.first]
        )
        if joined and between and set(between) <= COORDINATORS and len(between) <= 2:
            governed.append(occurrence)
            last = occurrence.last
    return governed


# -- statements per clause -------------------------------------------------------------

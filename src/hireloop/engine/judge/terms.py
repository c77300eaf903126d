"""A question's claims compiled for matching: terms (lemma sequences with the sign they
carry: "cannot be changed" is the negation of "can be changed"), statements of slots and
relations, and each question's statements with the words its domain uses.

:mod:`hireloop.engine.judge.occurrences` finds these terms in an answer;
:mod:`hireloop.engine.judge.match` checks the statements clause by clause.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from hireloop.engine.language.tokens import Kind, tokenize
from hireloop.engine.language.vocab import (
    FIRST_MARKERS,
    LAST_MARKERS,
    SOFT,
    STOPWORDS,
)
from hireloop.engine.schema import GAP, Form, Question, Statement

MAX_GAP = 3  # words a "*" in a term may stand for
NUMBER_KEY = "#number"  # "<number>" in a term: any number the candidate writes


NUMBER_TERM = "<number>"
_NUMBER_WORD = "zzznumberzzz"


class TermError(ValueError):
    """A pack term that cannot be matched (for example, made only of filler words)."""


@dataclass(frozen=True, slots=True)
class Term:
    """A compiled term: its key sequences (split at gaps) and the sign it carries."""

    text: str
    parts: tuple[tuple[str, ...], ...]
    sign: int
    keyset: frozenset[str] = frozenset()  # every key of every part

    @property
    def first_key(self) -> str:
        return self.parts[0][0]

    @property
    def words(self) -> int:
        return sum(len(part) for part in self.parts)


def compile_term(text: str) -> list[Term]:
    """The term's compiled forms: hyphenated words match joined and split ("trade-off",
    "tradeoff", "trade off")."""
    variants = [text]
    if "-" in text:
        variants.append(text.replace("-", ""))
    compiled: list[Term] = []
    for variant in variants:
        parts: list[tuple[str, ...]] = []
        negations = 0
        for chunk in variant.split(f" {GAP} "):
            keys: list[str] = []
            for token in tokenize(chunk.replace(NUMBER_TERM, f" {_NUMBER_WORD} ")):
                if token.text == _NUMBER_WORD:
                    keys.append(NUMBER_KEY)
                    continue
                if token.kind is Kind.NEG:
                    negations += 1
                elif token.is_word and token.text not in SOFT:
                    keys.append(token.key)
            if keys:
                parts.append(tuple(keys))
        if not parts:
            raise TermError(f"term {text!r} has no words to match once filler words are dropped")
        keyset = frozenset(key for part in parts for key in part)
        term = Term(text, tuple(parts), -1 if negations % 2 else 1, keyset)
        if term not in compiled:
            compiled.append(term)
    return compiled


class Relation(Enum):
    NONE = "none"
    SUBJECT = "subject"
    ORDER = "order"
    CAUSE = "cause"


@dataclass(frozen=True)
class CompiledStatement:
    index: int
    id: str
    text: str
    slot_names: tuple[str, ...]
    slots: tuple[tuple[Term, ...], ...]
    relation: Relation
    # SUBJECT: (subject slot,); ORDER / CAUSE: (first slot, second slot)
    relation_slots: tuple[int, ...]
    sign: int  # -1 for a statement that says something is NOT so
    contradicts: str | None  # set on misconceptions

    @property
    def is_misconception(self) -> bool:
        return self.contradicts is not None


def compile_form(
    index: int, statement: Statement, form: Form, contradicts: str | None
) -> CompiledStatement:
    names = tuple(form.slots)
    slots = tuple(
        tuple(term for text in form.slots[name] for term in compile_term(text)) for name in names
    )
    relation: Relation = Relation.NONE
    relation_slots: tuple[int, ...] = ()
    if form.order is not None:
        relation = Relation.ORDER
        relation_slots = (names.index(form.order[0]), names.index(form.order[1]))
    elif form.cause is not None:
        relation = Relation.CAUSE
        relation_slots = (names.index(form.cause[0]), names.index(form.cause[1]))
    elif form.subject is not None:
        relation = Relation.SUBJECT
        relation_slots = (names.index(form.subject),)
    return CompiledStatement(
        index=index,
        id=statement.id,
        text=statement.text,
        slot_names=names,
        slots=slots,
        relation=relation,
        relation_slots=relation_slots,
        sign=-1 if form.negated else 1,
        contradicts=contradicts,
    )


@dataclass(frozen=True)
class CompiledQuestion:
    """A question ready to match answers against."""

    question: Question
    statements: tuple[CompiledStatement, ...]  # claims first, then misconceptions
    # first key -> (term, statement index, slot index), longest terms first
    index: dict[str, tuple[tuple[Term, int, int], ...]]
    # (statement, slot) pairs that name an entity something is said of
    entity_slots: frozenset[tuple[int, int]]
    term_keys: frozenset[str]  # every key of every term: the question's vocabulary
    question_keys: frozenset[str]  # the content keys of the question and follow-up text
    domain_keys: frozenset[str]  # the skill's vocabulary (every key of its packs' terms)
    # Keys that are whole terms on their own ("patch", "jitter"): a word inserted into a
    # longer term may not be one ("put patch delete" is a list, not "put, delete").
    single_keys: frozenset[str] = frozenset()
    # The things the question names in turn ("compare type 1 and type 2"), first to last,
    # each as the (statement, subject slot) pairs naming it: "the first one" in an answer
    # is the first of them.
    named_in_turn: tuple[tuple[tuple[int, int], ...], ...] = ()
    # Per thing named in turn, the one word that tells it from the others, when the names
    # share the rest ("continuous integration / delivery / deployment"): "delivery" alone.
    named_by_word: tuple[str | None, ...] = ()


def _first_position(keys: list[str], term: Term) -> int | None:
    """Where ``term`` first occurs in a sequence of keys (its parts in order, as written)."""
    first = term.parts[0]
    for start in range(len(keys) - len(first) + 1):
        if tuple(keys[start : start + len(first)]) != first:
            continue
        cursor = start + len(first)
        for part in term.parts[1:]:
            for skip in range(MAX_GAP + 1):
                if tuple(keys[cursor + skip : cursor + skip + len(part)]) == part:
                    cursor += skip + len(part)
                    break
            else:
                break
        else:
            return start
    return None


def _named_in_turn(
    question: Question, statements: list[CompiledStatement]
) -> tuple[tuple[tuple[tuple[int, int], ...], ...], tuple[str | None, ...]]:
    """The subjects the question's text names, in the order it names them (two or more),
    and for each the one word of its name that no other of them has."""
    keys = [t.key for t in tokenize(question.text) if t.is_word and t.text not in SOFT]
    where: dict[int, list[tuple[int, int]]] = {}
    names: dict[int, Term] = {}
    for statement in statements:
        if statement.relation is not Relation.SUBJECT:
            continue
        slot = statement.relation_slots[0]
        found = [
            (position, term)
            for term in statement.slots[slot]
            if (position := _first_position(keys, term)) is not None
        ]
        if found:
            position, term = min(found, key=lambda f: (f[0], -f[1].words))
            where.setdefault(position, []).append((statement.index, slot))
            if term.words > names.get(position, term).words or position not in names:
                names[position] = term
    if len(where) < 2:
        return (), ()
    order = sorted(where)
    words = [names[position].keyset for position in order]
    own: list[str | None] = []
    for index, keyset in enumerate(words):
        others = frozenset().union(*(w for i, w in enumerate(words) if i != index))
        distinct = keyset - others
        shared = keyset & others
        word = next(iter(distinct)) if len(distinct) == 1 and shared else None
        # A word that can stand for a name: no function word, number or short word ("all"
        # for Promise.all would be every "all" in an answer).
        usable = (
            word is not None
            and word.isalpha()
            and len(word) >= 4
            and word not in STOPWORDS | FIRST_MARKERS | LAST_MARKERS  # "First, I'd ..."
        )
        own.append(word if usable else None)
    return tuple(tuple(where[position]) for position in order), tuple(own)


def compile_question(
    question: Question, domain_keys: frozenset[str] = frozenset()
) -> CompiledQuestion:
    statements: list[CompiledStatement] = []
    sources: list[tuple[Statement, str | None]] = [(c, None) for c in question.claims]
    sources += [(m, m.contradicts) for m in question.misconceptions]
    for source, contradicts in sources:
        for form in source.forms:
            statements.append(compile_form(len(statements), source, form, contradicts))
    entries: dict[str, list[tuple[Term, int, int]]] = {}
    keys: set[str] = set()
    for statement in statements:
        for slot_index, terms in enumerate(statement.slots):
            for term in terms:
                entries.setdefault(term.first_key, []).append((term, statement.index, slot_index))
                keys.update(key for part in term.parts for key in part)
    entity_slots = frozenset(
        (s.index, s.relation_slots[0]) for s in statements if s.relation is Relation.SUBJECT
    )
    question_keys = frozenset(
        t.key
        for t in tokenize(f"{question.text} {question.followup}")
        if t.is_word and t.text not in SOFT
    )
    named_in_turn, named_by_word = _named_in_turn(question, statements)
    return CompiledQuestion(
        question=question,
        statements=tuple(statements),
        index={k: tuple(sorted(v, key=lambda e: -e[0].words)) for k, v in entries.items()},
        entity_slots=entity_slots,
        term_keys=frozenset(keys),
        question_keys=question_keys,
        domain_keys=domain_keys | frozenset(keys),
        single_keys=frozenset(
            term.parts[0][0]
            for statement in statements
            for terms in statement.slots
            for term in terms
            if term.words == 1
        ),
        named_in_turn=named_in_turn,
        named_by_word=named_by_word,
    )

"""Schemas of the interviewer's data files: role packs, skill packs and the lexicon.

Every YAML file under ``engine/packs`` is validated against these models when the
engine loads, so a malformed pack fails at start-up rather than mid-interview.

A question is judged by its **claims**. A claim is what a good answer states, written as
a few concept slots (each a set of interchangeable terms: synonyms, word forms and the
plain ways practitioners say it) and, where the claim depends on it, the relation that
must hold between them: which slot is the subject, an order (A before B), a cause (A
leads to B) or a negative polarity ("X does not Y"). A claim is credited only when one
clause of the answer states it. **Misconceptions** are the common wrong versions of a
question's claims, in the same shape; asserting one voids the claim it contradicts.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator


class Difficulty(StrEnum):
    """Question difficulty; also the interview's phase names."""

    warmup = "warmup"
    standard = "standard"
    advanced = "advanced"


DIFFICULTY_ORDER: tuple[Difficulty, ...] = (
    Difficulty.warmup,
    Difficulty.standard,
    Difficulty.advanced,
)

# A lexicon reference in a slot: "@domain.concept".
LEXICON_REF = re.compile(r"^@([a-z][a-z0-9_]*)\.([a-z0-9][a-z0-9_]*)$")
GAP = "*"  # inside a term: up to three words of anything ("send * sigterm")
MAX_TERM_WORDS = 10


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _flatten(value: object) -> object:
    """YAML anchors let a pack reuse a term list inside another; flatten such nesting.
    Numbers read as terms ("137", "3.11"), as YAML would otherwise hand them over."""
    if not isinstance(value, list):
        return value
    flat: list[object] = []
    for item in value:
        if isinstance(item, list):
            flat.extend(_flatten(item))  # type: ignore[arg-type]
        else:
            flat.append(str(item) if isinstance(item, int | float) else item)
    return flat


def _clean_terms(terms: list[str]) -> list[str]:
    cleaned = [" ".join(term.split()).lower() for term in terms]
    for term in cleaned:
        if not term:
            raise ValueError("terms must not be empty")
        if LEXICON_REF.match(term):
            continue  # expanded by the loader; a literal "@" is not matched anyway
        words = term.split()
        if words[0] == GAP or words[-1] == GAP:
            raise ValueError(f"{term!r}: a gap '*' must sit between words")
        if len(words) > MAX_TERM_WORDS:
            raise ValueError(f"{term!r}: a term has at most {MAX_TERM_WORDS} words")
    return list(dict.fromkeys(cleaned))


class Form(_Strict):
    """One way of stating something: concept slots and the relation between them."""

    slots: dict[str, list[str]] = Field(
        description="Concept slots: name -> interchangeable terms (or '@domain.concept')."
    )
    subject: str | None = Field(default=None, description="The slot the others are said of.")
    order: tuple[str, str] | None = Field(default=None, description="[a, b]: a happens first.")
    cause: tuple[str, str] | None = Field(default=None, description="[a, b]: a leads to b.")
    negated: bool = Field(default=False, description="The statement says the relation is NOT so.")

    @field_validator("slots", mode="before")
    @classmethod
    def _flatten_slots(cls, value: object) -> object:
        if isinstance(value, dict):
            return {name: _flatten(terms) for name, terms in value.items()}
        return value

    @field_validator("slots")
    @classmethod
    def _check_slots(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        if not 2 <= len(value) <= 4:
            raise ValueError(f"needs 2 to 4 slots, has {len(value)}")
        checked: dict[str, list[str]] = {}
        for name, terms in value.items():
            if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
                raise ValueError(f"slot name {name!r} must be lower_snake_case")
            if not terms:
                raise ValueError(f"slot {name!r} has no terms")
            checked[name] = _clean_terms(terms)
        return checked

    @model_validator(mode="after")
    def _relations_name_slots(self) -> Self:
        named = [self.subject] if self.subject else []
        for pair in (self.order, self.cause):
            if pair is not None:
                if pair[0] == pair[1]:
                    raise ValueError("a relation needs two different slots")
                named.extend(pair)
        unknown = [name for name in named if name not in self.slots]
        if unknown:
            raise ValueError(f"relation names unknown slots: {', '.join(unknown)}")
        if self.order is not None and self.cause is not None:
            raise ValueError("give an order or a cause, not both")
        return self


class Statement(Form):
    """What claims and misconceptions share: an id, the statement in words, and one or
    more forms of saying it (``slots`` and relations, plus ``also``: other forms that
    state the same thing, such as "lists are mutable" for "tuples are immutable")."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    text: str = Field(min_length=8, description="The statement, shown to recruiters.")
    also: list[Form] = Field(default_factory=list)

    @property
    def forms(self) -> list[Form]:
        return [self, *self.also]


class Claim(Statement):
    """One thing a good answer states."""


class Misconception(Statement):
    """A common wrong version of one of the question's claims."""

    contradicts: str = Field(description="The id of the claim this gets wrong.")


class Question(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    difficulty: Difficulty
    text: str = Field(min_length=15)
    followup: str = Field(min_length=10, description="Asked once when the answer is vague.")
    claims: list[Claim] = Field(min_length=2, max_length=8)
    misconceptions: list[Misconception] = Field(default_factory=list)
    enough: int | None = Field(
        default=None, ge=1, description="Claims that earn full marks (default: all but one)."
    )
    # The claims compiled for matching (hireloop.engine.judge.terms), set once on load.
    _compiled: object = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        ids = [c.id for c in self.claims] + [m.id for m in self.misconceptions]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"{self.id}: duplicate claim ids: {', '.join(duplicates)}")
        claim_ids = {c.id for c in self.claims}
        for wrong in self.misconceptions:
            if wrong.contradicts not in claim_ids:
                raise ValueError(
                    f"{self.id}: misconception {wrong.id!r} contradicts unknown claim "
                    f"{wrong.contradicts!r}"
                )
        if self.enough is not None and self.enough > len(self.claims):
            raise ValueError(f"{self.id}: enough={self.enough} exceeds its claims")
        return self

    @property
    def claims_for_full_marks(self) -> int:
        if self.enough is not None:
            return self.enough
        return max(1, len(self.claims) - 1) if len(self.claims) >= 3 else len(self.claims)


class SkillPack(_Strict):
    """A skill area: questions at every difficulty about one skill."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_]*$")
    name: str
    technical: bool
    aliases: list[str] = Field(default_factory=list)
    questions: list[Question]

    @field_validator("questions")
    @classmethod
    def _two_per_difficulty(cls, value: list[Question]) -> list[Question]:
        for difficulty in DIFFICULTY_ORDER:
            count = sum(1 for q in value if q.difficulty is difficulty)
            if count < 2:
                raise ValueError(f"needs at least 2 {difficulty.value} questions, has {count}")
        return value


class GenericPack(_Strict):
    """Template questions for skills without a pack; their texts name the skill as
    ``{skill}`` (``packs/generic/experience.yaml``)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_]*$")
    questions: list[Question]


class RolePack(_Strict):
    """A role type: how to map job text to it and what an interview for it covers."""

    id: str = Field(pattern=r"^[a-z][a-z_]*$")
    name: str
    technical: bool
    aliases: list[str] = Field(default_factory=list)
    base_prompt: str = Field(min_length=40)
    core_skills: list[str] = Field(min_length=4, max_length=6)


class LexiconFile(_Strict):
    """Shared term sets of one domain (``packs/lexicon/<domain>.yaml``), referenced from
    skill packs as ``@domain.concept``."""

    domain: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    terms: dict[str, list[str]]

    @field_validator("terms", mode="before")
    @classmethod
    def _flatten_terms(cls, value: object) -> object:
        if isinstance(value, dict):
            return {name: _flatten(terms) for name, terms in value.items()}
        return value

    @field_validator("terms")
    @classmethod
    def _check_terms(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        checked: dict[str, list[str]] = {}
        for name, terms in value.items():
            if not re.fullmatch(r"[a-z0-9][a-z0-9_]*", name):
                raise ValueError(f"concept name {name!r} must be lower_snake_case")
            if not terms:
                raise ValueError(f"concept {name!r} has no terms")
            checked[name] = _clean_terms(terms)
            if any(LEXICON_REF.match(t) for t in checked[name]):
                raise ValueError(f"concept {name!r}: lexicon terms cannot reference others")
        return checked

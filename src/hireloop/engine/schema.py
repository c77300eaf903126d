"""Schemas of the interviewer's data files (role packs and skill packs).

Every YAML file under ``engine/packs`` is validated against these models when the
engine loads, so a malformed pack fails at start-up rather than mid-interview.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator


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


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KeyPoint(_Strict):
    """One thing a good answer covers, with the phrasings that count as covering it."""

    point: str = Field(min_length=3, description="Short statement shown as evidence/missed point.")
    phrasings: list[str] = Field(
        min_length=2,
        description="Words or short phrases (lower case) any of which shows the point is covered.",
    )

    @field_validator("phrasings")
    @classmethod
    def _lower_and_nonempty(cls, value: list[str]) -> list[str]:
        cleaned = [p.strip().lower() for p in value]
        if any(not p for p in cleaned):
            raise ValueError("phrasings must not be empty strings")
        return cleaned


class Question(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    difficulty: Difficulty
    text: str = Field(min_length=15)
    key_points: list[KeyPoint] = Field(min_length=2, max_length=6)
    followup: str = Field(min_length=10, description="Asked once when the answer is vague.")


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


class RolePack(_Strict):
    """A role type: how to map job text to it and what an interview for it covers."""

    id: str = Field(pattern=r"^[a-z][a-z_]*$")
    name: str
    technical: bool
    aliases: list[str] = Field(default_factory=list)
    base_prompt: str = Field(min_length=40)
    core_skills: list[str] = Field(min_length=4, max_length=6)

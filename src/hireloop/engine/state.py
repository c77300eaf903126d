"""The adaptive engine's state, as stored in ``interview_sessions``.

Everything the loop needs to continue an interview lives here and is persisted after
every turn, so a restarted server (or another server process) carries on seamlessly.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from hireloop.engine.schema import Difficulty


class Level(StrEnum):
    """Skill levels: one vocabulary everywhere (sessions, results, UI)."""

    not_assessed = "not_assessed"
    novice = "novice"
    intermediate = "intermediate"
    proficient = "proficient"
    expert = "expert"


class PlannedSkill(BaseModel):
    """One skill the interview will assess."""

    id: str
    name: str
    source: Literal["job", "role", "resume"]
    # False: no knowledge pack, so generic experience questions are used.
    has_pack: bool


class Cursor(BaseModel):
    """Where the loop stands."""

    skill_index: int = 0
    skill_id: str | None = None
    question_id: str | None = None
    question_message_id: str | None = None
    followup_asked: bool = False
    # The answer a pending follow-up builds on (its evidence is combined with the next one).
    followup_of_message_id: str | None = None
    asked_question_ids: list[str] = Field(default_factory=list)
    # The rung of each skill's difficulty ladder.
    skill_difficulty: dict[str, Difficulty] = Field(default_factory=dict)


class QuestionTurn(BaseModel):
    """A question the engine decided to ask, ready to be stored as a message."""

    text: str
    question_id: str
    skill_id: str
    skill_name: str
    difficulty: Difficulty
    is_followup: bool = False

    def metadata(self) -> dict[str, object]:
        return {
            "skill_area": self.skill_id,
            "skill_name": self.skill_name,
            "difficulty_level": self.difficulty.value,
            "is_followup": self.is_followup,
            "question_id": self.question_id,
        }

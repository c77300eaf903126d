"""The adaptive engine's state: one typed, versioned document.

Everything the loop needs to continue an interview lives in :class:`EngineState`, stored
whole as ``interview_sessions.state`` after every turn, so a restarted server (or another
server process) carries on seamlessly. It is loaded with :meth:`EngineState.from_document`
and saved with :meth:`EngineState.to_document`: a field added here is stored with no
column to add. A document written by an older version is upgraded on load, one small
function per version step (``_UPGRADES``); bump ``STATE_VERSION`` and add a step whenever
a stored field is renamed, removed or changes meaning.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from hireloop.engine.judge.verdict import Signal
from hireloop.engine.schema import Difficulty

STATE_VERSION: Final = 2  # and EngineState.version's Literal


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

    model_config = ConfigDict(extra="forbid")

    skill_id: str | None = None
    question_id: str | None = None
    question_message_id: str | None = None
    followup_asked: bool = False
    # The answer a pending follow-up builds on (its evidence is combined with the next one).
    followup_of_message_id: str | None = None
    asked_question_ids: list[str] = Field(default_factory=list)
    # The rung of each skill's difficulty ladder.
    skill_difficulty: dict[str, Difficulty] = Field(default_factory=dict)


class SkillAnswer(BaseModel):
    message_id: str
    question_id: str
    difficulty: Difficulty
    score: float
    signal: Signal
    is_followup: bool = False


class SkillState(BaseModel):
    """What the interview has learned about one planned skill."""

    level: Level = Level.not_assessed
    rung: Difficulty = Difficulty.warmup
    primary_questions: int = 0
    closed: bool = False
    answers: list[SkillAnswer] = Field(default_factory=list)


class EngineState(BaseModel):
    """The document the loop reads and writes (``interview_sessions.state``)."""

    # Unknown keys are refused rather than dropped: an upgrade step must account for them.
    model_config = ConfigDict(extra="forbid")

    version: Literal[2] = STATE_VERSION
    current_difficulty_level: Difficulty = Difficulty.warmup
    questions_asked_count: int = 0
    skill_plan: list[PlannedSkill]
    phase_history: list[dict[str, Any]] = Field(default_factory=list)
    # Every answer as evaluated, including vague ones awaiting their follow-up.
    response_quality_history: list[dict[str, Any]] = Field(default_factory=list)
    boundary_detections: list[dict[str, Any]] = Field(default_factory=list)
    skill_levels: dict[str, SkillState] = Field(default_factory=dict)
    cursor: Cursor = Field(default_factory=Cursor)

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> EngineState:
        return cls.model_validate(upgrade_document(document))

    def to_document(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def skill(self, skill_id: str) -> PlannedSkill:
        return next(s for s in self.skill_plan if s.id == skill_id)

    @property
    def skills_explored(self) -> list[str]:
        """Skills with evidence recorded, in the order their first answer came."""
        answered = {skill_id for skill_id, skill in self.skill_levels.items() if skill.answers}
        first_seen = dict.fromkeys(entry["skill_id"] for entry in self.response_quality_history)
        return [skill_id for skill_id in first_seen if skill_id in answered]

    @property
    def skills_pending(self) -> list[str]:
        """Planned skills with no evidence recorded yet, in plan order."""
        levels = self.skill_levels
        return [s.id for s in self.skill_plan if s.id not in levels or not levels[s.id].answers]


def _v1_to_v2(document: Mapping[str, Any]) -> dict[str, Any]:
    """Version 1 is the nine ``interview_sessions`` columns of migrations 0001-0009, as
    migration 0010 moved them into the document. ``skills_explored`` and
    ``skills_pending`` repeated ``skill_levels`` (they are derived now) and
    ``Cursor.skill_index`` was never used."""
    upgraded = {
        key: value
        for key, value in document.items()
        if key not in ("skills_explored", "skills_pending")
    }
    cursor = document.get("cursor") or {}
    upgraded["cursor"] = {key: value for key, value in cursor.items() if key != "skill_index"}
    upgraded["version"] = 2
    return upgraded


# From version N to N + 1.
_UPGRADES: dict[int, Callable[[Mapping[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}


def upgrade_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """The document in the current version's shape (a document without a version is 1)."""
    upgraded = dict(document)
    version = upgraded.get("version", 1)
    if not isinstance(version, int) or version > STATE_VERSION:
        raise ValueError(
            f"engine state version {version!r} is not one this server knows "
            f"(it knows up to {STATE_VERSION}): written by a newer release?"
        )
    while version < STATE_VERSION:
        upgraded = _UPGRADES[version](upgraded)
        version = upgraded["version"]
    return upgraded


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

"""The engine state is one versioned document: saved whole, older versions upgraded on load."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from hireloop.engine.judge.verdict import Signal, Verdict
from hireloop.engine.knowledge import get_knowledge
from hireloop.engine.loop import AdaptiveLoop, LoopConfig
from hireloop.engine.planner import build_skill_plan
from hireloop.engine.state import STATE_VERSION, EngineState, SkillState, upgrade_document

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _version_1() -> dict[str, Any]:
    """A mid-interview state as the nine columns of revisions 0001-0009 held it: the
    first skill answered (once vaguely, then in a follow-up), the second one asked."""
    plan = [s.model_dump(mode="json") for s in build_skill_plan(get_knowledge(), "python")]
    first, second = plan[0]["id"], plan[1]["id"]
    answer = {
        "message_id": "a2",
        "question_id": "q1",
        "difficulty": "warmup",
        "score": 0.8,
        "signal": "strong",
        "is_followup": True,
    }
    return {
        "version": 1,
        "current_difficulty_level": "warmup",
        "questions_asked_count": 3,
        "skill_plan": plan,
        "phase_history": [{"phase": "warmup", "question_number": 1, "at": NOW.isoformat()}],
        "response_quality_history": [
            {"skill_id": first, "message_id": "a1", "score": 0.3, "signal": "vague"},
            {"skill_id": first, "message_id": "a2", "score": 0.8, "signal": "strong"},
        ],
        "skills_explored": [first],
        "skills_pending": [s["id"] for s in plan[1:]],
        "boundary_detections": [],
        "skill_levels": {
            first: {"level": "intermediate", "primary_questions": 1, "answers": [answer]},
            second: {"primary_questions": 1},
        },
        "cursor": {
            "skill_index": 0,
            "skill_id": second,
            "question_id": "q2",
            "question_message_id": "m3",
            "asked_question_ids": ["q1", "q2"],
            "skill_difficulty": {first: "warmup", second: "warmup"},
        },
    }


def test_a_version_1_document_is_upgraded_on_load_and_saved_as_the_current_version() -> None:
    old = _version_1()
    state = EngineState.from_document(old)
    assert state.version == STATE_VERSION == 2
    # What version 1 stored beside skill_levels is derived, with the same values.
    assert state.skills_explored == old["skills_explored"]
    assert state.skills_pending == old["skills_pending"]
    assert state.cursor.question_message_id == "m3"
    assert state.skill_levels[old["skills_explored"][0]].answers[0].message_id == "a2"
    saved = state.to_document()
    assert saved["version"] == 2
    assert "skills_explored" not in saved and "skills_pending" not in saved
    assert "skill_index" not in saved["cursor"]
    assert EngineState.from_document(saved) == state
    assert old["version"] == 1 and "skill_index" in old["cursor"], "the input is not changed"


def test_a_document_without_a_version_is_version_1() -> None:
    old = _version_1()
    del old["version"]
    assert upgrade_document(old) == upgrade_document(_version_1())


def test_a_document_from_a_newer_server_is_refused_not_misread() -> None:
    newer = {**EngineState.from_document(_version_1()).to_document(), "version": 3}
    with pytest.raises(ValueError, match="newer release"):
        EngineState.from_document(newer)


def test_an_unknown_field_is_refused_rather_than_silently_dropped() -> None:
    document = {**EngineState.from_document(_version_1()).to_document(), "surprise": 1}
    with pytest.raises(ValidationError):
        EngineState.from_document(document)


def test_every_field_survives_a_save_and_load() -> None:
    kb = get_knowledge()
    plan = build_skill_plan(kb, "python")
    state = EngineState(skill_plan=plan, skill_levels={s.id: SkillState() for s in plan})
    loop = AdaptiveLoop(kb, LoopConfig())
    assert loop.next_question(state, seed="seed", now=NOW) is not None
    weak = Verdict(score=0.1, signal=Signal.weak, word_count=5, key_points_missed=["the point"])
    loop.record_answer(state, weak, answer_message_id="a1", now=NOW)
    assert loop.next_question(state, seed="seed", now=NOW) is not None
    loaded = EngineState.from_document(state.to_document())
    assert loaded == state
    assert loaded.boundary_detections and loaded.response_quality_history
    assert loaded.skills_explored == [plan[0].id]
    assert loaded.skills_pending == [s.id for s in plan[1:]]

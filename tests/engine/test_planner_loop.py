"""Unit tests for the pure engine logic: skill plans, the ladder, phases, stop rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hireloop.engine.judge.verdict import Signal, Verdict
from hireloop.engine.knowledge import get_knowledge
from hireloop.engine.loop import AdaptiveLoop, LoopConfig, level_for
from hireloop.engine.planner import build_skill_plan
from hireloop.engine.results import recommend
from hireloop.engine.schema import Difficulty
from hireloop.engine.state import EngineState, Level, SkillState

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def test_job_plan_puts_required_skills_first_and_tops_up_to_four() -> None:
    plan = build_skill_plan(get_knowledge(), "react", ["GraphQL", "k8s"])
    assert [s.id for s in plan[:2]] == ["graphql", "kubernetes"]
    assert [s.source for s in plan] == ["job", "job", "role", "role"]


def test_job_plan_dedupes_aliases_caps_at_six_and_keeps_unknown_skills() -> None:
    skills = ["Postgres", "PostgreSQL", "Docker", "Salesforce CPQ", "AWS", "Kafka", "Redis", "Git"]
    plan = build_skill_plan(get_knowledge(), "python", skills)
    assert len(plan) == 6
    assert [s.id for s in plan].count("postgresql") == 1
    generic = next(s for s in plan if s.name == "Salesforce CPQ")
    assert not generic.has_pack and generic.id.startswith("generic-")


def test_unknown_skills_that_differ_only_in_symbols_or_script_are_all_planned() -> None:
    skills = ["C", "C++", "数据分析", "数据库设计"]  # none has a knowledge pack
    plan = build_skill_plan(get_knowledge(), "python", skills)
    assert [s.name for s in plan[:4]] == skills
    assert len({s.id for s in plan}) == len(plan)


def test_standalone_plan_is_the_roles_core_areas() -> None:
    kb = get_knowledge()
    plan = build_skill_plan(kb, "devops")
    assert [s.id for s in plan] == kb.roles["devops"].core_skills


def test_non_technical_role_never_gets_a_technical_pack() -> None:
    plan = build_skill_plan(get_knowledge(), "sales", ["SQL", "Negotiation"])
    sql = next(s for s in plan if s.name == "SQL")
    assert not sql.has_pack, "asked through experience questions, never a coding pack"


@pytest.mark.parametrize(
    ("difficulty", "score", "level"),
    [
        (Difficulty.warmup, 0.2, Level.novice),
        (Difficulty.warmup, 0.5, Level.novice),
        (Difficulty.warmup, 0.9, Level.intermediate),
        (Difficulty.standard, 0.5, Level.intermediate),
        (Difficulty.standard, 0.8, Level.proficient),
        (Difficulty.advanced, 0.5, Level.proficient),
        (Difficulty.advanced, 0.75, Level.expert),
    ],
)
def test_levels(difficulty: Difficulty, score: float, level: Level) -> None:
    assert level_for(difficulty, score) is level


def _evaluation(score: float, signal: Signal) -> Verdict:
    return Verdict(
        score=score,
        key_points_covered=[],
        key_points_missed=["a missed point"] if score < 0.7 else [],
        signal=signal,
        word_count=40,
    )


def _state(role: str = "python") -> tuple[AdaptiveLoop, EngineState]:
    kb = get_knowledge()
    plan = build_skill_plan(kb, role)
    state = EngineState(
        skill_plan=plan,
        skill_levels={s.id: SkillState() for s in plan},
        phase_history=[{"phase": "warmup", "question_number": 1, "at": NOW.isoformat()}],
    )
    return AdaptiveLoop(kb, LoopConfig(min_questions=8, max_questions=15)), state


def _turn(loop: AdaptiveLoop, state: EngineState, score: float, signal: Signal) -> object:
    followup = loop.record_answer(state, _evaluation(score, signal), answer_message_id="m", now=NOW)
    if followup:
        return "followup"
    if loop.stop_reason(state, started_at=NOW, now=NOW):
        return None
    return loop.next_question(state, seed="seed", now=NOW)


def test_strong_answers_climb_the_ladder_and_phases_only_go_forward() -> None:
    loop, state = _state()
    first = loop.next_question(state, seed="seed", now=NOW)
    assert first is not None and first.difficulty is Difficulty.warmup
    second = _turn(loop, state, 0.9, Signal.strong)
    assert getattr(second, "difficulty", None) is Difficulty.warmup, "two warm-up questions"
    third = _turn(loop, state, 0.9, Signal.strong)
    assert getattr(third, "skill_id", None) == first.skill_id
    assert getattr(third, "difficulty", None) is Difficulty.standard
    fourth = _turn(loop, state, 0.9, Signal.strong)
    assert getattr(fourth, "difficulty", None) is Difficulty.advanced
    assert [p["phase"] for p in state.phase_history] == ["warmup", "standard", "advanced"]
    assert state.skill_levels[first.skill_id].level is Level.proficient


def test_weak_answer_records_a_boundary_and_moves_on() -> None:
    loop, state = _state()
    first = loop.next_question(state, seed="seed", now=NOW)
    assert first is not None
    nxt = _turn(loop, state, 0.1, Signal.weak)
    assert getattr(nxt, "skill_id", None) != first.skill_id
    boundary = state.boundary_detections[0]
    assert boundary["skill_id"] == first.skill_id and boundary["missed_points"]
    assert state.skill_levels[first.skill_id].closed


def test_vague_answer_gets_exactly_one_followup() -> None:
    loop, state = _state()
    loop.next_question(state, seed="seed", now=NOW)
    assert _turn(loop, state, 0.2, Signal.vague) == "followup"
    state.cursor.followup_asked = True
    assert _turn(loop, state, 0.2, Signal.vague) != "followup"


def test_stops_at_max_questions_and_time_limit() -> None:
    loop, state = _state()
    loop.next_question(state, seed="seed", now=NOW)
    state.questions_asked_count = 15
    assert loop.stop_reason(state, started_at=NOW, now=NOW) == "max_questions"
    state.questions_asked_count = 3
    late = NOW + timedelta(minutes=46)
    assert loop.stop_reason(state, started_at=NOW, now=late) == "time_limit"


def test_recommendation_is_calibrated_to_seniority() -> None:
    assert recommend(72, "junior") == "strong_yes"
    assert recommend(72, "principal") == "lean_no"

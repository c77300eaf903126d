"""The adaptive loop: after each answer, decide what happens next.

Our code, not a language model, decides the flow (SPEC §5):

- Phases: the first two questions are warm-ups, then ``standard``; the interview enters
  ``advanced`` with its first advanced question. The global phase never goes back.
- Per skill, a ladder: a strong answer (``THRESHOLDS.strong``) moves the skill up one
  difficulty; a weak answer (below ``THRESHOLDS.passing``) records a boundary with
  evidence and moves on to the next skill; a vague answer gets exactly one follow-up on
  the same point.
- Stop: every planned skill has a level and at least ``min_questions`` were asked; or
  ``max_questions``; or the time limit; or nothing useful is left to ask.

The loop is pure: it reads and updates an :class:`EngineState` (stored as one document
in the ``interview_sessions`` row) and never touches the database itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from hireloop.engine.judge.verdict import THRESHOLDS, Signal, Verdict
from hireloop.engine.knowledge import KnowledgeBase
from hireloop.engine.planner import choose_question, skill_questions
from hireloop.engine.schema import DIFFICULTY_ORDER, Difficulty, Question
from hireloop.engine.state import (
    EngineState,
    Level,
    PlannedSkill,
    QuestionTurn,
    SkillAnswer,
    SkillState,
)

WARMUP_QUESTIONS = 2
MAX_PRIMARY_QUESTIONS_PER_SKILL = 3


@dataclass(frozen=True)
class LoopConfig:
    min_questions: int = 8
    max_questions: int = 15
    time_limit: timedelta = timedelta(minutes=45)


def level_for(difficulty: Difficulty, score: float) -> Level:
    """The level an answer demonstrates: how hard the question was and how well it went."""
    if score < THRESHOLDS.passing:
        return Level.novice
    strong = score >= THRESHOLDS.strong
    if difficulty is Difficulty.warmup:
        return Level.intermediate if strong else Level.novice
    if difficulty is Difficulty.standard:
        return Level.proficient if strong else Level.intermediate
    return Level.expert if strong else Level.proficient


_LEVEL_ORDER = list(Level)


def _higher(a: Level, b: Level) -> Level:
    return a if _LEVEL_ORDER.index(a) >= _LEVEL_ORDER.index(b) else b


def _step_up(difficulty: Difficulty) -> Difficulty | None:
    index = DIFFICULTY_ORDER.index(difficulty)
    return DIFFICULTY_ORDER[index + 1] if index + 1 < len(DIFFICULTY_ORDER) else None


def _step_down(difficulty: Difficulty) -> Difficulty:
    return DIFFICULTY_ORDER[max(0, DIFFICULTY_ORDER.index(difficulty) - 1)]


class AdaptiveLoop:
    def __init__(self, kb: KnowledgeBase, config: LoopConfig) -> None:
        self.kb = kb
        self.config = config

    # -- recording -------------------------------------------------------------------

    def record_answer(
        self,
        state: EngineState,
        evaluation: Verdict,
        *,
        answer_message_id: str,
        now: datetime,
    ) -> bool:
        """Fold an evaluated answer into the state. Returns True when a follow-up is due."""
        cursor = state.cursor
        assert cursor.skill_id is not None and cursor.question_id is not None
        skill_id = cursor.skill_id
        difficulty = cursor.skill_difficulty.get(skill_id, Difficulty.warmup)
        state.response_quality_history.append(
            {
                "question_number": state.questions_asked_count,
                "message_id": answer_message_id,
                "skill_id": skill_id,
                "question_id": cursor.question_id,
                "difficulty": difficulty.value,
                "score": round(evaluation.score, 3),
                "signal": evaluation.signal.value,
                "is_followup": cursor.followup_asked,
                "at": now.isoformat(),
            }
        )
        if evaluation.signal is Signal.vague and not cursor.followup_asked:
            return True  # the ladder waits for the follow-up's combined evidence

        skill = state.skill_levels.setdefault(skill_id, SkillState())
        skill.answers.append(
            SkillAnswer(
                message_id=answer_message_id,
                question_id=cursor.question_id,
                difficulty=difficulty,
                score=evaluation.score,
                signal=evaluation.signal,
                is_followup=cursor.followup_asked,
            )
        )
        skill.level = _higher(skill.level, level_for(difficulty, evaluation.score))

        if evaluation.score < THRESHOLDS.passing:
            state.boundary_detections.append(
                {
                    "skill_id": skill_id,
                    "difficulty": difficulty.value,
                    "message_id": answer_message_id,
                    "score": round(evaluation.score, 3),
                    "missed_points": evaluation.key_points_missed,
                    "question_number": state.questions_asked_count,
                }
            )
            skill.closed = True
        elif evaluation.score >= THRESHOLDS.strong or difficulty is Difficulty.warmup:
            # Strong answers climb; a passable warm-up earns a chance at the next rung.
            higher = _step_up(difficulty)
            if higher is None:
                skill.closed = True
            else:
                skill.rung = higher
        else:
            skill.closed = True  # adequate above warm-up: the level is established
        if skill.primary_questions >= MAX_PRIMARY_QUESTIONS_PER_SKILL:
            skill.closed = True
        return False

    # -- deciding --------------------------------------------------------------------

    def time_is_up(self, *, started_at: datetime, now: datetime) -> bool:
        return now - started_at >= self.config.time_limit

    def stop_reason(self, state: EngineState, *, started_at: datetime, now: datetime) -> str | None:
        if state.questions_asked_count >= self.config.max_questions:
            return "max_questions"
        if self.time_is_up(started_at=started_at, now=now):
            return "time_limit"
        every_skill_levelled = all(
            state.skill_levels.get(s.id, SkillState()).level is not Level.not_assessed
            for s in state.skill_plan
        )
        all_closed = all(
            state.skill_levels.get(s.id, SkillState()).closed for s in state.skill_plan
        )
        if (
            every_skill_levelled
            and all_closed
            and (state.questions_asked_count >= self.config.min_questions)
        ):
            return "enough_evidence"
        return None

    def followup(self, state: EngineState, question: Question) -> QuestionTurn:
        cursor = state.cursor
        assert cursor.skill_id is not None
        planned = state.skill(cursor.skill_id)
        turn = QuestionTurn(
            text=question.followup,
            question_id=question.id,
            skill_id=planned.id,
            skill_name=planned.name,
            difficulty=cursor.skill_difficulty.get(planned.id, question.difficulty),
            is_followup=True,
        )
        self._ask(state, turn, followup=True)
        return turn

    def next_question(self, state: EngineState, *, seed: str, now: datetime) -> QuestionTurn | None:
        """Choose and register the next primary question; None when nothing is left."""
        number = state.questions_asked_count + 1
        choice = self._next_skill_and_difficulty(state, number)
        while choice is not None:
            planned, difficulty = choice
            question = choose_question(
                self.kb, planned, difficulty, set(state.cursor.asked_question_ids), seed
            )
            if question is not None:
                turn = QuestionTurn(
                    text=question.text,
                    question_id=question.id,
                    skill_id=planned.id,
                    skill_name=planned.name,
                    difficulty=question.difficulty,
                )
                state.skill_levels.setdefault(planned.id, SkillState()).primary_questions += 1
                self._ask(state, turn, followup=False)
                self._advance_phase(state, turn.difficulty, number, now)
                return turn
            # This skill has no unasked questions left: close it and look again.
            state.skill_levels.setdefault(planned.id, SkillState()).closed = True
            choice = self._next_skill_and_difficulty(state, number)
        return None

    def _next_skill_and_difficulty(
        self, state: EngineState, number: int
    ) -> tuple[PlannedSkill, Difficulty] | None:
        skills = state.skill_levels
        if number <= WARMUP_QUESTIONS:
            # Warm-up: easy openers, one skill each, before any ladder climbs.
            for planned in state.skill_plan:
                if skills.get(planned.id, SkillState()).primary_questions == 0:
                    return planned, Difficulty.warmup
        for planned in state.skill_plan:
            skill = skills.get(planned.id, SkillState())
            if skill.closed:
                continue
            rung = skill.rung
            if skill.primary_questions == 0 and number > WARMUP_QUESTIONS:
                rung = Difficulty.standard  # the candidate is warmed up by now
            return planned, rung
        if number > self.config.min_questions:
            return None
        # Every skill is closed but the interview is still short: gather more evidence
        # from the least-covered skill that still has unasked questions, one step below
        # where it stopped (confirming the level rather than repeating a failure).
        asked = set(state.cursor.asked_question_ids)
        candidates = [
            planned
            for planned in state.skill_plan
            if any(q.id not in asked for q in skill_questions(self.kb, planned))
        ]
        if not candidates:
            return None
        planned = min(candidates, key=lambda p: skills.get(p.id, SkillState()).primary_questions)
        skill = skills.setdefault(planned.id, SkillState())
        last = skill.answers[-1].difficulty if skill.answers else Difficulty.warmup
        failed = bool(skill.answers) and skill.answers[-1].score < THRESHOLDS.passing
        difficulty = _step_down(last) if failed else last
        skill.closed = False
        skill.rung = difficulty
        # One extra question only: it closes again after the answer.
        skill.primary_questions = max(skill.primary_questions, MAX_PRIMARY_QUESTIONS_PER_SKILL - 1)
        return planned, difficulty

    def _ask(self, state: EngineState, turn: QuestionTurn, *, followup: bool) -> None:
        cursor = state.cursor
        cursor.skill_id = turn.skill_id
        cursor.question_id = turn.question_id
        cursor.followup_asked = followup
        cursor.skill_difficulty[turn.skill_id] = turn.difficulty
        if not followup:
            cursor.asked_question_ids.append(turn.question_id)
        state.questions_asked_count += 1

    def _advance_phase(
        self, state: EngineState, difficulty: Difficulty, number: int, now: datetime
    ) -> None:
        phase = state.current_difficulty_level
        wanted = phase
        if number > WARMUP_QUESTIONS and phase is Difficulty.warmup:
            wanted = Difficulty.standard
        if DIFFICULTY_ORDER.index(difficulty) > DIFFICULTY_ORDER.index(wanted):
            wanted = difficulty
        if wanted is not phase:
            state.current_difficulty_level = wanted
            state.phase_history.append(
                {"phase": wanted.value, "question_number": number, "at": now.isoformat()}
            )

"""The interview's side of the AI provider (SPEC §6).

Builds provider requests from the engine state and the job posting. The adaptive loop
has already decided what to ask; these helpers only let the configured provider word it,
evaluate answers and word the results summary. They never touch the database, so a
caller can run them with no transaction open; each returns the provider's reply, whose
cost the caller adds to the interview (``record_usage``) when it writes the turn.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hireloop.config import Settings
from hireloop.engine.judge.verdict import THRESHOLDS, Verdict
from hireloop.engine.knowledge import get_knowledge
from hireloop.engine.planner import skill_questions
from hireloop.engine.prompts import JobContext
from hireloop.engine.providers import (
    BUILTIN,
    EvaluationRequest,
    InterviewContext,
    InterviewProvider,
    PlanStep,
    ProviderReply,
    QuestionRequest,
    QuestionStream,
    ResumeSummary,
    SkillSummary,
    SummaryRequest,
    TranscriptEntry,
    cost_usd,
    get_provider,
)
from hireloop.engine.results import ResultsData, SkillResult
from hireloop.engine.schema import Question
from hireloop.engine.state import EngineState, QuestionTurn
from hireloop.interviews import repository
from hireloop.interviews.models import Interview, MessageType
from hireloop.jobs.models import JobPosting
from hireloop.resumes.models import Resume

# How much of the conversation a model sees when wording the next question.
TRANSCRIPT_MESSAGES = 6


def provider_for(settings: Settings) -> InterviewProvider:
    return get_provider(settings)


def uses_model(provider: InterviewProvider) -> bool:
    return provider.name != BUILTIN


def job_context(job: JobPosting | None) -> JobContext | None:
    if job is None:
        return None
    return JobContext(
        title=job.title,
        company=job.company,
        role_category=job.role_category.value,
        experience_level=job.experience_level.value,
        tech_stack=job.tech_stack,
        required_skills=list(job.required_skills or []),
        description=job.description,
    )


def turn_deadline(settings: Settings) -> float:
    """When this turn's model calls must be done (``time.monotonic()``)."""
    return time.monotonic() + settings.ai_turn_budget_seconds


def _plan(state: EngineState) -> list[PlanStep]:
    current = state.cursor.skill_id
    steps = []
    for planned in state.skill_plan:
        skill = state.skill_levels.get(planned.id)
        status = (
            "current"
            if planned.id == current
            else "done"
            if skill is not None and skill.closed
            else "pending"
        )
        steps.append(PlanStep(skill_name=planned.name, status=status))
    return steps


async def resume_summary(session: AsyncSession, interview: Interview) -> ResumeSummary | None:
    """The facts of the resume an interview uses (for a model's context), if any."""
    if interview.resume_id is None:
        return None
    resume = await session.get(Resume, interview.resume_id)
    parsed = (resume.parsed or {}) if resume is not None else {}
    if not parsed:
        return None
    return ResumeSummary(
        skills=list(parsed.get("skills", []))[:12],
        recent_titles=list(parsed.get("recent_titles", []))[:3],
        years_of_experience=parsed.get("years_of_experience"),
    )


def interview_context(
    interview: Interview,
    state: EngineState,
    settings: Settings,
    job: JobPosting | None,
    resume: ResumeSummary | None = None,
) -> InterviewContext:
    return InterviewContext(
        role_type=interview.role_type,
        job=job_context(job),
        resume=resume,
        plan=_plan(state),
        phase=state.current_difficulty_level,
        question_number=max(1, state.questions_asked_count),
        max_questions=settings.max_questions,
    )


async def recent_transcript(
    session: AsyncSession, interview_id: uuid.UUID
) -> list[TranscriptEntry]:
    """The last few questions and answers, oldest first (the newest is the open question)."""
    return [
        TranscriptEntry(
            speaker="candidate"
            if m.message_type is MessageType.candidate_response
            else "interviewer",
            text=m.content_text,
        )
        for m in await repository.latest_messages(session, interview_id, TRANSCRIPT_MESSAGES)
    ]


def record_usage(interview: Interview, reply: ProviderReply[Any], settings: Settings) -> None:
    """Add a call's tokens to the interview; the cost follows from the running totals."""
    if reply.provider == BUILTIN:
        return
    interview.ai_provider = reply.provider
    interview.ai_model_used = reply.model
    interview.prompt_tokens = (interview.prompt_tokens or 0) + reply.usage.prompt_tokens
    interview.completion_tokens = (interview.completion_tokens or 0) + reply.usage.completion_tokens
    interview.total_tokens_used = interview.prompt_tokens + interview.completion_tokens
    if reply.attempts and not reply.usage.known:
        interview.ai_usage_known = False  # a reply without usage: the true cost is unknown
    interview.cost_usd = cost_usd(
        settings.ai_prices,
        interview.ai_model_used,
        interview.prompt_tokens,
        interview.completion_tokens,
        usage_known=interview.ai_usage_known is not False,
    )


async def word_question(
    provider: InterviewProvider,
    settings: Settings,
    interview: Interview,
    state: EngineState,
    turn: QuestionTurn,
    question: Question,
    *,
    job: JobPosting | None,
    transcript: list[TranscriptEntry],
    resume: ResumeSummary | None = None,
    deadline: float | None = None,
    stream: QuestionStream | None = None,
) -> tuple[QuestionTurn, ProviderReply[Any]]:
    """The loop's chosen question, worded by the provider (shown word by word on
    ``stream`` as it is worded); plus the provider's reply."""
    request = QuestionRequest(
        context=interview_context(interview, state, settings, job, resume),
        skill_name=turn.skill_name,
        difficulty=turn.difficulty,
        is_followup=turn.is_followup,
        reference=turn.text,
        question=question,
        recent_transcript=transcript,
    )
    reply = await provider.word_question(request, deadline=deadline, stream=stream)
    if stream is not None:  # whoever worded it in the end, the client sees the final text
        await stream.show(reply.value.text)
    return turn.model_copy(update={"text": reply.value.text}), reply


async def followed_up_answer(session: AsyncSession, state: EngineState) -> str | None:
    """When the open question is a follow-up: the answer it follows up."""
    cursor = state.cursor
    if not (cursor.followup_asked and cursor.followup_of_message_id):
        return None
    original = await repository.message_by_id(session, cursor.followup_of_message_id)
    return original.content_text if original is not None else None


async def evaluate(
    provider: InterviewProvider,
    settings: Settings,
    interview: Interview,
    state: EngineState,
    question: Question,
    answer: str,
    recent: list[TranscriptEntry],
    original_answer: str | None,
    *,
    resume: ResumeSummary | None = None,
    deadline: float | None = None,
) -> ProviderReply[Verdict]:
    """Evaluate the answer to the open question; a follow-up's answer is evaluated
    together with the answer it follows up (``original_answer``)."""
    cursor = state.cursor
    assert cursor.skill_id is not None
    asked = next((e.text for e in reversed(recent) if e.speaker == "interviewer"), question.text)
    request = EvaluationRequest(
        context=interview_context(interview, state, settings, interview.job_posting, resume),
        skill_name=state.skill(cursor.skill_id).name,
        difficulty=cursor.skill_difficulty.get(cursor.skill_id, question.difficulty),
        question=question,
        asked_text=asked,
        answer=answer,
        original_answer=original_answer,
    )
    return await provider.evaluate(request, deadline=deadline)


def _summary_of(result: SkillResult) -> SkillSummary:
    return SkillSummary(
        skill_id=result.skill_id,
        skill_name=result.skill_name,
        level=result.level.value,
        score=result.score or 0.0,
        missed_points=result.missed[:5],
        quotes=[c.quote for c in result.credited[:3]],
    )


async def word_results(
    provider: InterviewProvider,
    settings: Settings,
    interview: Interview,
    state: EngineState,
    results: ResultsData,
    *,
    job: JobPosting | None,
    deadline: float | None = None,
) -> tuple[ResultsData, dict[str, object], ProviderReply[Any] | None]:
    """Strengths and growth areas worded by the model, for the skills the engine chose;
    plus the wording's metadata and the provider's reply (None when no call was made).

    Scores, levels, evidence and insufficient-evidence skills are never sent back by the
    model: only the wording of skills that already qualify changes.
    """
    if not uses_model(provider):
        return results, {"provider": BUILTIN, "model": None, "fallback": False}, None
    # The same rule build_results uses to pick strengths, in the same order.
    strong = [
        r
        for r in results.skill_results
        if r.score is not None and r.score >= THRESHOLDS.strong * 100
    ]
    # Skills without evidence keep the engine's wording: the model has nothing to go on.
    growth_ids = {g["skill_id"] for g in results.growth_areas}
    growth = [r for r in results.skill_results if r.skill_id in growth_ids and r.score is not None]
    if len(strong) != len(results.strengths) or not (strong or growth):
        return results, {"provider": provider.name, "model": provider.model, "skipped": True}, None
    request = SummaryRequest(
        context=interview_context(interview, state, settings, job),
        strengths=[_summary_of(r) for r in strong],
        growth_areas=[_summary_of(r) for r in growth],
    )
    reply = await provider.summarize(request, deadline=deadline)
    draft = reply.value
    strengths = [
        f"{r.skill_name}: {r.level.value} level. {draft.strengths[r.skill_id]}"
        if r.skill_id in draft.strengths
        else original
        for r, original in zip(strong, results.strengths, strict=True)
    ]
    growth_areas = [
        {**g, "suggestion": draft.growth_suggestions.get(g["skill_id"], g["suggestion"])}
        for g in results.growth_areas
    ]
    worded = results.model_copy(update={"strengths": strengths, "growth_areas": growth_areas})
    return worded, reply.metadata(), reply


async def word_opening_question(
    settings: Settings,
    interview: Interview,
    state: EngineState,
    turn: QuestionTurn,
    job: JobPosting | None,
) -> tuple[QuestionTurn, ProviderReply[Any]]:
    """The first question, worded by the configured provider (the welcome stays ours)."""
    planned = state.skill(turn.skill_id)
    pack = skill_questions(get_knowledge(), planned)
    question = next(q for q in pack if q.id == turn.question_id)
    provider = provider_for(settings)
    return await word_question(
        provider,
        settings,
        interview,
        state,
        turn,
        question,
        job=job,
        transcript=[],
        deadline=turn_deadline(settings),
    )

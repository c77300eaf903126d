"""Interviewer providers: the built-in engine and any OpenAI-compatible model (SPEC §6)."""

from hireloop.engine.providers.base import (
    BUILTIN,
    OPENAI,
    EvaluationRequest,
    InterviewContext,
    InterviewProvider,
    PlanStep,
    ProviderReply,
    QuestionDraft,
    QuestionRequest,
    QuestionStream,
    ResumeSummary,
    SkillSummary,
    SummaryDraft,
    SummaryRequest,
    TranscriptEntry,
    Usage,
    cost_usd,
)
from hireloop.engine.providers.registry import close_providers, get_provider

__all__ = [
    "BUILTIN",
    "OPENAI",
    "EvaluationRequest",
    "InterviewContext",
    "InterviewProvider",
    "PlanStep",
    "ProviderReply",
    "QuestionDraft",
    "QuestionRequest",
    "QuestionStream",
    "ResumeSummary",
    "SkillSummary",
    "SummaryDraft",
    "SummaryRequest",
    "TranscriptEntry",
    "Usage",
    "close_providers",
    "cost_usd",
    "get_provider",
]

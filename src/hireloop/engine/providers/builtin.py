"""The built-in provider: the knowledge packs' wording and the offline evaluator.

It is the default provider and the fallback for every model call that fails, so it
must never fail itself and never touch the network.
"""

from __future__ import annotations

from hireloop.engine.evaluator import AnswerEvaluation, evaluate_answer, evaluate_followup
from hireloop.engine.providers.base import (
    BUILTIN,
    EvaluationRequest,
    ProviderReply,
    QuestionDraft,
    QuestionRequest,
    SummaryDraft,
    SummaryRequest,
)


def builtin_question(request: QuestionRequest) -> QuestionDraft:
    return QuestionDraft(text=request.reference)


def builtin_evaluation(request: EvaluationRequest) -> AnswerEvaluation:
    if request.original_answer is not None:
        return evaluate_followup(request.question, request.original_answer, request.answer)
    return evaluate_answer(request.question, request.answer)


class BuiltinProvider:
    """Deterministic: the same request always gets the same reply."""

    @property
    def name(self) -> str:
        return BUILTIN

    @property
    def model(self) -> str | None:
        return None

    async def word_question(self, request: QuestionRequest) -> ProviderReply[QuestionDraft]:
        return ProviderReply(value=builtin_question(request), provider=BUILTIN)

    async def evaluate(self, request: EvaluationRequest) -> ProviderReply[AnswerEvaluation]:
        return ProviderReply(value=builtin_evaluation(request), provider=BUILTIN)

    async def summarize(self, request: SummaryRequest) -> ProviderReply[SummaryDraft]:
        # Empty draft: the engine's own wording of strengths and growth areas stands.
        return ProviderReply(value=SummaryDraft(), provider=BUILTIN)

    async def aclose(self) -> None:
        return None

"""The built-in provider: the knowledge packs' wording and the offline claim judge.

It is the default provider and the fallback for every model call that fails, so it
must never fail itself and never touch the network.
"""

from __future__ import annotations

from hireloop.engine.judge.builtin import judge_answer
from hireloop.engine.judge.verdict import Verdict
from hireloop.engine.providers.base import (
    BUILTIN,
    EvaluationRequest,
    ProviderReply,
    QuestionDraft,
    QuestionRequest,
    QuestionStream,
    SummaryDraft,
    SummaryRequest,
)


def builtin_question(request: QuestionRequest) -> QuestionDraft:
    return QuestionDraft(text=request.reference)


def builtin_evaluation(request: EvaluationRequest) -> Verdict:
    return judge_answer(request.question, request.answer, request.original_answer)


class BuiltinProvider:
    """Deterministic: the same request always gets the same reply."""

    @property
    def name(self) -> str:
        return BUILTIN

    @property
    def model(self) -> str | None:
        return None

    async def word_question(
        self,
        request: QuestionRequest,
        *,
        deadline: float | None = None,
        stream: QuestionStream | None = None,
    ) -> ProviderReply[QuestionDraft]:
        draft = builtin_question(request)
        if stream is not None:
            await stream.show(draft.text)
        return ProviderReply(value=draft, provider=BUILTIN)

    async def evaluate(
        self, request: EvaluationRequest, *, deadline: float | None = None
    ) -> ProviderReply[Verdict]:
        return ProviderReply(value=builtin_evaluation(request), provider=BUILTIN)

    async def summarize(
        self, request: SummaryRequest, *, deadline: float | None = None
    ) -> ProviderReply[SummaryDraft]:
        # Empty draft: the engine's own wording of strengths and growth areas stands.
        return ProviderReply(value=SummaryDraft(), provider=BUILTIN)

    async def aclose(self) -> None:
        return None

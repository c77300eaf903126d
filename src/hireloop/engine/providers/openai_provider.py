"""Any OpenAI-compatible Chat Completions server as the interviewer (SPEC §6).

Built on the official ``openai`` async client, with our own retry policy (the client's
is switched off) so that every request has a bounded cost in time: each attempt has a
timeout; 429, 5xx, timeouts, refused connections and unusable replies are retried with
exponential backoff and jitter, honouring ``Retry-After``; when the attempts or the
request's time budget (``HIRELOOP_AI_RETRY_BUDGET_SECONDS``) run out, the built-in
engine answers instead and the reply says why.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import openai
import structlog
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletion
from pydantic import BaseModel

from hireloop.config import Settings
from hireloop.engine.evaluator import AnswerEvaluation
from hireloop.engine.providers.base import (
    OPENAI,
    EvaluationRequest,
    ProviderReply,
    QuestionDraft,
    QuestionRequest,
    SummaryDraft,
    SummaryRequest,
    Usage,
)
from hireloop.engine.providers.builtin import builtin_evaluation, builtin_question
from hireloop.engine.providers.tasks import (
    EVALUATION_TASK,
    QUESTION_TASK,
    SUMMARY_TASK,
    ChatMessages,
    InvalidOutput,
    Task,
    evaluation_chat,
    parse_evaluation,
    parse_question,
    parse_summary,
    question_chat,
    summary_chat,
)

log = structlog.get_logger(__name__)

T = TypeVar("T", bound=BaseModel)
# Structured-output modes, most to least specific; "auto" walks down this list when a
# server rejects a mode, and remembers the first one that works.
FORMAT_MODES = ("json_schema", "json_object", "none")
# Local servers ignore the key, but the client insists on one.
PLACEHOLDER_API_KEY = "not-needed"
MAX_TOKENS = 600


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class _Final(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def retry_after_seconds(headers: Any) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``Retry-After`` (seconds or HTTP date)."""
    if headers is None:
        return None
    milliseconds = headers.get("retry-after-ms")
    if milliseconds:
        try:
            return max(0.0, float(milliseconds) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def backoff_delay(
    attempt: int, base: float, cap: float, retry_after: float | None, jitter: float
) -> float:
    """Exponential backoff with jitter (``jitter`` in [0, 1)); never less than Retry-After."""
    exponential = min(cap, base * float(2**attempt))
    delay = exponential * (0.5 + jitter / 2)
    return max(delay, retry_after or 0.0)


class OpenAIProvider:
    def __init__(
        self,
        settings: Settings,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._settings = settings
        self._sleep = sleep
        self._jitter = jitter
        self._format = "json_schema" if settings.ai_response_format == "auto" else None
        self._client: AsyncOpenAI | None = None
        self._client_loop: asyncio.AbstractEventLoop | None = None

    @property
    def name(self) -> str:
        return OPENAI

    @property
    def model(self) -> str | None:
        return self._settings.ai_model

    # -- the three tasks ---------------------------------------------------------------

    async def word_question(self, request: QuestionRequest) -> ProviderReply[QuestionDraft]:
        return await self._run(
            QUESTION_TASK, question_chat(request), parse_question, lambda: builtin_question(request)
        )

    async def evaluate(self, request: EvaluationRequest) -> ProviderReply[AnswerEvaluation]:
        return await self._run(
            EVALUATION_TASK,
            evaluation_chat(request),
            lambda text: parse_evaluation(text, request),
            lambda: builtin_evaluation(request),
        )

    async def summarize(self, request: SummaryRequest) -> ProviderReply[SummaryDraft]:
        return await self._run(
            SUMMARY_TASK,
            summary_chat(request),
            lambda text: parse_summary(text, request),
            SummaryDraft,
        )

    async def aclose(self) -> None:
        client, self._client, self._client_loop = self._client, None, None
        if client is not None:
            await client.close()

    # -- retries and fallback ---------------------------------------------------------

    async def _run(
        self,
        task: Task,
        messages: ChatMessages,
        parse: Callable[[str | None], T],
        fallback: Callable[[], T],
    ) -> ProviderReply[T]:
        settings = self._settings
        deadline = time.monotonic() + settings.ai_retry_budget_seconds
        usage = Usage()
        attempts = 0
        reason = "timeout"
        for attempt in range(settings.ai_max_retries + 1):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                text, call_usage, calls = await self._complete(
                    task, messages, min(settings.ai_timeout_seconds, remaining)
                )
                attempts += calls
                usage += call_usage
                value = parse(text)
            except _Retryable as failure:
                attempts += 1
                reason = failure.reason
                retry_after = failure.retry_after
            except InvalidOutput as failure:
                reason = "invalid_output"
                retry_after = None
                log.info("ai_invalid_output", task=task.name, error=str(failure))
            except _Final as failure:
                attempts += 1
                reason = failure.reason
                break
            else:
                return ProviderReply(
                    value=value, provider=OPENAI, model=self.model, attempts=attempts, usage=usage
                )
            if attempt == settings.ai_max_retries:
                break
            delay = backoff_delay(
                attempt,
                settings.ai_backoff_seconds,
                settings.ai_backoff_max_seconds,
                retry_after,
                self._jitter(),
            )
            if delay >= deadline - time.monotonic():
                break  # waiting that long would overrun the budget: fall back now
            await self._sleep(delay)
        log.warning(
            "ai_fallback_to_builtin",
            task=task.name,
            reason=reason,
            attempts=attempts,
            model=self.model,
        )
        return ProviderReply(
            value=fallback(),
            provider=OPENAI,
            model=self.model,
            fallback=True,
            fallback_reason=reason,
            attempts=attempts,
            usage=usage,
        )

    async def _complete(
        self, task: Task, messages: ChatMessages, seconds: float
    ) -> tuple[str | None, Usage, int]:
        """One model call (plus format negotiation): (reply text, usage, calls made)."""
        modes = self._modes()
        calls = 0
        for index, mode in enumerate(modes):
            calls += 1
            body: dict[str, Any] = {
                "model": self._settings.ai_model,
                "messages": messages,
                "temperature": self._settings.ai_temperature,
                "max_tokens": MAX_TOKENS,
                **self._response_format(task, mode),
            }
            try:
                # POST /chat/completions through the client's own request pipeline (auth,
                # base URL, errors, typed response). The typed create() would first walk
                # these already-plain JSON params through its TypedDict transform, which
                # costs several milliseconds per call (bench/provider_overhead.py).
                completion = await self._client_for_loop().post(
                    "/chat/completions",
                    cast_to=ChatCompletion,
                    body=body,
                    options={"timeout": seconds},
                )
            except (openai.BadRequestError, openai.UnprocessableEntityError) as error:
                if index + 1 < len(modes):
                    continue  # perhaps the server does not support this output mode
                raise _Final(f"http_{error.status_code}") from error
            except openai.APITimeoutError as error:
                raise _Retryable("timeout") from error
            except openai.APIConnectionError as error:
                raise _Retryable("connection_error") from error
            except openai.APIStatusError as error:
                retry_after = retry_after_seconds(error.response.headers)
                if error.status_code == 429:
                    raise _Retryable("rate_limited", retry_after) from error
                if error.status_code >= 500:
                    raise _Retryable("server_error", retry_after) from error
                raise _Final(f"http_{error.status_code}") from error
            except openai.OpenAIError as error:
                raise _Retryable("provider_error") from error
            if self._format is not None and mode != self._format:
                log.info("ai_response_format_downgraded", mode=mode)
                self._format = mode
            usage = Usage()
            if completion.usage is not None:
                usage = Usage(
                    prompt_tokens=completion.usage.prompt_tokens or 0,
                    completion_tokens=completion.usage.completion_tokens or 0,
                )
            choice = completion.choices[0] if completion.choices else None
            text = choice.message.content if choice is not None else None
            # Tokens were spent even if the reply proves unusable: the caller counts them.
            return text, usage, calls
        raise AssertionError("unreachable")

    def _modes(self) -> tuple[str, ...]:
        if self._format is None:  # a fixed mode was configured
            return (self._settings.ai_response_format,)
        return FORMAT_MODES[FORMAT_MODES.index(self._format) :]

    @staticmethod
    def _response_format(task: Task, mode: str) -> dict[str, Any]:
        if mode == "json_schema":
            return {
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": task.name, "schema": task.schema, "strict": True},
                }
            }
        if mode == "json_object":
            return {"response_format": {"type": "json_object"}}
        return {}

    def _client_for_loop(self) -> AsyncOpenAI:
        # An HTTP connection pool belongs to one event loop; a new loop gets a new client.
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            key = self._settings.ai_api_key
            self._client = AsyncOpenAI(
                api_key=key.get_secret_value() if key is not None else PLACEHOLDER_API_KEY,
                base_url=self._settings.ai_base_url or None,
                max_retries=0,  # retries are ours: backoff, Retry-After and the time budget
                timeout=self._settings.ai_timeout_seconds,
            )
            self._client_loop = loop
        return self._client

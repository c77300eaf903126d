"""Any OpenAI-compatible Chat Completions server as the interviewer (SPEC §6).

Built on the official ``openai`` async client for transport (auth, base URL, pooling),
with everything else ours, because servers that speak "the OpenAI API" differ widely:

- **Whatever the server sends, a reply or a fallback.** The response is read as raw
  HTTP: an HTML page with status 200, a body without ``choices``, an empty message or a
  reply cut off by ``max_tokens`` (``finish_reason: length``) is a failed attempt with
  its own reason, never an exception that reaches the interview.
- **Structured output that small models can follow.** A JSON schema built per request is
  sent in every mode: as ``json_schema`` response format; with ``json_object`` in the
  response format too (llama.cpp's servers compile it into a grammar the sampling must
  follow) and in the prompt; in the prompt alone in plain mode. With ``auto`` the
  provider steps down one mode on any failure of a richer mode (an error status, or a
  reply that is not the schema's JSON) and keeps using the mode that works for this
  server. A reply of the right shape whose content fails a check (two questions, a
  quote the answer does not contain) is the model's failing, not the mode's: it is
  repaired, and the mode stays.
- **Repair, not repetition.** A reply that cannot be used is retried with the model's
  reply and a short message saying what was wrong.
- **Time.** Each attempt has a timeout; all attempts of a request share a budget; all
  requests of a turn share the turn's deadline. A circuit breaker skips a failing model
  for a cool-down. When time or attempts run out, the built-in engine answers that step
  and the reply says why.
- **Honest bookkeeping.** Failed attempts' tokens count; a reply without ``usage`` makes
  the usage unknown (and the cost null), never zero.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
import openai
import structlog
from openai import AsyncOpenAI, AsyncStream
from openai.types.chat import ChatCompletionChunk
from pydantic import BaseModel

from hireloop.config import Settings
from hireloop.engine.judge.verdict import Verdict
from hireloop.engine.providers.base import (
    OPENAI,
    EvaluationRequest,
    ProviderReply,
    QuestionDraft,
    QuestionRequest,
    QuestionStream,
    SummaryDraft,
    SummaryRequest,
    Usage,
)
from hireloop.engine.providers.breaker import Breaker, MemoryBreaker, RedisBreaker
from hireloop.engine.providers.builtin import builtin_evaluation, builtin_question
from hireloop.engine.providers.tasks import (
    ChatMessages,
    InvalidOutput,
    MalformedReply,
    Task,
    evaluation_chat,
    evaluation_task,
    parse_evaluation,
    parse_question,
    parse_summary,
    partial_question,
    question_chat,
    question_task,
    safe_to_show,
    schema_instruction,
    summary_chat,
    summary_task,
)

log = structlog.get_logger(__name__)

T = TypeVar("T", bound=BaseModel)
# Structured-output modes, most to least specific; "auto" walks down this list when a
# richer mode fails, and keeps the first one that works for this server.
FORMAT_MODES = ("json_schema", "json_object", "none")
# Local servers ignore the key, but the client insists on one.
PLACEHOLDER_API_KEY = "not-needed"
REPAIR_REPLY_CHARS = 1500


class CallFailed(Exception):
    """One attempt failed: why, whether another attempt may help, what it cost."""

    def __init__(
        self,
        reason: str,
        *,
        retryable: bool = True,
        status: int | None = None,
        retry_after: float | None = None,
        usage: Usage | None = None,
        reply: str | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after
        self.usage = usage or Usage()
        self.reply = reply


@dataclass
class Completion:
    text: str
    usage: Usage


@dataclass
class _Attempts:
    """What a request has spent so far."""

    calls: int = 0
    usage: Usage = field(default_factory=Usage)
    reason: str = "timeout"


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


def read_completion(response: httpx.Response) -> Completion:
    """The reply text and usage of a 200 response, whatever the server put in it."""
    try:
        data = json.loads(response.content)
    except (ValueError, UnicodeDecodeError) as error:
        kind = response.headers.get("content-type", "unknown").split(";")[0]
        raise CallFailed(f"not_json ({kind})") from error
    if not isinstance(data, dict):
        raise CallFailed("not_a_completion")
    usage = _usage(data.get("usage"))
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise CallFailed("no_choices", usage=usage)
    choice = choices[0]
    message = choice.get("message")
    text = message.get("content") if isinstance(message, dict) else None
    if choice.get("finish_reason") == "length":
        raise CallFailed("length", usage=usage, reply=text if isinstance(text, str) else None)
    if not isinstance(text, str) or not text.strip():
        raise CallFailed("empty_reply", usage=usage)
    return Completion(text, usage)


def _usage(value: object) -> Usage:
    if not isinstance(value, dict):
        return Usage(known=False)
    prompt, completion = value.get("prompt_tokens"), value.get("completion_tokens")
    if not isinstance(prompt, int) or not isinstance(completion, int):
        return Usage(known=False)
    return Usage(prompt_tokens=max(0, prompt), completion_tokens=max(0, completion))


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
        # Once the mode in use has given a usable reply it stays: a later failure is that
        # call's (a hiccup, a bad sample), not the format's.
        self._format_proven = False
        self._client: AsyncOpenAI | None = None
        self._client_loop: asyncio.AbstractEventLoop | None = None
        self._breaker: Breaker | None = None
        self._breaker_loop: asyncio.AbstractEventLoop | None = None
        self._streaming = True  # until the server refuses a streamed request

    @property
    def name(self) -> str:
        return OPENAI

    @property
    def model(self) -> str | None:
        return self._settings.ai_model

    @property
    def response_format(self) -> str:
        """The structured-output mode in use for this server."""
        return self._format or self._settings.ai_response_format

    # -- the three tasks ---------------------------------------------------------------

    async def word_question(
        self,
        request: QuestionRequest,
        *,
        deadline: float | None = None,
        stream: QuestionStream | None = None,
    ) -> ProviderReply[QuestionDraft]:
        if stream is not None and self._streaming:
            streamed = await self._stream_question(request, deadline, stream)
            if streamed is not None:
                return streamed
        return await self._run(
            question_task(),
            question_chat(request),
            lambda text: parse_question(text, request),
            lambda: builtin_question(request),
            deadline,
        )

    async def evaluate(
        self, request: EvaluationRequest, *, deadline: float | None = None
    ) -> ProviderReply[Verdict]:
        return await self._run(
            evaluation_task(request.question),
            evaluation_chat(request),
            lambda text: parse_evaluation(text, request),
            lambda: builtin_evaluation(request),
            deadline,
        )

    async def summarize(
        self, request: SummaryRequest, *, deadline: float | None = None
    ) -> ProviderReply[SummaryDraft]:
        return await self._run(
            summary_task(request),
            summary_chat(request),
            lambda text: parse_summary(text, request),
            SummaryDraft,
            deadline,
        )

    async def aclose(self) -> None:
        client, self._client, self._client_loop = self._client, None, None
        if client is not None:
            await client.close()
        breaker, self._breaker, self._breaker_loop = self._breaker, None, None
        if breaker is not None:
            await breaker.aclose()

    # -- streaming the question --------------------------------------------------------

    async def _stream_question(
        self, request: QuestionRequest, deadline: float | None, stream: QuestionStream
    ) -> ProviderReply[QuestionDraft] | None:
        """One streamed attempt: each whole word is shown as soon as the words so far pass
        the question checks. None when it failed (anything shown is retracted first); the
        ordinary attempts then take over."""
        task = question_task()
        end = time.monotonic() + self._settings.ai_retry_budget_seconds
        if deadline is not None:
            end = min(end, deadline)
        breaker = self._breaker_for_loop()
        if await breaker.is_open() or end <= time.monotonic():
            return None
        mode = self._mode()
        body: dict[str, Any] = {
            "model": self._settings.ai_model,
            "messages": self._with_schema(task, question_chat(request), mode),
            "temperature": self._settings.ai_temperature,
            "max_tokens": task.max_tokens,
            "stream": True,
            "stream_options": {"include_usage": True},
            **self._response_format(task, mode),
        }
        raw, shown, usage = "", "", Usage(known=False)
        try:
            async with asyncio.timeout(end - time.monotonic()):
                chunks = await self._client_for_loop().post(
                    "/chat/completions",
                    cast_to=ChatCompletionChunk,
                    body=body,
                    options={"timeout": self._settings.ai_timeout_seconds},
                    stream=True,
                    stream_cls=AsyncStream[ChatCompletionChunk],
                )
                async for chunk in chunks:
                    if chunk.usage is not None:
                        usage = _usage(chunk.usage.model_dump())
                    if not chunk.choices:
                        continue
                    raw += chunk.choices[0].delta.content or ""
                    so_far = partial_question(raw)
                    words = so_far[: so_far.rfind(" ")] if " " in so_far else ""
                    if len(words) > len(shown):
                        if not safe_to_show(words, request):
                            raise InvalidOutput("the question must not instruct or give away")
                        shown = words
                        await stream.show(shown)
            value = parse_question(raw, request)
        except openai.APIStatusError as error:
            if error.status_code in (400, 404, 422):
                self._streaming = False  # this server does not stream: stop trying
            await self._retract(stream, shown)
            return None
        except (TimeoutError, openai.OpenAIError, InvalidOutput, ValueError) as error:
            log.info("ai_stream_failed", error=type(error).__name__)
            await self._retract(stream, shown)
            return None
        await stream.show(value.text)
        await breaker.succeeded()
        self._format_proven = self._format_proven or mode == self._format
        return ProviderReply(
            value=value, provider=OPENAI, model=self.model, attempts=1, usage=usage
        )

    @staticmethod
    async def _retract(stream: QuestionStream, shown: str) -> None:
        if shown:
            await stream.retract()

    # -- attempts, repair and fallback --------------------------------------------------

    async def _run(
        self,
        task: Task,
        messages: ChatMessages,
        parse: Callable[[str], T],
        fallback: Callable[[], T],
        deadline: float | None,
    ) -> ProviderReply[T]:
        settings = self._settings
        now = time.monotonic()
        budget_end = now + settings.ai_retry_budget_seconds
        end = min(budget_end, deadline) if deadline is not None else budget_end
        spent = _Attempts()
        breaker = self._breaker_for_loop()
        if await breaker.is_open():
            spent.reason = "circuit_open"
            return self._fallback(task, fallback, spent)
        conversation = list(messages)
        retries = 0
        while True:
            remaining = end - time.monotonic()
            if remaining <= 0:
                spent.reason = "timeout"
                break
            mode = self._mode()
            spent.calls += 1
            stepped_down = False
            try:
                completion = await self._complete(task, conversation, mode, remaining)
                spent.usage += completion.usage
                value = parse(completion.text)
            except CallFailed as failure:
                spent.usage += failure.usage
                spent.reason = failure.reason
                retry_after = failure.retry_after
                if failure.reply is not None:  # cut off: ask again, shorter
                    conversation = self._repair(messages, failure.reply, "it was cut off")
                if failure.status is None or failure.status >= 500:
                    await breaker.failed()  # the server, not the reply: count towards opening
                stepped_down = self._step_down(mode, failure)
                if not (stepped_down or failure.retryable):
                    break
            except InvalidOutput as failure:
                spent.reason = "invalid_output"
                retry_after = None
                log.info("ai_invalid_output", task=task.name, error=str(failure), mode=mode)
                stepped_down = isinstance(failure, MalformedReply) and self._step_down(
                    mode, failure
                )
                conversation = self._repair(messages, completion.text, str(failure))
            else:
                await breaker.succeeded()
                self._format_proven = self._format_proven or mode == self._format
                return ProviderReply(
                    value=value,
                    provider=OPENAI,
                    model=self.model,
                    attempts=spent.calls,
                    usage=spent.usage,
                )
            if stepped_down:
                continue  # another format is a new start, not a retry: no wait, none used
            if retries == settings.ai_max_retries:
                break
            retries += 1
            delay = backoff_delay(
                retries - 1,
                settings.ai_backoff_seconds,
                settings.ai_backoff_max_seconds,
                retry_after,
                self._jitter(),
            )
            if delay >= end - time.monotonic():
                break  # waiting that long would overrun the budget: fall back now
            await self._sleep(delay)
        return self._fallback(task, fallback, spent)

    def _fallback(
        self, task: Task, fallback: Callable[[], T], spent: _Attempts
    ) -> ProviderReply[T]:
        log.warning(
            "ai_fallback_to_builtin",
            task=task.name,
            reason=spent.reason,
            attempts=spent.calls,
            model=self.model,
        )
        return ProviderReply(
            value=fallback(),
            provider=OPENAI,
            model=self.model,
            fallback=True,
            fallback_reason=spent.reason,
            attempts=spent.calls,
            usage=spent.usage,
        )

    @staticmethod
    def _repair(messages: ChatMessages, reply: str, problem: str) -> ChatMessages:
        """The request again, with the unusable reply and what was wrong with it."""
        return [
            *messages,
            {"role": "assistant", "content": reply[:REPAIR_REPLY_CHARS]},
            {
                "role": "user",
                "content": (
                    f"That reply could not be used: {problem}. Reply again with only one "
                    "JSON object that follows the schema, and nothing else."
                ),
            },
        ]

    # -- one call -----------------------------------------------------------------------

    async def _complete(
        self, task: Task, messages: ChatMessages, mode: str, seconds: float
    ) -> Completion:
        body: dict[str, Any] = {
            "model": self._settings.ai_model,
            "messages": self._with_schema(task, messages, mode),
            "temperature": self._settings.ai_temperature,
            "max_tokens": task.max_tokens,
            **self._response_format(task, mode),
        }
        try:
            response = await self._client_for_loop().post(
                "/chat/completions",
                cast_to=httpx.Response,
                body=body,
                options={"timeout": min(self._settings.ai_timeout_seconds, seconds)},
            )
        except openai.APITimeoutError as error:
            raise CallFailed("timeout") from error
        except openai.APIConnectionError as error:
            raise CallFailed("connection_error") from error
        except openai.APIStatusError as error:
            status = error.status_code
            retry_after = retry_after_seconds(error.response.headers)
            if status == 429:
                raise CallFailed("rate_limited", status=status, retry_after=retry_after) from error
            retryable = status >= 500 or status in (408, 409)
            reason = "server_error" if status >= 500 else f"http_{status}"
            raise CallFailed(
                reason, retryable=retryable, status=status, retry_after=retry_after
            ) from error
        except openai.OpenAIError as error:
            raise CallFailed("provider_error") from error
        return read_completion(response)

    def _mode(self) -> str:
        return self._format or self._settings.ai_response_format

    def _step_down(self, mode: str, failure: Exception) -> bool:
        """With ``auto``, a failed richer mode gives way to the next one, remembered for this
        server. True when it stepped down (worth trying again at once)."""
        if self._format is None or self._format != mode or self._format_proven:
            return False
        if isinstance(failure, CallFailed) and failure.status in (None, 429, 502, 503, 504):
            # Timeouts, refused connections, rate limits, a server or gateway that is down:
            # not the format's fault. (llama.cpp answers an unknown format with 500.)
            return False
        index = FORMAT_MODES.index(mode)
        if index + 1 >= len(FORMAT_MODES):
            return False
        self._format = FORMAT_MODES[index + 1]
        log.info("ai_response_format_downgraded", mode=self._format, after=mode)
        return True

    @staticmethod
    def _with_schema(task: Task, messages: ChatMessages, mode: str) -> ChatMessages:
        """Without a schema-enforcing response format, the schema goes into the prompt."""
        if mode == "json_schema":
            return messages
        first, *rest = messages
        return [{**first, "content": f"{first['content']}\n\n{schema_instruction(task)}"}, *rest]

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
            # llama.cpp's servers turn "schema" into a grammar that the model's sampling
            # must follow; servers that do not know the key ignore it.
            return {"response_format": {"type": "json_object", "schema": task.schema}}
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

    def _breaker_for_loop(self) -> Breaker:
        loop = asyncio.get_running_loop()
        if self._breaker is None or self._breaker_loop is not loop:
            settings = self._settings
            failures, cooldown = settings.ai_breaker_failures, settings.ai_breaker_cooldown_seconds
            server = f"{settings.ai_base_url or 'openai'}|{settings.ai_model}"
            self._breaker = (
                RedisBreaker(settings.redis_url, server, failures, cooldown)
                if settings.redis_url
                else self._breaker or MemoryBreaker(failures, cooldown)
            )
            self._breaker_loop = loop
        return self._breaker

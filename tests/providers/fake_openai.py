"""A small OpenAI-compatible Chat Completions server for tests, on 127.0.0.1.

It runs in its own thread (uvicorn + Starlette) so a slow reply never blocks the test's
event loop, records every request, and answers according to a per-test *script*: a
function from the recorded call to a :class:`Reply`. :func:`naive_model` plays a
plausible (and gullible) language model for the happy path.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.loopback_server import serving

PROMPT_TOKENS = 180
COMPLETION_TOKENS = 40


@dataclass
class Call:
    body: dict[str, Any]
    headers: dict[str, str]
    at: float
    reply: Reply | None = None
    first_token_at: float | None = None  # time.monotonic() when a stream's first words left

    @property
    def streamed(self) -> bool:
        return bool(self.body.get("stream"))

    @property
    def system(self) -> str:
        return str(self.body["messages"][0]["content"])

    @property
    def user(self) -> str:
        return str(self.body["messages"][-1]["content"])

    @property
    def task_message(self) -> str:
        """The message that sets the task (also in a repair turn, where the last message
        asks to fix a broken reply); the last message when none does."""
        contents = [str(m["content"]) for m in self.body["messages"] if m["role"] == "user"]
        return next((c for c in contents if "## Task:" in c), self.user)

    @property
    def task(self) -> str:
        """The task a call serves; a repair turn (the model's broken reply, then a request
        to fix it) serves the task its first message set."""
        task_message = self.task_message
        for marker, task in (
            ("## Task: word the next question", "question"),
            ("## Task: judge an answer", "evaluation"),
            ("## Task: word the results", "summary"),
        ):
            if marker in task_message:
                return task
        return "unknown"

    @property
    def response_format(self) -> str | None:
        value = self.body.get("response_format")
        return None if value is None else str(value["type"])

    def tagged(self, tag: str) -> Any:
        """The JSON inside <tag>…</tag> of the task message."""
        match = re.search(rf"<{tag}>\n(.*?)\n</{tag}>", self.task_message, re.DOTALL)
        assert match, f"no <{tag}> block in the task message"
        return json.loads(match.group(1))


@dataclass
class Reply:
    status: int = 200
    content: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    prompt_tokens: int = PROMPT_TOKENS
    completion_tokens: int = COMPLETION_TOKENS
    # Misbehaviour: a raw body instead of a completion (e.g. an HTML page), a cut-off
    # reply, no usage, no choices.
    raw_body: str | None = None
    content_type: str = "application/json"
    finish_reason: str = "stop"
    with_usage: bool = True
    with_choices: bool = True
    # Streamed replies (requests with "stream": true) come a few characters at a time.
    chunk_chars: int = 6
    chunk_delay: float = 0.0

    @property
    def billed(self) -> bool:
        return self.status == 200 and self.raw_body is None and self.with_usage


Script = Callable[[Call], Reply]


def naive_model(call: Call) -> Reply:
    """Answers every task well-formed; believes whatever the candidate says about marks."""
    if call.task == "question":
        skill = re.search(r'for the skill "([^"]+)"', call.task_message)
        name = skill.group(1) if skill else "this skill"
        kind = "Follow-up" if "This is a follow-up" in call.task_message else "Model question"
        return Reply(content=json.dumps({"question": f"{kind}: how do you apply {name} at work?"}))
    if call.task == "evaluation":
        answer = call.tagged("candidate_answer")
        claims = claims_in(call)
        if "full marks" in answer:  # gullible: exactly what the engine's guard is for
            cited = [{"id": claim_id, "quote": answer} for claim_id in claims]
        elif len(answer.split()) >= 30:
            cited = [
                {"id": claim_id, "quote": best_sentence(answer, text)}
                for claim_id, text in claims.items()
            ]
        else:
            cited = []
        verdict = {"claims": cited, "misconceptions": [], "instruction_attempt": False}
        return Reply(content=json.dumps(verdict))
    if call.task == "summary":
        skills = call.tagged("skills")
        return Reply(
            content=json.dumps(
                {
                    "strengths": [
                        {"skill_id": s["skill_id"], "text": f"Model praise for {s['skill_name']}."}
                        for s in skills["strengths"]
                    ]
                    + [{"skill_id": "invented-skill", "text": "Brilliant at everything."}],
                    "growth_areas": [
                        {
                            "skill_id": s["skill_id"],
                            "suggestion": f"Model advice on {s['skill_name']}.",
                        }
                        for s in skills["growth_areas"]
                    ],
                }
            )
        )
    return Reply(status=400, content="unknown task")


def claims_in(call: Call) -> dict[str, str]:
    """The claims listed in an evaluation task: id -> statement."""
    block = call.task_message.split("Claims a good answer states")[1].split("Known wrong versions")[
        0
    ]
    return dict(re.findall(r"^- ([a-z0-9_-]+): (.+)$", block, re.MULTILINE))


def best_sentence(answer: str, claim: str) -> str:
    """The answer's sentence sharing the most words with a claim (a plausible citation)."""
    wanted = set(re.findall(r"\w+", claim.lower()))
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", answer) if s.strip()]
    return max(sentences, key=lambda s: len(wanted & set(re.findall(r"\w+", s.lower()))))


def completion_body(call: Call, reply: Reply) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": f"chatcmpl-{int(call.at * 1e6)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": call.body.get("model", "unknown"),
    }
    if reply.with_choices:
        body["choices"] = [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.content},
                "finish_reason": reply.finish_reason,
            }
        ]
    if reply.with_usage:
        body["usage"] = {
            "prompt_tokens": reply.prompt_tokens,
            "completion_tokens": reply.completion_tokens,
            "total_tokens": reply.prompt_tokens + reply.completion_tokens,
        }
    return body


class FakeOpenAI:
    def __init__(self, script: Script = naive_model) -> None:
        self.script = script
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def billed(self, timeout: float = float("inf")) -> tuple[int, int]:
        """(prompt, completion) tokens of the replies a client (waiting ``timeout`` seconds
        at most) received with usage."""
        replies = [
            c.reply
            for c in self.calls
            if c.reply is not None and c.reply.billed and c.reply.delay < timeout
        ]
        return (
            sum(r.prompt_tokens for r in replies),
            sum(r.completion_tokens for r in replies),
        )

    def calls_for(self, task: str) -> list[Call]:
        return [c for c in self.calls if c.task == task]

    async def _chat(self, request: Request) -> Response:
        call = Call(body=await request.json(), headers=dict(request.headers), at=time.monotonic())
        with self._lock:
            self.calls.append(call)
        reply = self.script(call)
        call.reply = reply
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.raw_body is not None:
            return Response(
                reply.raw_body,
                status_code=reply.status,
                media_type=reply.content_type,
                headers=reply.headers,
            )
        if reply.status != 200:
            error = {"error": {"message": reply.content or "error", "type": "server_error"}}
            return JSONResponse(error, status_code=reply.status, headers=reply.headers)
        if call.streamed:
            return StreamingResponse(
                self._chunks(call, reply), media_type="text/event-stream", headers=reply.headers
            )
        return JSONResponse(completion_body(call, reply), headers=reply.headers)

    async def _chunks(self, call: Call, reply: Reply) -> AsyncIterator[str]:
        """The reply as Chat Completions stream chunks (SSE), a few characters each."""
        base = {"id": "chatcmpl-stream", "object": "chat.completion.chunk", "created": 0}
        text = reply.content or ""
        for start in range(0, len(text), reply.chunk_chars):
            if start and reply.chunk_delay:
                await asyncio.sleep(reply.chunk_delay)
            piece = text[start : start + reply.chunk_chars]
            choice = {"index": 0, "delta": {"content": piece}, "finish_reason": None}
            if call.first_token_at is None:
                call.first_token_at = time.monotonic()
            yield f"data: {json.dumps({**base, 'choices': [choice]})}\n\n"
        last = {"index": 0, "delta": {}, "finish_reason": reply.finish_reason}
        yield f"data: {json.dumps({**base, 'choices': [last]})}\n\n"
        if reply.with_usage and call.body.get("stream_options", {}).get("include_usage"):
            usage = {
                "prompt_tokens": reply.prompt_tokens,
                "completion_tokens": reply.completion_tokens,
                "total_tokens": reply.prompt_tokens + reply.completion_tokens,
            }
            yield f"data: {json.dumps({**base, 'choices': [], 'usage': usage})}\n\n"
        yield "data: [DONE]\n\n"

    @contextmanager
    def running(self) -> Iterator[FakeOpenAI]:
        app = Starlette(routes=[Route("/v1/chat/completions", self._chat, methods=["POST"])])
        with serving(app, "fake OpenAI server") as port:
            self.port = port
            yield self

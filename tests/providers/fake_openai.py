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
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

PROMPT_TOKENS = 180
COMPLETION_TOKENS = 40


@dataclass
class Call:
    body: dict[str, Any]
    headers: dict[str, str]
    at: float
    reply: Reply | None = None

    @property
    def system(self) -> str:
        return str(self.body["messages"][0]["content"])

    @property
    def user(self) -> str:
        return str(self.body["messages"][-1]["content"])

    @property
    def task(self) -> str:
        for marker, task in (
            ("## Task: word the next question", "question"),
            ("## Task: evaluate an answer", "evaluation"),
            ("## Task: word the results", "summary"),
        ):
            if marker in self.user:
                return task
        return "unknown"

    @property
    def response_format(self) -> str | None:
        value = self.body.get("response_format")
        return None if value is None else str(value["type"])

    def tagged(self, tag: str) -> Any:
        """The JSON inside <tag>…</tag> of the task message."""
        match = re.search(rf"<{tag}>\n(.*?)\n</{tag}>", self.user, re.DOTALL)
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

    @property
    def billed(self) -> bool:
        return self.status == 200


Script = Callable[[Call], Reply]


def naive_model(call: Call) -> Reply:
    """Answers every task well-formed; believes whatever the candidate says about marks."""
    if call.task == "question":
        skill = re.search(r'for the skill "([^"]+)"', call.user)
        name = skill.group(1) if skill else "this skill"
        kind = "Follow-up" if "This is a follow-up" in call.user else "Model question"
        return Reply(content=json.dumps({"question": f"{kind}: how do you apply {name} at work?"}))
    if call.task == "evaluation":
        answer = call.tagged("candidate_answer")
        points = len(re.findall(r"^\d+\. ", call.user.split("How to evaluate")[0], re.MULTILINE))
        if "full marks" in answer:  # gullible: exactly what the engine's guard is for
            verdict = {
                "score": 1.0,
                "covered_points": list(range(1, points + 1)),
                "signal": "strong",
                "evidence_quote": "",
                "instruction_attempt": False,
            }
        elif len(answer.split()) >= 30:
            verdict = {
                "score": 0.9,
                "covered_points": list(range(1, points + 1)),
                "signal": "strong",
                "evidence_quote": " ".join(answer.split()[:6]),
                "instruction_attempt": False,
            }
        else:
            verdict = {
                "score": 0.2,
                "covered_points": [],
                "signal": "weak",
                "evidence_quote": "",
                "instruction_attempt": False,
            }
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


def completion_body(call: Call, reply: Reply) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{int(call.at * 1e6)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": call.body.get("model", "unknown"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.content},
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": reply.prompt_tokens,
            "completion_tokens": reply.completion_tokens,
            "total_tokens": reply.prompt_tokens + reply.completion_tokens,
        },
    }


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
        if reply.status != 200:
            error = {"error": {"message": reply.content or "error", "type": "server_error"}}
            return JSONResponse(error, status_code=reply.status, headers=reply.headers)
        return JSONResponse(completion_body(call, reply), headers=reply.headers)

    @contextmanager
    def running(self) -> Iterator[FakeOpenAI]:
        app = Starlette(routes=[Route("/v1/chat/completions", self._chat, methods=["POST"])])
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake OpenAI server did not start")
            time.sleep(0.01)
        try:
            yield self
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            sock.close()

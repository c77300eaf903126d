"""How soon the next question's first word reaches the client after the model wrote it.

A real server on 127.0.0.1 talks to the test suite's fake OpenAI-compatible server, which
streams its question a few characters at a time with a fixed pause between pieces. Its
first piece ends with the question's first whole word, so the instant the fake sends it
is the model's own time to the first word. The client answers through
``POST /interviews/{id}/messages/stream`` and notes when the first ``question.delta``
arrives. What lies between the two is ours: reading the stream, the checks every shown
word passes, the event queue and HTTP. Target: p95 <= 150 ms.

    python -m bench.question_stream [--answers 30] [--chunk-delay-ms 40]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

import httpx
from tests.providers.fake_openai import Call, FakeOpenAI, Reply

from bench.harness import database_url, headers, percentile, register, server

QUESTION = "How would you apply this at work, concretely, on a system you know well?"
EVALUATION = json.dumps({"claims": [], "misconceptions": [], "instruction_attempt": False})
ANSWER = (
    "A tuple is immutable while a list can be changed in place, so a tuple can be a dict key; "
    "I use tuples for fixed records and lists for collections that grow."
)
TARGET_MS = 150.0


async def run(base: str, fake: FakeOpenAI, answers: int) -> None:
    gaps: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        token = await register(client, 0)
        interview = ""
        for number in range(answers):
            if number % 6 == 0:  # a fresh interview before one could end
                started = await client.post(
                    "/api/v1/interviews/start", json={"role_type": "python"}, headers=headers(token)
                )
                started.raise_for_status()
                interview = started.json()["id"]
            calls_before = len(fake.calls)
            first_delta: float | None = None
            async with client.stream(
                "POST",
                f"/api/v1/interviews/{interview}/messages/stream",
                json={"content": ANSWER},
                headers=headers(token),
            ) as response:
                async for line in response.aiter_lines():
                    if first_delta is None and line.startswith("event: question.delta"):
                        first_delta = time.monotonic()
            streamed = [c for c in fake.calls[calls_before:] if c.streamed and c.first_token_at]
            if first_delta is None or not streamed:
                raise RuntimeError("no streamed question in this turn")
            gaps.append(first_delta - streamed[0].first_token_at)  # type: ignore[operator]
    p50, p95 = percentile(gaps, 50) * 1000, percentile(gaps, 95) * 1000
    print(f"answers: {len(gaps)}; model's first word -> client's first word:")
    print(f"p50 {p50:.1f} ms   p95 {p95:.1f} ms   max {max(gaps) * 1000:.1f} ms")
    print(f"p95 {'meets' if p95 <= TARGET_MS else 'MISSES'} the {TARGET_MS:.0f} ms target")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=30)
    parser.add_argument("--chunk-delay-ms", type=float, default=40)
    args = parser.parse_args()
    question = json.dumps({"question": QUESTION})
    first_word = question.index(" ", question.index(QUESTION)) + 1  # '{"question": "How '

    def streaming(call: Call) -> Reply:
        if call.task == "question":
            reply = Reply(content=question, chunk_delay=args.chunk_delay_ms / 1000)
            reply.chunk_chars = first_word  # the first piece carries the first whole word
            return reply
        if call.task == "evaluation":
            return Reply(content=EVALUATION)
        return Reply(content=json.dumps({"strengths": [], "growth_areas": []}))

    with FakeOpenAI(streaming).running() as fake:
        env = {
            "HIRELOOP_AI_PROVIDER": "openai",
            "HIRELOOP_AI_BASE_URL": fake.base_url,
            "HIRELOOP_AI_API_KEY": "bench",
            "HIRELOOP_AI_MODEL": "gpt-4o-mini",
        }
        with server(database_url("hireloop_bench_stream"), extra_env=env) as base:
            asyncio.run(run(base, fake, args.answers))


if __name__ == "__main__":
    main()

"""Our own overhead per answer with a language model vs the built-in engine's round trip.

Two real servers on 127.0.0.1 run side by side: one with the built-in engine, one with
``HIRELOOP_AI_PROVIDER=openai`` pointed at a fake OpenAI-compatible server (the test
suite's, tests/providers/fake_openai.py) that answers every call after a fixed delay
with a fixed reply.
The same simulated candidates answer the same number of questions on both, in
alternating rounds. For the model server we subtract the model's time (calls per answer
x the fixed delay) from each round trip: what remains is our own overhead per turn —
building prompts, the HTTP client, parsing, usage bookkeeping. Prints p50/p95 of both and
the ratio (target: overhead p50 and p95 <= 2x the built-in round trip).

    python -m bench.provider_overhead                 # SQLite
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \\
        python -m bench.provider_overhead

Both run 8 interviews at a time. The model's calls run with no transaction open, so on
SQLite concurrent interviews do not queue behind each other's model calls (before that
change, SQLite at 8 at a time measured 13x here).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

import httpx
from tests.providers.fake_openai import Call, FakeOpenAI, Reply

from bench import harness
from bench.harness import headers, percentile, summary

ANSWER = (
    "I would start from the requirements and measure first. For example, in my last project "
    "we profiled the slow path, added an index and a cache, and cut p95 latency by 40 percent, "
    "accepting some extra write cost as the trade-off."
)


async def _interviews(base: str, candidates: int) -> list[tuple[str, str]]:
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        pairs = []
        for index in range(candidates):
            token = await harness.register(client, index)
            started = await client.post(
                "/api/v1/interviews/start", json={"role_type": "python"}, headers=headers(token)
            )
            started.raise_for_status()
            pairs.append((token, started.json()["id"]))
        return pairs


async def _answer_round(
    base: str, interviews: list[tuple[str, str]], concurrency: int
) -> tuple[list[float], int]:
    """Each interview answers one question; returns round trips and model fallbacks."""
    gate = asyncio.Semaphore(concurrency)
    fallbacks = 0

    async def one(client: httpx.AsyncClient, token: str, interview_id: str) -> float:
        nonlocal fallbacks
        async with gate:
            question = await harness.current_question(client, token, interview_id)  # not timed
            started = time.perf_counter()
            response = await client.post(
                f"/api/v1/interviews/{interview_id}/messages",
                json={"content": ANSWER, "question_id": question},
                headers=headers(token),
            )
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{response.status_code}: {response.text[:200]}")
        fallbacks += bool(response.json()["answer"]["metadata"].get("fallback"))
        return elapsed

    limits = httpx.Limits(max_connections=concurrency + 2)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        times = await asyncio.gather(*(one(client, t, i) for t, i in interviews))
    return list(times), fallbacks


async def run(
    builtin_base: str,
    model_base: str,
    fake: FakeOpenAI,
    delay: float,
    candidates: int,
    rounds: int,
    concurrency: int,
) -> None:
    builtin_interviews = await _interviews(builtin_base, candidates)
    model_interviews = await _interviews(model_base, candidates)
    for base in (builtin_base, model_base):  # warm-up on interviews of their own
        await _answer_round(base, await _interviews(base, 2), 1)
    builtin_times: list[float] = []
    overhead: list[float] = []
    fallbacks = 0
    model_calls = answers = 0
    # Answers to questions 1..rounds of each interview; none of them ends the interview
    # (it asks at least HIRELOOP_MIN_QUESTIONS=8), so each makes exactly two model calls.
    for _ in range(rounds):
        times, _ = await _answer_round(builtin_base, builtin_interviews, concurrency)
        builtin_times.extend(times)
        calls_before = len(fake.calls)
        times, failed = await _answer_round(model_base, model_interviews, concurrency)
        calls = len(fake.calls) - calls_before
        per_answer = calls / len(times)
        overhead.extend(t - per_answer * delay for t in times)
        fallbacks += failed
        model_calls += calls
        answers += len(times)

    # For reference: what one call costs a bare HTTP client beyond the delay (the fake
    # server's own handling, loopback, timers) — included in "ours" above, not ours.
    bare: list[float] = []
    body = {
        "model": "bench",
        "messages": [{"role": "user", "content": "## Task: word the next question"}],
    }
    async with httpx.AsyncClient(base_url=fake.base_url) as direct:
        for _ in range(20):
            started = time.perf_counter()
            (await direct.post("/chat/completions", json=body)).raise_for_status()
            bare.append(time.perf_counter() - started - delay)
    b, o = summary(builtin_times), summary(overhead)
    print(
        f"interviews: {candidates} per server, answers each: {rounds}, "
        f"concurrency: {concurrency}, model delay: {delay * 1000:.0f} ms per call, "
        f"model calls per answer: {model_calls / answers:.2f}, fallbacks: {fallbacks}"
    )
    for label, stats in (("built-in answer round trip", b), ("model: ours (minus model time)", o)):
        print(
            f"{label:32} p50 {stats['p50_ms']:7.1f} ms  p95 {stats['p95_ms']:7.1f} ms"
            f"  (n={stats['n']})"
        )
    print(
        f"(reference: a bare HTTP call to the fake beyond its delay, p50 "
        f"{percentile(bare, 50) * 1000:.1f} ms per call)"
    )
    for q in (50, 95):
        ratio = percentile(overhead, q) / percentile(builtin_times, q)
        print(f"p{q} ratio overhead/built-in:        {ratio:5.2f}   (target <= 2.0)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--candidates", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=6, choices=range(1, 8), metavar="1-7")
    parser.add_argument("--delay-ms", type=float, default=100)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    delay = args.delay_ms / 1000

    # Fixed, pre-serialised replies: the fake "model" spends as little time as it can
    # besides the delay, so what remains of the round trip is ours.
    replies = {
        "question": json.dumps({"question": "How would you apply this at work, concretely?"}),
        "evaluation": json.dumps(
            {"claims": [], "misconceptions": [], "instruction_attempt": False}
        ),
        "summary": json.dumps({"strengths": [], "growth_areas": []}),
    }

    def delayed(call: Call) -> Reply:
        return Reply(content=replies[call.task], delay=delay)

    with FakeOpenAI(delayed).running() as fake:
        model_env = {
            "HIRELOOP_AI_PROVIDER": "openai",
            "HIRELOOP_AI_BASE_URL": fake.base_url,
            "HIRELOOP_AI_API_KEY": "bench",
            "HIRELOOP_AI_MODEL": "gpt-4o-mini",
            "HIRELOOP_AI_TIMEOUT_SECONDS": "30",
        }
        with (
            harness.server(harness.database_url("hireloop_bench_builtin")) as builtin_base,
            harness.server(
                harness.database_url("hireloop_bench_model"), extra_env=model_env
            ) as model_base,
        ):
            asyncio.run(
                run(
                    builtin_base,
                    model_base,
                    fake,
                    delay,
                    args.candidates,
                    args.rounds,
                    args.concurrency,
                )
            )


if __name__ == "__main__":
    main()

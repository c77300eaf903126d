"""Answer round trip at 50 concurrent interviews vs a bare authenticated insert.

A real server on 127.0.0.1; each simulated candidate has its own interview and answers
its questions one after another, all candidates at once. The same candidates then hit
the baseline route (authenticate + one INSERT) the same number of times, before and
after, at the same concurrency. Prints p50/p95 of both and the p95 ratio
(target on PostgreSQL: answer p95 <= 4x baseline p95).

    python -m bench.answer_round_trip
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test python -m bench.answer_round_trip
"""

from __future__ import annotations

import argparse
import asyncio
import time

import httpx

from bench.harness import (
    current_question,
    database_url,
    headers,
    percentile,
    register,
    server,
    summary,
)

ANSWER = (
    "I would start from the requirements and measure first. For example, in my last project "
    "we profiled the slow path, added an index and a cache, and cut p95 latency by 40 percent, "
    "accepting some extra write cost as the trade-off."
)


async def _timed(client: httpx.AsyncClient, method: str, url: str, **kwargs: object) -> float:
    started = time.perf_counter()
    response = await client.request(method, url, **kwargs)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - started
    if response.status_code not in (200, 201):
        raise RuntimeError(f"{url}: {response.status_code} {response.text[:200]}")
    return elapsed


async def run(base: str, candidates: int, answers: int) -> None:
    limits = httpx.Limits(max_connections=candidates + 5)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        tokens = [await register(client, i) for i in range(candidates)]
        interviews = []
        for token in tokens:
            started = await client.post(
                "/api/v1/interviews/start", json={"role_type": "python"}, headers=headers(token)
            )
            started.raise_for_status()
            interviews.append(started.json()["id"])

        async def baseline_user(token: str) -> list[float]:
            return [
                await _timed(client, "POST", "/bench/baseline", headers=headers(token))
                for _ in range(answers)
            ]

        async def answering_user(token: str, interview_id: str) -> list[float]:
            times = []
            for _ in range(answers):
                question = await current_question(client, token, interview_id)  # not timed
                times.append(
                    await _timed(
                        client,
                        "POST",
                        f"/api/v1/interviews/{interview_id}/messages",
                        json={"content": ANSWER, "question_id": question},
                        headers=headers(token),
                    )
                )
            return times

        await asyncio.gather(*(baseline_user(t) for t in tokens[:10]))  # warm-up
        before = await asyncio.gather(*(baseline_user(t) for t in tokens))
        pairs = zip(tokens, interviews, strict=True)
        answered = await asyncio.gather(*(answering_user(t, i) for t, i in pairs))
        after = await asyncio.gather(*(baseline_user(t) for t in tokens))

    baseline = [x for user in before + after for x in user]
    answer_times = [x for user in answered for x in user]
    b, a = summary(baseline), summary(answer_times)
    ratio = percentile(answer_times, 95) / percentile(baseline, 95)
    print(f"concurrent interviews: {candidates}, answers each: {answers}")
    for label, stats in (("baseline (auth + 1 insert)", b), ("answer round trip", a)):
        print(
            f"{label:27} p50 {stats['p50_ms']:7.1f} ms  p95 {stats['p95_ms']:7.1f} ms"
            f"  (n={stats['n']})"
        )
    print(f"p95 ratio answer/baseline:  {ratio:5.2f}   (target <= 4.0 on PostgreSQL)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--answers", type=int, default=8)
    args = parser.parse_args()
    with server(database_url("hireloop_bench_answers")) as base:
        asyncio.run(run(base, args.candidates, args.answers))


if __name__ == "__main__":
    main()

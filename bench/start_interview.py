"""Throughput of POST /interviews/start (job-linked, built-in engine) vs a bare baseline.

Starts a real server on 127.0.0.1, prepares candidates with one application per seeded
job, then fires job-linked starts with fixed concurrency in short bursts, each next to
a burst of as many baseline requests (authenticate + one INSERT, bench/bench_app.py).
Prints both throughputs, the median of the per-round ratios (target >= 0.5) and SQL
statements per start, on the first and the last starts (it must not grow with data).

    python -m bench.start_interview                  # SQLite
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test python -m bench.start_interview
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable

import httpx

from bench.harness import database_url, headers, register, server

Request = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]


async def _drive(base: str, requests: list[Request], concurrency: int) -> tuple[float, list[int]]:
    """Runs the requests with `concurrency` in flight; returns (seconds, statement counts)."""
    queue: asyncio.Queue[Request] = asyncio.Queue()
    for request in requests:
        queue.put_nowait(request)
    statements: list[int] = []
    limits = httpx.Limits(max_connections=concurrency)

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            request = queue.get_nowait()
            response = await request(client)
            if response.status_code not in (200, 201):
                raise RuntimeError(f"{response.status_code}: {response.text[:200]}")
            statements.append(int(response.headers.get("x-sql-statements", "0")))

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        return time.perf_counter() - started, statements


async def _prepare(base: str, candidates: int) -> tuple[list[tuple[str, str]], list[str]]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        jobs = (await client.get("/api/v1/job-postings", params={"limit": 100})).json()["items"]
        tokens = [await register(client, i) for i in range(candidates)]
        applications: list[tuple[str, str]] = []
        for token in tokens:
            for job in jobs:
                response = await client.post(
                    "/api/v1/applications",
                    json={"job_posting_id": job["id"]},
                    headers=headers(token),
                )
                response.raise_for_status()
                applications.append((token, response.json()["id"]))
        return applications, tokens


def _start(token: str, application_id: str) -> Request:
    def call(client: httpx.AsyncClient) -> Awaitable[httpx.Response]:
        return client.post(
            "/api/v1/interviews/start",
            json={"application_id": application_id},
            headers=headers(token),
        )

    return call


def _baseline(token: str) -> Request:
    def call(client: httpx.AsyncClient) -> Awaitable[httpx.Response]:
        return client.post("/bench/baseline", headers=headers(token))

    return call


async def _burst(base: str, requests: list[Request], concurrency: int) -> tuple[float, list[int]]:
    """Requests per second for one burst, and the SQL statement counts it saw."""
    seconds, counts = await _drive(base, requests, concurrency)
    return len(requests) / seconds, counts


async def run(base: str, candidates: int, concurrency: int, rounds: int) -> None:
    applications, tokens = await _prepare(base, candidates)
    baseline = [_baseline(tokens[i % len(tokens)]) for i in range(len(applications))]
    starts = [_start(t, a) for t, a in applications]
    # Warm both paths (connections, statement caches) outside the measurement.
    warm = concurrency
    await _drive(base, baseline[:warm], concurrency)
    await _drive(base, starts[:warm], concurrency)
    starts = starts[warm:]
    # Short alternating bursts, each start burst paired with a baseline burst of the same
    # size next to it in time, so a noisy moment on the machine hits both sides of a
    # ratio. The median over the rounds is the figure; min and max show the spread.
    size = len(starts) // rounds
    ratios: list[float] = []
    rates: dict[str, list[float]] = {"start": [], "baseline": []}
    statements: list[int] = []
    for index in range(rounds):
        chunk = starts[index * size : (index + 1) * size]
        pair = {"baseline": baseline[index * size : (index + 1) * size], "start": chunk}
        order = ("baseline", "start") if index % 2 == 0 else ("start", "baseline")
        rate: dict[str, float] = {}
        for name in order:
            rate[name], counts = await _burst(base, pair[name], concurrency)
            rates[name].append(rate[name])
            if name == "start":
                statements.extend(counts)
        ratios.append(rate["start"] / rate["baseline"])
    first, last = statements[:20], statements[-20:]
    print(f"job-linked starts: {len(statements)} in {rounds} rounds  concurrency: {concurrency}")
    print(f"baseline (auth + 1 insert): {statistics.median(rates['baseline']):8.1f} req/s (median)")
    print(f"interview start:            {statistics.median(rates['start']):8.1f} req/s (median)")
    print(
        f"ratio start/baseline:       {statistics.median(ratios):8.2f}   (target >= 0.50; "
        f"median of {rounds} rounds, min {min(ratios):.2f}, max {max(ratios):.2f})"
    )
    print(
        f"SQL statements per start: first {min(first)}-{max(first)}, "
        f"last {min(last)}-{max(last)} (after {len(statements)} interviews; must not grow)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--candidates", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    with server(database_url("hireloop_bench_start")) as base:
        asyncio.run(run(base, args.candidates, args.concurrency, args.rounds))


if __name__ == "__main__":
    main()

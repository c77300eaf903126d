"""Throughput of POST /interviews/start (job-linked, built-in engine) vs a bare baseline.

Starts a real server on 127.0.0.1, prepares candidates with one application per seeded
job, then fires job-linked starts with fixed concurrency and the same number of
baseline requests (authenticate + one INSERT, bench/bench_app.py) in the same run.
Prints both throughputs, their ratio (target >= 0.5) and SQL statements per start,
measured on the first and the last starts (it must not grow with data size).

    python -m bench.start_interview                  # SQLite
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test python -m bench.start_interview
"""

from __future__ import annotations

import argparse
import asyncio
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


async def run(base: str, candidates: int, concurrency: int) -> None:
    applications, tokens = await _prepare(base, candidates)
    half = len(applications) // 2
    baseline_requests = [_baseline(tokens[i % len(tokens)]) for i in range(half)]
    # Warm both paths, then interleave baseline / start / baseline / start to share the noise.
    await _drive(base, baseline_requests[:20], concurrency)
    timings: dict[str, list[float]] = {"start": [], "baseline": []}
    statements: list[int] = []
    for chunk in (applications[:half], applications[half:]):
        seconds, _ = await _drive(base, baseline_requests[: len(chunk)], concurrency)
        timings["baseline"].append(len(chunk) / seconds)
        seconds, counts = await _drive(base, [_start(t, a) for t, a in chunk], concurrency)
        timings["start"].append(len(chunk) / seconds)
        statements.extend(counts)
    start_rps = sum(timings["start"]) / 2
    baseline_rps = sum(timings["baseline"]) / 2
    first, last = statements[:20], statements[-20:]
    print(f"job-linked starts: {len(applications)}  concurrency: {concurrency}")
    print(f"baseline (auth + 1 insert): {baseline_rps:8.1f} req/s")
    print(f"interview start:            {start_rps:8.1f} req/s")
    print(f"ratio start/baseline:       {start_rps / baseline_rps:8.2f}   (target >= 0.50)")
    print(
        f"SQL statements per start: first {min(first)}-{max(first)}, "
        f"last {min(last)}-{max(last)} (after {len(statements)} interviews; must not grow)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--candidates", type=int, default=12)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    with server(database_url("hireloop_bench_start")) as base:
        asyncio.run(run(base, args.candidates, args.concurrency))


if __name__ == "__main__":
    main()

"""A realistic traffic mix against a real server: browse, apply, start, answer, results.

Many simulated candidates run concurrently for a fixed duration against a server with
2 worker processes (PostgreSQL when BENCH_DATABASE_URL is set). Each candidate browses
and searches jobs, opens one, applies, starts the interview, answers until it completes
and reads the results, then starts over with another job. Prints throughput, p50/p95/p99
per operation and the error count (target: zero errors).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \
        python -m bench.load --users 40 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections import defaultdict

import httpx

from bench.harness import database_url, headers, percentile, register, server

ANSWER = (
    "In my last role I owned this area end to end. For example, we measured the baseline, "
    "changed one thing at a time, and cut the error rate by 30 percent; the trade-off was "
    "extra complexity that we documented and monitored."
)
SEARCHES = ["python", "react", "kubernetes", "negotiation", "data", "remote", "senior"]


class Recorder:
    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)

    async def call(
        self, client: httpx.AsyncClient, op: str, method: str, url: str, **kwargs: object
    ) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await client.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError:
            self.errors[op] += 1
            return None
        self.latencies[op].append(time.perf_counter() - started)
        if response.status_code >= 400:
            self.errors[op] += 1
            return None
        return response


async def candidate(client: httpx.AsyncClient, rec: Recorder, index: int, stop_at: float) -> None:
    rng = random.Random(index)
    token = await register(client, index)
    auth = headers(token)
    applied: set[str] = set()
    while time.monotonic() < stop_at:
        listing = await rec.call(
            client,
            "browse",
            "GET",
            "/api/v1/job-postings",
            params={"skip": rng.randrange(0, 3) * 20},
        )
        await rec.call(
            client, "search", "GET", "/api/v1/job-postings", params={"search": rng.choice(SEARCHES)}
        )
        if listing is None:
            continue
        jobs = [j for j in listing.json()["items"] if j["id"] not in applied]
        if not jobs:
            continue
        job = rng.choice(jobs)
        applied.add(job["id"])
        await rec.call(client, "job detail", "GET", f"/api/v1/job-postings/{job['id']}")
        application = await rec.call(
            client,
            "apply",
            "POST",
            "/api/v1/applications",
            json={"job_posting_id": job["id"]},
            headers=auth,
        )
        if application is None:
            continue
        started = await rec.call(
            client,
            "start",
            "POST",
            "/api/v1/interviews/start",
            json={"application_id": application.json()["id"]},
            headers=auth,
        )
        if started is None:
            continue
        interview_id = started.json()["id"]
        for _ in range(20):
            if time.monotonic() >= stop_at:
                return
            answered = await rec.call(
                client,
                "answer",
                "POST",
                f"/api/v1/interviews/{interview_id}/messages",
                json={"content": ANSWER},
                headers=auth,
            )
            if answered is None or answered.json()["interview_complete"]:
                break
        await rec.call(
            client, "results", "GET", f"/api/v1/interviews/{interview_id}/results", headers=auth
        )


async def run(base: str, users: int, seconds: float) -> None:
    rec = Recorder()
    limits = httpx.Limits(max_connections=users + 10)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        started = time.monotonic()
        stop_at = started + seconds
        await asyncio.gather(*(candidate(client, rec, i, stop_at) for i in range(users)))
        elapsed = time.monotonic() - started
    total = sum(len(v) for v in rec.latencies.values())
    print(
        f"users: {users}  duration: {elapsed:.0f}s  requests: {total}  "
        f"throughput: {total / elapsed:.1f} req/s  errors: {sum(rec.errors.values())}"
    )
    print(f"{'operation':12}{'count':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'errors':>8}")
    for op, values in sorted(rec.latencies.items()):
        print(
            f"{op:12}{len(values):8}{percentile(values, 50) * 1000:10.1f}"
            f"{percentile(values, 95) * 1000:10.1f}{percentile(values, 99) * 1000:10.1f}"
            f"{rec.errors.get(op, 0):8}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    # The harness switches the abuse limits off: load tests measure capacity.
    with server(database_url("hireloop_bench_load"), workers=args.workers) as base:
        asyncio.run(run(base, args.users, args.seconds))


if __name__ == "__main__":
    main()

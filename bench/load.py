"""A realistic traffic mix against a real server: browse, apply, start, answer, results.

Many simulated candidates run concurrently for a fixed duration against a server with
2 worker processes (PostgreSQL when BENCH_DATABASE_URL is set). Each candidate browses
and searches jobs, opens one, applies, starts the interview, answers until it completes
and reads the results, then starts over with another job (a new account once it has
applied everywhere). Prints throughput, p50/p95/p99 per operation and the error count
(target: zero errors). bench.soak runs the same mix at a steady rate for a long time.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \
        python -m bench.load --users 40 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from bench.harness import PASSWORD, database_url, headers, percentile, server

ANSWER = (
    "In my last role I owned this area end to end. For example, we measured the baseline, "
    "changed one thing at a time, and cut the error rate by 30 percent; the trade-off was "
    "extra complexity that we documented and monitored."
)
SEARCHES = ["python", "react", "kubernetes", "negotiation", "data", "remote", "senior"]


@dataclass(frozen=True)
class Sample:
    at: float  # seconds since the recorder started, when the request was sent
    op: str
    seconds: float
    ok: bool


class Recorder:
    """Sends requests (each after ``pace``, when given) and records every outcome."""

    def __init__(self, pace: Callable[[], Awaitable[None]] | None = None) -> None:
        self.pace = pace
        self.started = time.monotonic()
        self.samples: list[Sample] = []
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_examples: list[str] = []

    def _failed(self, op: str, what: str) -> None:
        self.errors[op] += 1
        if len(self.error_examples) < 5:
            self.error_examples.append(f"{op}: {what}")

    async def call(
        self, client: httpx.AsyncClient, op: str, method: str, url: str, **kwargs: object
    ) -> httpx.Response | None:
        if self.pace is not None:
            await self.pace()
        at = time.monotonic() - self.started
        started = time.perf_counter()
        try:
            response = await client.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            self.samples.append(Sample(at, op, time.perf_counter() - started, False))
            self._failed(op, repr(exc))
            return None
        elapsed = time.perf_counter() - started
        self.latencies[op].append(elapsed)
        ok = response.status_code < 400
        self.samples.append(Sample(at, op, elapsed, ok))
        if not ok:
            self._failed(op, f"{response.status_code} {response.text[:200]}")
            return None
        return response


async def _register(client: httpx.AsyncClient, rec: Recorder, index: int) -> str | None:
    registered = await rec.call(
        client,
        "register",
        "POST",
        "/api/v1/auth/register",
        json={
            "email": f"load{index}-{time.time_ns()}@example.com",
            "password": PASSWORD,
            "full_name": f"Load Candidate {index}",
        },
    )
    if registered is None:
        return None
    token = str(registered.json()["access_token"])
    # Every candidate reads the candidate notice and accepts it, before their first interview.
    notice = await rec.call(client, "notice", "GET", "/api/v1/consent-notice")
    if notice is None:
        return None
    accepted = await rec.call(
        client,
        "consent",
        "POST",
        "/api/v1/me/consents",
        json={"notice_version": notice.json()["version"]},
        headers=headers(token),
    )
    return None if accepted is None else token


async def _interview(
    client: httpx.AsyncClient,
    rec: Recorder,
    auth: dict[str, str],
    application_id: str,
    stop_at: float,
) -> None:
    started = await rec.call(
        client,
        "start",
        "POST",
        "/api/v1/interviews/start",
        json={"application_id": application_id},
        headers=auth,
    )
    if started is None:
        return
    interview_id = started.json()["id"]
    question = started.json()["current_question"] or started.json()["first_question"]
    for _ in range(20):
        if time.monotonic() >= stop_at:
            return
        answered = await rec.call(
            client,
            "answer",
            "POST",
            f"/api/v1/interviews/{interview_id}/messages",
            json={"content": ANSWER, "question_id": question["id"]},
            headers=auth,
        )
        if answered is None or answered.json()["interview_complete"]:
            break
        question = answered.json()["next_question"]
    await rec.call(
        client, "results", "GET", f"/api/v1/interviews/{interview_id}/results", headers=auth
    )


async def candidate(client: httpx.AsyncClient, rec: Recorder, index: int, stop_at: float) -> None:
    """One simulated candidate after another, each through the whole mix, until stop_at."""
    rng = random.Random(index)
    while time.monotonic() < stop_at:
        token = await _register(client, rec, index)
        if token is None:
            await asyncio.sleep(1)
            continue
        auth = headers(token)
        applied: set[str] = set()
        idle_rounds = 0  # listings that offered nothing new: this account is done
        while time.monotonic() < stop_at and idle_rounds < 3:
            listing = await rec.call(
                client,
                "browse",
                "GET",
                "/api/v1/job-postings",
                params={"skip": rng.randrange(0, 3) * 20},
            )
            await rec.call(
                client,
                "search",
                "GET",
                "/api/v1/job-postings",
                params={"search": rng.choice(SEARCHES)},
            )
            if listing is None:
                continue
            jobs = [j for j in listing.json()["items"] if j["id"] not in applied]
            if not jobs:
                idle_rounds += 1
                continue
            idle_rounds = 0
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
            if application is not None:
                await _interview(client, rec, auth, application.json()["id"], stop_at)


def print_operations(rec: Recorder) -> None:
    print(f"{'operation':12}{'count':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'errors':>8}")
    for op, values in sorted(rec.latencies.items()):
        print(
            f"{op:12}{len(values):8}{percentile(values, 50) * 1000:10.1f}"
            f"{percentile(values, 95) * 1000:10.1f}{percentile(values, 99) * 1000:10.1f}"
            f"{rec.errors.get(op, 0):8}"
        )
    for example in rec.error_examples:
        print(f"  error: {example}")


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
    print_operations(rec)


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

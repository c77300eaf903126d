"""Job listing latency at 10k and 1M postings on PostgreSQL (SPEC §9).

For each size: a fresh database, ``hireloop seed --synthetic N``, ANALYZE, a real server,
then sequential requests for several filtered/searched listings and for one posting by
id. Prints p95 per query, the growth from the smallest to the largest size (target
<= 2x) and each listing's p95 against fetching one posting by id (target <= 3x).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test python -m bench.listing
    ... python -m bench.listing --sizes 10000 100000     # quicker
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from typing import Any

import httpx

from bench.harness import ROOT, database_url, percentile, server

QUERIES: dict[str, dict[str, Any]] = {
    "newest": {},
    "category+setup": {"role_category": "engineering", "work_setup": "remote"},
    "level+type": {"experience_level": "senior", "employment_type": "contract"},
    "tech_stack=react": {"tech_stack": "react"},
    "location=berlin": {"location": "berlin"},
    "search=kubernetes": {"search": "kubernetes"},
    "search=negotiation crm": {"search": "negotiation crm"},
    "search+filter": {"search": "python", "experience_level": "lead"},
    "page 5": {"skip": 80, "limit": 20},
}


def _seed(db_url: str, size: int) -> None:
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-m", "hireloop.cli", "migrate"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [sys.executable, "-m", "hireloop.cli", "seed", "--synthetic", str(size)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    asyncio.run(_analyze(db_url))


async def _analyze(db_url: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(db_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


async def _measure(base: str, repeats: int) -> dict[str, float]:
    results: dict[str, float] = {}
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        first = (await client.get("/api/v1/job-postings")).json()["items"]
        job_id = first[0]["id"]
        cases = {
            **{name: ("/api/v1/job-postings", q) for name, q in QUERIES.items()},
            "get by id": (f"/api/v1/job-postings/{job_id}", {}),
        }
        for name, (url, params) in cases.items():
            for _ in range(5):  # warm caches
                await client.get(url, params=params)
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                response = await client.get(url, params=params)
                times.append(time.perf_counter() - started)
                response.raise_for_status()
            results[name] = percentile(times, 95) * 1000
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=60)
    args = parser.parse_args()
    if not os.environ.get("BENCH_DATABASE_URL"):
        raise SystemExit("Set BENCH_DATABASE_URL to a PostgreSQL server (SPEC targets PostgreSQL).")
    by_size: dict[int, dict[str, float]] = {}
    for size in args.sizes:
        db_url = database_url(f"hireloop_bench_listing_{size}")
        print(f"seeding {size} postings ...", flush=True)
        _seed(db_url, size)
        with server(db_url) as base:
            by_size[size] = asyncio.run(_measure(base, args.repeats))
    small, large = by_size[min(by_size)], by_size[max(by_size)]
    header = "".join(f"{f'p95 @{s:,}':>16}" for s in sorted(by_size))
    print(f"{'query':24}{header}{'growth':>9}{'vs by-id':>10}")
    for name in [*QUERIES, "get by id"]:
        row = "".join(f"{by_size[s][name]:13.1f} ms" for s in sorted(by_size))
        growth = large[name] / small[name]
        vs_id = large[name] / large["get by id"]
        print(f"{name:24}{row}{growth:8.2f}x{vs_id:9.2f}x")
    print("targets: growth <= 2x from the smallest to the largest size; listing <= 3x by-id")


if __name__ == "__main__":
    main()

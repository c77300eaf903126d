"""Job listing latency at 10k and 1M postings on PostgreSQL (SPEC §9).

For each size: a fresh database, ``hireloop seed --synthetic N``, VACUUM ANALYZE, a real server,
then sequential requests, round-robin, for several filtered/searched listings and for
one posting by id. Prints p95 per query, the growth from the smallest to the largest size (target
<= 2x) and, at each size, each listing's p95 against fetching one posting by id
(target <= 3x).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test python -m bench.listing
    ... python -m bench.listing --sizes 10000 100000     # quicker
    ... python -m bench.listing --reuse                  # keep databases seeded earlier
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
from sqlalchemy.engine import make_url

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
    """The state autovacuum keeps a live database in: statistics current, and the word
    indexes' pending entries merged (a freshly loaded GIN index scans its whole pending
    list on every search, which no running deployment does for long)."""
    import asyncpg

    connection = await asyncpg.connect(db_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


async def _measure(base: str, repeats: int) -> dict[str, float]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        first = (await client.get("/api/v1/job-postings")).json()["items"]
        job_id = first[0]["id"]
        cases = {
            **{name: ("/api/v1/job-postings", q) for name, q in QUERIES.items()},
            "get by id": (f"/api/v1/job-postings/{job_id}", {}),
        }
        for url, params in cases.values():
            for _ in range(5):  # warm caches
                await client.get(url, params=params)
        # Round-robin: each round asks every query once, so a noisy moment on the
        # machine lands on all of them alike instead of on one query's whole sample.
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(repeats):
            for name, (url, params) in cases.items():
                started = time.perf_counter()
                response = await client.get(url, params=params)
                times[name].append(time.perf_counter() - started)
                response.raise_for_status()
        return {name: percentile(values, 95) * 1000 for name, values in times.items()}


async def _seeded_size(db_url: str) -> int:
    """How many postings an existing benchmark database holds (0 if there is none)."""
    import asyncpg

    try:
        connection = await asyncpg.connect(db_url.replace("postgresql+asyncpg://", "postgresql://"))
    except asyncpg.InvalidCatalogNameError:
        return 0
    try:
        count: int = await connection.fetchval("SELECT count(*) FROM job_postings")
        return count
    except asyncpg.UndefinedTableError:
        return 0
    finally:
        await connection.close()


def _prepared_database(size: int, reuse: bool) -> str:
    name = f"hireloop_bench_listing_{size}"
    if reuse:
        configured = os.environ["BENCH_DATABASE_URL"]
        existing = make_url(configured.replace("postgresql://", "postgresql+asyncpg://"))
        db_url = existing.set(database=name).render_as_string(hide_password=False)
        if asyncio.run(_seeded_size(db_url)) >= size:
            print(f"reusing {name} (--reuse)", flush=True)
            asyncio.run(_analyze(db_url))
            return db_url
    db_url = database_url(name)
    print(f"seeding {size} postings ...", flush=True)
    _seed(db_url, size)
    return db_url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=100)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep a benchmark database from an earlier run if it holds enough postings",
    )
    args = parser.parse_args()
    if not os.environ.get("BENCH_DATABASE_URL"):
        raise SystemExit("Set BENCH_DATABASE_URL to a PostgreSQL server (SPEC targets PostgreSQL).")
    by_size: dict[int, dict[str, float]] = {}
    for size in args.sizes:
        db_url = _prepared_database(size, args.reuse)
        with server(db_url) as base:
            by_size[size] = asyncio.run(_measure(base, args.repeats))
    sizes = sorted(by_size)
    small, large = by_size[sizes[0]], by_size[sizes[-1]]
    p95_header = "".join(f"{f'p95 @{s:,}':>16}" for s in sizes)
    ratio_header = "".join(f"{f'vs id @{s:,}':>18}" for s in sizes)
    print(f"{'query':24}{p95_header}{'growth':>9}{ratio_header}")
    for name in [*QUERIES, "get by id"]:
        p95s = "".join(f"{by_size[s][name]:13.1f} ms" for s in sizes)
        growth = large[name] / small[name]
        ratios = "".join(f"{by_size[s][name] / by_size[s]['get by id']:17.2f}x" for s in sizes)
        print(f"{name:24}{p95s}{growth:8.2f}x{ratios}")
    print("targets: growth <= 2x from the smallest to the largest size; listing <= 3x by-id")


if __name__ == "__main__":
    main()

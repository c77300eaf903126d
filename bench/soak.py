"""Soak: the mixed load of bench.load at a steady rate for a long time.

A real server with 2 worker processes (PostgreSQL when BENCH_DATABASE_URL is set) takes
the browse/search/apply/start/answer/results mix of bench.load, paced to a fixed request
rate, for --minutes (default 30); a slow trickle of the baseline route (authenticate, one
INSERT) runs beside it. After a short warm-up it compares the last window with the first
(5 minutes each, or a fifth of the run when that is shorter):

- errors: every failed request or non-2xx answer (target 0);
- p95 of the mix, last window / first window (target <= 1.5), shown beside the same ratio
  for the baseline route, so a machine that got busier shows as such;
- server memory (resident, the uvicorn process and its workers), median of the last
  window / median of the first (target: growth < 10%).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \
        python -m bench.soak --minutes 30
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.harness import database_url, headers, percentile, register, server_process
from bench.load import Recorder, Sample, candidate, print_operations

P95_RATIO_TARGET = 1.5
MEMORY_GROWTH_TARGET = 0.10
WINDOW_SECONDS = 5 * 60


class Pacer:
    """Hands out request slots at a fixed rate to whoever asks. A slot that passed while
    every user was busy is dropped (and counted), never made up in a burst."""

    def __init__(self, rate: float) -> None:
        self.interval = 1 / rate
        self.next = time.monotonic()
        self.missed = 0
        self.missed_in_warmup = 0

    async def slot(self) -> None:
        now = time.monotonic()
        late = now - self.next
        if late > self.interval:
            skipped = int(late / self.interval)
            self.missed += skipped
            self.next += skipped * self.interval
        slot, self.next = self.next, self.next + self.interval
        await asyncio.sleep(max(0.0, slot - now))


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def resident_bytes(root: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc)."""
    total = 0
    for pid in [root, *_descendants(root)]:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


@dataclass(frozen=True)
class Window:
    label: str
    start: float
    end: float

    def holds(self, at: float) -> bool:
        return self.start <= at < self.end


def windows(warmup: float, duration: float) -> tuple[Window, Window]:
    """The first and last comparison windows of a run (seconds since the run started)."""
    measured = duration - warmup
    length = min(WINDOW_SECONDS, measured / 5)
    minutes = f"{length / 60:.1f} min"
    return (
        Window(f"first {minutes}", warmup, warmup + length),
        Window(f"last {minutes}", duration - length, duration),
    )


@dataclass(frozen=True)
class WindowFigures:
    requests: int
    errors: int
    p95: float
    baseline_p95: float
    memory: float


def figures(
    window: Window,
    mix: Iterable[Sample],
    baseline: Iterable[Sample],
    memory: Iterable[tuple[float, int]],
) -> WindowFigures:
    inside = [s for s in mix if window.holds(s.at)]
    ok = [s.seconds for s in inside if s.ok]
    base = [s.seconds for s in baseline if window.holds(s.at) and s.ok]
    rss = [value for at, value in memory if window.holds(at)]
    return WindowFigures(
        requests=len(inside),
        errors=sum(not s.ok for s in inside),
        p95=percentile(ok, 95),
        baseline_p95=percentile(base, 95),
        memory=statistics.median(rss) if rss else float("nan"),
    )


@dataclass(frozen=True)
class Verdict:
    errors: int
    p95_ratio: float
    baseline_ratio: float
    memory_growth: float

    @property
    def met(self) -> bool:
        return (
            self.errors == 0
            and self.p95_ratio <= P95_RATIO_TARGET
            and self.memory_growth < MEMORY_GROWTH_TARGET
        )


def judge(errors: int, first: WindowFigures, last: WindowFigures) -> Verdict:
    return Verdict(
        errors=errors,
        p95_ratio=last.p95 / first.p95,
        baseline_ratio=last.baseline_p95 / first.baseline_p95,
        memory_growth=last.memory / first.memory - 1,
    )


async def _baseline_trickle(
    client: httpx.AsyncClient, rec: Recorder, every: float, stop_at: float
) -> None:
    token = await register(client, 10_000)
    while time.monotonic() < stop_at:
        await rec.call(client, "baseline", "POST", "/bench/baseline", headers=headers(token))
        await asyncio.sleep(every)


async def _sample_memory(pid: int, out: list[tuple[float, int]], started: float) -> None:
    while True:
        out.append((time.monotonic() - started, resident_bytes(pid)))
        await asyncio.sleep(2)


async def soak(
    base: str, server_pid: int, seconds: float, warmup: float, rate: float, users: int
) -> Verdict:
    pacer = Pacer(rate)
    mix, baseline = Recorder(pacer.slot), Recorder()
    memory: list[tuple[float, int]] = []
    limits = httpx.Limits(max_connections=users + 10)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        mix.started = baseline.started = started = time.monotonic()
        stop_at = started + warmup + seconds
        sampler = asyncio.create_task(_sample_memory(server_pid, memory, started))
        missed_in_warmup = asyncio.get_running_loop().call_later(
            warmup, lambda: setattr(pacer, "missed_in_warmup", pacer.missed)
        )
        await asyncio.gather(
            _baseline_trickle(client, baseline, 1.0, stop_at),
            *(candidate(client, mix, i, stop_at) for i in range(users)),
        )
        sampler.cancel()
        missed_in_warmup.cancel()
        elapsed = time.monotonic() - started
    first_window, last_window = windows(warmup, warmup + seconds)
    first = figures(first_window, mix.samples, baseline.samples, memory)
    last = figures(last_window, mix.samples, baseline.samples, memory)
    errors = sum(mix.errors.values()) + sum(baseline.errors.values())
    verdict = judge(errors, first, last)

    measured = [s for s in mix.samples if s.at >= warmup]
    print(
        f"soak: {seconds / 60:.1f} min after {warmup:.0f} s warm-up, target {rate:g} req/s "
        f"({users} users), achieved {len(measured) / (elapsed - warmup):.1f} req/s, "
        f"{pacer.missed - pacer.missed_in_warmup} slots missed after the warm-up; "
        f"requests {len(mix.samples)}, errors {errors}"
    )
    print(
        f"{'window':16}{'requests':>10}{'errors':>8}{'p95 ms':>10}{'baseline p95':>14}{'RSS MB':>9}"
    )
    for window, row in ((first_window, first), (last_window, last)):
        print(
            f"{window.label:16}{row.requests:10}{row.errors:8}{row.p95 * 1000:10.1f}"
            f"{row.baseline_p95 * 1000:14.1f}{row.memory / 2**20:9.1f}"
        )
    print_operations(mix)

    def mark(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    print(f"errors: {errors} (target 0) {mark(errors == 0)}")
    print(
        f"p95 last/first: {verdict.p95_ratio:.2f} (target <= {P95_RATIO_TARGET}) "
        f"{mark(verdict.p95_ratio <= P95_RATIO_TARGET)}; baseline route last/first: "
        f"{verdict.baseline_ratio:.2f}"
    )
    print(
        f"server memory growth: {verdict.memory_growth:+.1%} (target < "
        f"{MEMORY_GROWTH_TARGET:.0%}) {mark(verdict.memory_growth < MEMORY_GROWTH_TARGET)}"
    )
    return verdict


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=30, help="measured duration")
    parser.add_argument("--warmup-seconds", type=float, default=30, help="not measured")
    parser.add_argument("--rate", type=float, default=20, help="requests per second of the mix")
    parser.add_argument("--users", type=int, default=24, help="concurrent candidates")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    args = parser.parse_args(argv)
    if not os.environ.get("BENCH_DATABASE_URL"):
        print("note: BENCH_DATABASE_URL is not set, so this runs on SQLite")
    with server_process(database_url("hireloop_bench_soak"), workers=args.workers) as (
        base,
        process,
    ):
        verdict = asyncio.run(
            soak(base, process.pid, args.minutes * 60, args.warmup_seconds, args.rate, args.users)
        )
    return 0 if verdict.met else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""bench.soak: its pacing, windows, verdict and memory reading, and a short real run."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.load import Sample
from bench.soak import Pacer, figures, judge, resident_bytes, windows

ROOT = Path(__file__).resolve().parent.parent.parent


async def test_pacer_holds_a_steady_rate_and_never_bursts_after_a_stall() -> None:
    pacer = Pacer(rate=50)
    started = time.monotonic()
    for _ in range(25):
        await pacer.slot()
    assert time.monotonic() - started >= 0.45  # 25 slots at 50/s: half a second

    await asyncio.sleep(1.0)  # every user was busy: 50 slots went by
    resumed = time.monotonic()
    for _ in range(10):
        await pacer.slot()
    assert time.monotonic() - resumed >= 0.15, "missed slots were made up in a burst"
    assert pacer.missed >= 40


def test_windows_are_five_minutes_or_a_fifth_of_a_short_run() -> None:
    first, last = windows(warmup=30, duration=30 + 30 * 60)
    assert (first.start, first.end) == (30, 330)
    assert (last.start, last.end) == (30 + 25 * 60, 30 + 30 * 60)
    first, last = windows(warmup=30, duration=30 + 2 * 60)
    assert (first.start, first.end) == (30, 54)
    assert (last.start, last.end) == (126, 150)


def test_verdict_compares_the_last_window_with_the_first() -> None:
    first_window, last_window = windows(warmup=0, duration=100)
    mix = [Sample(at=t / 10, op="answer", seconds=0.1, ok=True) for t in range(200)]
    mix += [Sample(at=90 + t / 10, op="answer", seconds=0.3, ok=True) for t in range(100)]
    mix.append(Sample(at=95, op="apply", seconds=0.01, ok=False))
    baseline = [Sample(at=float(t), op="baseline", seconds=0.01, ok=True) for t in range(100)]
    memory = [(float(t), 100 * 2**20 + t * 2**20 // 10) for t in range(100)]
    first = figures(first_window, mix, baseline, memory)
    last = figures(last_window, mix, baseline, memory)
    assert (first.errors, last.errors) == (0, 1)
    verdict = judge(first.errors + last.errors, first, last)
    assert round(verdict.p95_ratio, 2) == 3.0
    assert round(verdict.baseline_ratio, 2) == 1.0
    assert 0.07 < verdict.memory_growth < 0.09
    assert not verdict.met


def test_resident_memory_counts_the_worker_processes() -> None:
    before = resident_bytes(os.getpid())
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; x = bytearray(80 * 2**20); time.sleep(60)"],
    )
    try:
        deadline = time.monotonic() + 30
        while resident_bytes(os.getpid()) - before < 60 * 2**20:
            assert time.monotonic() < deadline, "the child's memory was not counted"
            time.sleep(0.2)
    finally:
        child.kill()
        child.wait()


def test_a_short_soak_runs_clean(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    database = os.environ.get("HIRELOOP_TEST_DATABASE_URL")
    env.pop("BENCH_DATABASE_URL", None)
    if database:
        env["BENCH_DATABASE_URL"] = database
    short = ["--minutes", "0.25", "--warmup-seconds", "3", "--rate", "8", "--users", "4"]
    run = subprocess.run(
        [sys.executable, "-m", "bench.soak", *short],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert "errors: 0 (target 0) ok" in run.stdout, run.stdout + run.stderr[-3000:]
    assert "p95 last/first:" in run.stdout and "server memory growth:" in run.stdout

"""Shared benchmark plumbing: a real server process on 127.0.0.1 and simple statistics."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-pass-123"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def database_url(name: str) -> str:
    """BENCH_DATABASE_URL names a PostgreSQL server to use (a fresh database is created);
    otherwise a temporary SQLite file."""
    configured = os.environ.get("BENCH_DATABASE_URL")
    if not configured:
        return f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='hireloop-bench-')}/bench.db"
    from sqlalchemy.engine import make_url

    from hireloop import pg_admin

    url = make_url(configured.replace("postgresql://", "postgresql+asyncpg://"))
    return asyncio.run(pg_admin.recreate_database(url.render_as_string(hide_password=False), name))


# A server on a loaded 2-core machine can take well over a minute to start.
READY_BUDGET_SECONDS = 180.0


@contextlib.contextmanager
def server(db_url: str, workers: int = 1, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """Migrate, seed and run the bench app under uvicorn; yields its base URL."""
    with server_process(db_url, workers, extra_env) as (base, _process):
        yield base


@contextlib.contextmanager
def server_process(
    db_url: str, workers: int = 1, extra_env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """As ``server``, and the uvicorn process (its workers are its children)."""
    port = free_port()
    data_dir = tempfile.mkdtemp(prefix="hireloop-bench-data-")
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "HIRELOOP_DATA_DIR": data_dir,
        "HIRELOOP_LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        # Benchmarks drive many requests per user from one IP on purpose; the abuse
        # limits would turn them into 429s.
        "HIRELOOP_RATE_LIMITS_ENABLED": "false",
        **(extra_env or {}),
    }
    for command in (["migrate"], ["seed"]):
        subprocess.run(
            [sys.executable, "-m", "hireloop.cli", *command],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "bench.bench_app:create_bench_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_BUDGET_SECONDS
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/readyz", timeout=10).status_code == 200:
                    break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"server did not become ready in {READY_BUDGET_SECONDS:.0f} s")
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=30)


async def register(client: httpx.AsyncClient, index: int) -> str:
    response = await client.post(
        "/api/v1/auth/register",
        json={
            "email": f"bench{index}-{time.time_ns()}@example.com",
            "password": PASSWORD,
            "full_name": f"Bench Candidate {index}",
        },
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    # Every candidate accepts the candidate notice once, before their first interview.
    notice = await client.get("/api/v1/consent-notice")
    notice.raise_for_status()
    accepted = await client.post(
        "/api/v1/me/consents",
        json={"notice_version": notice.json()["version"]},
        headers=headers(token),
    )
    accepted.raise_for_status()
    return token


async def current_question(client: httpx.AsyncClient, token: str, interview_id: str) -> str:
    """The id of the question an interview waits for (every answer names it)."""
    response = await client.get(f"/api/v1/interviews/{interview_id}", headers=headers(token))
    response.raise_for_status()
    return str(response.json()["current_question"]["id"])


def headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(values: list[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "p50_ms": round(percentile(values, 50) * 1000, 1),
        "p95_ms": round(percentile(values, 95) * 1000, 1),
        "mean_ms": round(statistics.fmean(values) * 1000, 1) if values else float("nan"),
    }

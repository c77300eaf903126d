"""The live-server helper waits out a slow start and gives up at once on a dead server."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.live_server import READY_BUDGET_SECONDS, STARTUP_DELAY_ENV, live_server, server_env

# The helper's budget was 60 s; on a loaded 2-core CI machine servers took longer.
OLD_BUDGET_SECONDS = 60


def test_a_server_slower_than_a_minute_to_start_is_waited_for(
    database_url: str, tmp_path: Path
) -> None:
    assert READY_BUDGET_SECONDS >= 180
    env = server_env(
        database_url, str(tmp_path), **{STARTUP_DELAY_ENV: str(OLD_BUDGET_SECONDS + 2)}
    )
    started = time.monotonic()
    with live_server(env) as (base, process):
        assert time.monotonic() - started > OLD_BUDGET_SECONDS
        assert httpx.get(f"{base}/readyz", timeout=30).status_code == 200
        assert process.poll() is None


def test_a_server_that_fails_to_start_is_reported_at_once(
    database_url: str, tmp_path: Path
) -> None:
    # An invalid configuration: the app factory refuses it and the process exits.
    env = server_env(database_url, str(tmp_path), HIRELOOP_AI_PROVIDER="openai")
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="exited with"), live_server(env):
        pass
    assert time.monotonic() - started < OLD_BUDGET_SECONDS

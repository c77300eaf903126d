"""CI's PostgreSQL setup on servers that are not like ours: down, fresh, or several versions."""

from __future__ import annotations

import asyncio
import os
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from hireloop import pg_admin
from hireloop.config import normalize_database_url
from tests.conftest import TEST_DATABASE_ENV, _recreate_postgres_database

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_UP = ROOT / ".ci" / "postgres-up"

needs_postgres = pytest.mark.skipif(
    not os.environ.get(TEST_DATABASE_ENV),
    reason="needs PostgreSQL (runs in the PostgreSQL pass of .ci/run)",
)


def _fake_tools(tmp_path: Path, scripts: dict[str, str]) -> dict[str, str]:
    """PATH with stand-ins for the PostgreSQL tools; the rest of the system stays usable."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in scripts.items():
        tool = bin_dir / name
        tool.write_text(f"#!/usr/bin/env bash\n{body}\n")
        tool.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}


def _conf_dir(tmp_path: Path, *versions: str) -> Path:
    conf = tmp_path / "etc-postgresql"
    conf.mkdir()
    for version in versions:
        (conf / version / "main").mkdir(parents=True)
    return conf


def _postgres_up(env: dict[str, str], conf: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(POSTGRES_UP), "test"],
        env={**env, "POSTGRES_CONF_DIR": str(conf), **extra},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_no_installed_cluster_is_a_clear_failure(tmp_path: Path) -> None:
    env = _fake_tools(tmp_path, {"pg_isready": "exit 2", "pg_ctlcluster": "exit 1"})
    result = _postgres_up(env, _conf_dir(tmp_path))
    assert result.returncode == 1
    assert "no PostgreSQL cluster is installed" in result.stderr


def test_every_installed_cluster_is_started_newest_first(tmp_path: Path) -> None:
    state = tmp_path / "started.log"
    env = _fake_tools(
        tmp_path,
        {
            # Down until a cluster has been started.
            "pg_isready": f'[ -s "{state}" ]',
            "pg_ctlcluster": f'echo "$*" >> "{state}"',
            "psql": "echo 1",  # the test database exists
            "createdb": f'echo "createdb $*" >> "{state}"',
        },
    )
    result = _postgres_up(env, _conf_dir(tmp_path, "9.6", "15", "16"))
    assert result.returncode == 0, result.stderr
    assert state.read_text().splitlines() == [
        f"--skip-systemctl-redirect {version} main start" for version in ("16", "15", "9.6")
    ]


def test_a_cluster_that_never_answers_is_a_clear_failure(tmp_path: Path) -> None:
    env = _fake_tools(tmp_path, {"pg_isready": "exit 2", "pg_ctlcluster": "exit 0"})
    result = _postgres_up(env, _conf_dir(tmp_path, "15", "16"), POSTGRES_WAIT_SECONDS="1")
    assert result.returncode == 1
    assert "started 16/main 15/main of" in result.stderr
    assert "nothing answers on 127.0.0.1:5432" in result.stderr


def test_a_missing_test_database_is_created(tmp_path: Path) -> None:
    state = tmp_path / "created.log"
    env = _fake_tools(
        tmp_path,
        {"pg_isready": "exit 0", "psql": "echo", "createdb": f'echo "$*" >> "{state}"'},
    )
    result = _postgres_up(env, _conf_dir(tmp_path, "15"))
    assert result.returncode == 0, result.stderr
    assert state.read_text().split()[-1] == "test"


def _missing_database_url() -> str:
    configured = normalize_database_url(os.environ[TEST_DATABASE_ENV])
    name = f"hl_fresh_{uuid.uuid4().hex[:10]}"
    return make_url(configured).set(database=name).render_as_string(hide_password=False)


async def _database_exists(url: str, name: str) -> bool:
    connection = await pg_admin.admin_connect(url)
    try:
        found = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
    finally:
        await connection.close()
    return bool(found)


@needs_postgres
def test_postgres_up_creates_the_database_on_the_real_server() -> None:
    url = _missing_database_url()
    name = str(make_url(url).database)
    parsed = make_url(url)
    env = {
        **os.environ,
        "PGHOST": parsed.host or "127.0.0.1",
        "PGPORT": str(parsed.port or 5432),
        "PGUSER": parsed.username or "postgres",
    }
    try:
        result = subprocess.run(
            [str(POSTGRES_UP), name], env=env, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        assert asyncio.run(_database_exists(url, name))
        again = subprocess.run(
            [str(POSTGRES_UP), name], env=env, capture_output=True, text=True, check=False
        )
        assert again.returncode == 0 and "created" not in again.stderr
    finally:
        asyncio.run(pg_admin.drop_database(url, name))


@needs_postgres
def test_suite_setup_works_when_the_named_database_is_missing() -> None:
    url = _missing_database_url()
    base = str(make_url(url).database)
    made = asyncio.run(_recreate_postgres_database(url, "_probe"))
    try:
        assert asyncio.run(_database_exists(url, base))
        assert asyncio.run(_database_exists(url, str(make_url(made).database)))
    finally:
        asyncio.run(pg_admin.drop_database(url, str(make_url(made).database)))
        asyncio.run(pg_admin.drop_database(url, base))

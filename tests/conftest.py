"""Test fixtures: a migrated database per test worker, a fresh app per test.

SQLite by default; set HIRELOOP_TEST_DATABASE_URL (e.g.
postgresql+asyncpg://postgres@127.0.0.1:5432/test) to run the same suite on PostgreSQL.
The database it names is created if missing; each xdist worker gets its own database
next to it, built by the real Alembic migrations; every test starts from empty tables.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from httpx import ASGITransport, AsyncClient
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.engine import make_url

from hireloop import migrate, pg_admin
from hireloop.config import Settings, normalize_database_url
from hireloop.db import Base
from hireloop.main import create_app

TEST_DATABASE_ENV = "HIRELOOP_TEST_DATABASE_URL"


def _run_database_prefix() -> str:
    """Unique per test run and worker, so concurrent runs never share a database."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", f"p{os.getpid()}")[:8]
    return f"hl_{run}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


async def _recreate_postgres_database(url: str, suffix: str = "") -> str:
    # The database the URL names need not exist (a fresh server): create it, then ours.
    await pg_admin.ensure_database(url)
    name = f"{make_url(url).database}_{_run_database_prefix()}{suffix}"
    return await pg_admin.recreate_database(url, name)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    configured = os.environ.get(TEST_DATABASE_ENV)
    if not configured:
        path = tmp_path_factory.mktemp("db") / "test.db"
        url = f"sqlite+aiosqlite:///{path}"
        migrate.upgrade(url)
        yield url
        return
    base = normalize_database_url(configured)
    url = asyncio.run(_recreate_postgres_database(base))
    migrate.upgrade(url)
    yield url
    # Leave nothing behind on the shared server (best effort: a crash leaves it for
    # the next run with the same name to drop).
    for suffix in ("", "_scratch"):
        name = f"{make_url(base).database}_{_run_database_prefix()}{suffix}"
        with contextlib.suppress(Exception):
            asyncio.run(pg_admin.drop_database(base, name))


@pytest.fixture
def empty_database_url(tmp_path: Path) -> str:
    """A database of its own with no tables, for tests that migrate it themselves."""
    configured = os.environ.get(TEST_DATABASE_ENV)
    if configured:
        return asyncio.run(
            _recreate_postgres_database(normalize_database_url(configured), "_scratch")
        )
    return f"sqlite+aiosqlite:///{tmp_path / 'scratch.db'}"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        data_dir=tmp_path / "data",
        jwt_secret=SecretStr("test-secret-key-that-is-long-enough-for-hs256"),
        log_json=True,
        # Tests deliver outbox messages themselves (outbox.worker.drain) when they mean
        # to. A polling worker in the test's own app would also hold SQLite's write lock
        # for a moment every second, and a test that waits synchronously for a live
        # server (blocking this event loop) could catch it holding the lock.
        outbox_worker_in_server=False,
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[object]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application
        await _empty_tables(application.state.engine)


async def _empty_tables(engine: object) -> None:
    from sqlalchemy.ext.asyncio import AsyncEngine

    assert isinstance(engine, AsyncEngine)
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
        else:
            await connection.execute(text("UPDATE applications SET interview_id = NULL"))
            for table in tables:
                await connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
async def client(app: object) -> AsyncIterator[AsyncClient]:
    transport = ASGITransport(app=app)  # type: ignore[arg-type]
    async with AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@pytest.fixture
def is_postgres(database_url: str) -> bool:
    return database_url.startswith("postgresql")


@pytest.fixture(autouse=True)
def _no_network_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Tests must never pick up a developer's real provider or database settings.
    for name in ("DATABASE_URL", "HIRELOOP_DATABASE_URL", "HIRELOOP_AI_PROVIDER"):
        monkeypatch.delenv(name, raising=False)
    yield

"""Create and drop PostgreSQL databases on a server that may be fresh.

The test suite, the benchmarks and CI are given a URL such as
``postgresql://postgres@127.0.0.1:5432/test`` and make their own databases next to the one
it names. Nothing here assumes that database exists: administrative statements run on it
when it does, else on the server's maintenance database, and ``ensure_database`` creates it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import make_url

# Tried in this order after the URL's own database. template1 comes last: while anyone is
# connected to it, CREATE DATABASE (which copies it) fails for everybody else.
MAINTENANCE_DATABASES = ("postgres", "template1")


async def admin_connect(url: str, *, avoid: str | None = None) -> Any:
    """An asyncpg connection fit for CREATE/DROP DATABASE on the URL's server, to any
    database but ``avoid`` (one cannot drop the database one is connected to)."""
    import asyncpg

    parsed = make_url(url)
    names = [parsed.database] if parsed.database else []
    names += [name for name in MAINTENANCE_DATABASES if name not in names]
    names = [name for name in names if name != avoid]
    missing: Exception | None = None
    for name in names:
        try:
            return await asyncpg.connect(
                user=parsed.username,
                password=parsed.password,
                host=parsed.host or "127.0.0.1",
                port=parsed.port or 5432,
                database=name,
            )
        except asyncpg.InvalidCatalogNameError as exc:
            missing = exc
    assert missing is not None
    raise missing


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def _create(connection: Any, name: str) -> bool:
    import asyncpg

    # Two processes may create the same database at once; the loser finds it there.
    try:
        await connection.execute(f"CREATE DATABASE {_quoted(name)}")
    except (asyncpg.DuplicateDatabaseError, asyncpg.UniqueViolationError):
        return False
    return True


async def ensure_database(url: str) -> bool:
    """Creates the database the URL names unless it exists; True when it was created."""
    name = make_url(url).database
    if not name:
        raise ValueError(f"no database named in {make_url(url).render_as_string()}")
    connection = await admin_connect(url)
    try:
        exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        return False if exists else await _create(connection, name)
    finally:
        await connection.close()


async def recreate_database(url: str, name: str) -> str:
    """Drops (disconnecting its users) and creates ``name`` on the URL's server; its URL."""
    connection = await admin_connect(url, avoid=name)
    try:
        await connection.execute(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")
        await _create(connection, name)
    finally:
        await connection.close()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


async def drop_database(url: str, name: str) -> None:
    connection = await admin_connect(url, avoid=name)
    try:
        await connection.execute(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")
    finally:
        await connection.close()

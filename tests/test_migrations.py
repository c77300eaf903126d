"""Migrations upgrade, downgrade and upgrade again on the configured database."""

from __future__ import annotations

import asyncio

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from hireloop import migrate
from hireloop.db import Base


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
            # SQLite's full-text index (FTS5) is a virtual table and shadow tables named
            # after it, outside the ORM's metadata.
            virtual = await connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'"
                if connection.dialect.name == "sqlite"
                else "SELECT NULL WHERE false"
            )
            indexes = list(virtual.scalars())
    finally:
        await engine.dispose()
    return {
        name
        for name in names
        if not any(name == index or name.startswith(f"{index}_") for index in indexes)
    } - {"alembic_version"}


def test_upgrade_downgrade_upgrade(empty_database_url: str) -> None:
    url = empty_database_url
    migrate.upgrade(url)
    assert asyncio.run(_tables(url)) == set(Base.metadata.tables)
    migrate.downgrade(url, "base")
    assert asyncio.run(_tables(url)) == set()
    migrate.upgrade(url)
    assert asyncio.run(_tables(url)) == set(Base.metadata.tables)

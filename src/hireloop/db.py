"""Database plumbing: declarative base, portable column types, engine and sessions."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar

import structlog
from fastapi import Depends, Request
from sqlalchemy import JSON, DateTime, MetaData, event
from sqlalchemy import Enum as SAEnum
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator

from hireloop.config import Settings

_log = structlog.get_logger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# JSON on SQLite, JSONB on PostgreSQL.
JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class UUIDPrimaryKey:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # Take transaction control away from the driver so _sqlite_begin decides how to begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # SQLite allows one writer. Taking the write lock when the transaction begins (rather
    # than at its first write) makes concurrent read-modify-write requests queue up on
    # busy_timeout instead of failing with "database is locked" half-way through.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(settings: Settings) -> AsyncEngine:
    url = settings.resolved_database_url
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, echo=settings.database_echo)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    return create_async_engine(
        url,
        echo=settings.database_echo,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        pool_pre_ping=True,
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request: commit once on success, roll back on any error.

    The commit happens before the response is sent, so a client that got a 2xx
    knows its data is durable.
    """
    maker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with maker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


async def commit_before_slow_call(session: AsyncSession) -> None:
    """End the transaction now, before a call that may take seconds (a language model).

    Every write so far becomes durable and every row lock is released, so a slow model
    never blocks other requests (on SQLite: the whole database). The caller must lock
    and re-read what it relies on afterwards (``relock_interview``), because another
    request may change it meanwhile. The one place a service commits mid-request, so
    such commits are easy to find.
    """
    await session.commit()


# scope="function": the commit runs before the response is sent, never after.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


def on_outcome(
    session: AsyncSession,
    *,
    committed: Callable[[], None] | None = None,
    rolled_back: Callable[[], None] | None = None,
) -> None:
    """Run ``committed`` once the session's transaction commits, or ``rolled_back`` once
    it rolls back: for side effects outside the database (files) that must follow it.

    Callbacks run synchronously inside the commit or rollback and must be quick; a
    failing callback is logged, never raised, because the transaction's outcome stands.
    """
    done = False

    def run(callback: Callable[[], None] | None, outcome: str) -> None:
        nonlocal done
        if done:
            return
        done = True
        if callback is None:
            return
        try:
            callback()
        except Exception:
            _log.exception("transaction_outcome_callback_failed", outcome=outcome)

    sync_session = session.sync_session
    event.listen(sync_session, "after_commit", lambda _s: run(committed, "commit"))
    event.listen(sync_session, "after_rollback", lambda _s: run(rolled_back, "rollback"))


def enum_column(enum_cls: type[StrEnum], *, length: int = 32, **kwargs: Any) -> Any:
    """A portable enum column: VARCHAR plus a CHECK constraint, storing the values."""
    return mapped_column(
        SAEnum(
            enum_cls,
            native_enum=False,
            create_constraint=True,
            length=length,
            validate_strings=True,
            values_callable=lambda members: [member.value for member in members],
            name=enum_cls.__name__.lower(),
        ),
        **kwargs,
    )

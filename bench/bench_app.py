"""The product app plus what only the benchmarks need.

- ``POST /bench/baseline``: authenticate, then one INSERT — the same stack with no
  product logic, the yardstick every benchmark compares against in the same run.
- ``X-SQL-Statements`` response header: how many SQL statements the request ran.

Not part of the product: ``hireloop serve`` never loads this module.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from fastapi import FastAPI, Request, Response
from sqlalchemy import Column, DateTime, MetaData, Table, Uuid, event, insert
from sqlalchemy.exc import DBAPIError

from hireloop.auth.dependencies import CurrentUser
from hireloop.db import SessionDep, utcnow
from hireloop.main import create_app

# The baseline writes to a table of its own, so it never slows the product's queries.
_bench_metadata = MetaData()
baseline_rows = Table(
    "bench_baseline",
    _bench_metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

_statements: ContextVar[list[int] | None] = ContextVar("bench_statements", default=None)


def _count(*_args: Any, **_kwargs: Any) -> None:
    counter = _statements.get()
    if counter is not None:
        counter[0] += 1


def create_bench_app() -> FastAPI:
    app = create_app()
    product_lifespan = app.router.lifespan_context

    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(application: FastAPI):  # type: ignore[no-untyped-def]
        async with product_lifespan(application):
            # Two workers may race to create it; the loser finds it there.
            with contextlib.suppress(DBAPIError):
                async with application.state.engine.begin() as connection:
                    await connection.run_sync(_bench_metadata.create_all)
            event.listen(application.state.engine.sync_engine, "before_cursor_execute", _count)
            yield

    app.router.lifespan_context = lifespan

    @app.middleware("http")
    async def count_statements(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        counter = [0]
        token = _statements.set(counter)
        try:
            response = await call_next(request)
        finally:
            _statements.reset(token)
        response.headers["X-SQL-Statements"] = str(counter[0])
        return response

    @app.post("/bench/baseline", status_code=201)
    async def baseline(user: CurrentUser, session: SessionDep) -> dict[str, str]:
        row_id = uuid.uuid4()
        await session.execute(
            insert(baseline_rows).values(id=row_id, user_id=user.id, created_at=utcnow())
        )
        return {"id": str(row_id)}

    return app

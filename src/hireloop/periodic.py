"""Background work the server repeats while it runs (the idle sweep, the retention purge).

One helper so every such task is started, kept alive through a failed round (the
database may be away for a moment: try next time) and cancelled the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import structlog

log = structlog.get_logger(__name__)


@contextlib.asynccontextmanager
async def repeating(
    name: str,
    interval_seconds: float,
    work: Callable[[], Awaitable[object]],
    *,
    run_at_start: bool = False,
) -> AsyncIterator[None]:
    """Run ``work`` every ``interval_seconds`` while the context is open (not at all when
    the interval is 0 or less); ``run_at_start`` runs it once right away too."""
    if interval_seconds <= 0:
        yield
        return

    async def forever() -> None:
        if not run_at_start:
            await asyncio.sleep(interval_seconds)
        while True:
            try:
                await work()
            except Exception as error:
                log.warning("periodic_task_failed", task=name, error=type(error).__name__)
            await asyncio.sleep(interval_seconds)

    task = asyncio.create_task(forever(), name=name)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

"""The server's idle sweep: every ``idle_sweep_seconds``, interviews left without an answer
past ``idle_abandon_minutes`` are marked abandoned (``service.sweep_idle_interviews``).

Reads never do this (a GET changes nothing), and a write to an idle interview is refused
even between sweeps. Several server processes may sweep at once: the update is one
idempotent statement.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hireloop.config import Settings
from hireloop.db import utcnow
from hireloop.interviews.service import sweep_idle_interviews

log = structlog.get_logger(__name__)


async def sweep_once(maker: async_sessionmaker[AsyncSession], settings: Settings) -> int:
    async with maker() as session:
        swept = await sweep_idle_interviews(session, settings, utcnow())
        await session.commit()
    if swept:
        log.info("idle_interviews_abandoned", count=swept)
    return swept


async def _sweep_forever(maker: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    while True:
        await asyncio.sleep(settings.idle_sweep_seconds)
        try:
            await sweep_once(maker, settings)
        except Exception as error:  # the database may be away for a moment: try next time
            log.warning("idle_sweep_failed", error=type(error).__name__)


@contextlib.asynccontextmanager
async def idle_sweeper(
    maker: async_sessionmaker[AsyncSession], settings: Settings
) -> AsyncIterator[None]:
    """Sweep in the background while the app runs (not at all when the interval is 0)."""
    if settings.idle_sweep_seconds <= 0:
        yield
        return
    task = asyncio.create_task(_sweep_forever(maker, settings), name="idle-sweeper")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

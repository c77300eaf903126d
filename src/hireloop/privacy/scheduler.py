"""The server's retention purge: every ``purge_interval_hours`` (daily by default) while
a retention setting is set, the same work as ``hireloop purge``. Several server processes
may purge at once: every step is idempotent."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hireloop.config import Settings
from hireloop.db import utcnow
from hireloop.privacy.retention import PurgePlan, purge

log = structlog.get_logger(__name__)


async def purge_once(maker: async_sessionmaker[AsyncSession], settings: Settings) -> PurgePlan:
    async with maker() as session:
        plan = await purge(session, settings, utcnow())
        await session.commit()
    if not plan.empty:
        log.info("retention_purged", transcripts=len(plan.transcripts), resumes=len(plan.resumes))
    return plan


async def _purge_forever(maker: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    while True:
        try:
            await purge_once(maker, settings)
        except Exception as error:  # the database may be away for a moment: try next time
            log.warning("retention_purge_failed", error=type(error).__name__)
        await asyncio.sleep(settings.purge_interval_hours * 3600)


@contextlib.asynccontextmanager
async def retention_purger(
    maker: async_sessionmaker[AsyncSession], settings: Settings
) -> AsyncIterator[None]:
    """Purge in the background while the app runs: first soon after start, then every
    interval (not at all without a retention setting, or with the interval 0)."""
    if not settings.retention_enabled or settings.purge_interval_hours <= 0:
        yield
        return
    task = asyncio.create_task(_purge_forever(maker, settings), name="retention-purger")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

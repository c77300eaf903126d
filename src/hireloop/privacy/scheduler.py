"""The server's retention purge: every ``purge_interval_hours`` (daily by default) while
a retention setting is set, the same work as ``hireloop purge``. Several server processes
may purge at once: every step is idempotent."""

from __future__ import annotations

import contextlib

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hireloop.config import Settings
from hireloop.db import utcnow
from hireloop.periodic import repeating
from hireloop.privacy.retention import PurgePlan, purge

log = structlog.get_logger(__name__)


async def purge_once(maker: async_sessionmaker[AsyncSession], settings: Settings) -> PurgePlan:
    async with maker() as session:
        plan = await purge(session, settings, utcnow())
        await session.commit()
    if not plan.empty:
        log.info("retention_purged", transcripts=len(plan.transcripts), resumes=len(plan.resumes))
    return plan


def retention_purger(
    maker: async_sessionmaker[AsyncSession], settings: Settings
) -> contextlib.AbstractAsyncContextManager[None]:
    """Purge in the background while the app runs: first soon after start, then every
    interval (not at all without a retention setting, or with the interval 0)."""
    interval = settings.purge_interval_hours * 3600 if settings.retention_enabled else 0
    return repeating(
        "retention-purger", interval, lambda: purge_once(maker, settings), run_at_start=True
    )

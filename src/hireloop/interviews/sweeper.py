"""The server's idle sweep: every ``idle_sweep_seconds``, interviews left without an answer
past ``idle_abandon_minutes`` are marked abandoned (``service.sweep_idle_interviews``).

Reads never do this (a GET changes nothing), and a write to an idle interview is refused
even between sweeps. Several server processes may sweep at once: the update is one
idempotent statement.
"""

from __future__ import annotations

import contextlib

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hireloop.config import Settings
from hireloop.db import utcnow
from hireloop.interviews.service import sweep_idle_interviews
from hireloop.periodic import repeating

log = structlog.get_logger(__name__)


async def sweep_once(maker: async_sessionmaker[AsyncSession], settings: Settings) -> int:
    async with maker() as session:
        swept = await sweep_idle_interviews(session, settings, utcnow())
        await session.commit()
    if swept:
        log.info("idle_interviews_abandoned", count=swept)
    return swept


def idle_sweeper(
    maker: async_sessionmaker[AsyncSession], settings: Settings
) -> contextlib.AbstractAsyncContextManager[None]:
    """Sweep in the background while the app runs (not at all when the interval is 0)."""
    return repeating(
        "idle-sweeper", settings.idle_sweep_seconds, lambda: sweep_once(maker, settings)
    )

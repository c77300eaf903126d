"""The channel registry: which sender delivers the messages of each channel.

A channel is a name ("webhook", "email") and an async ``deliver`` function that makes ONE
attempt and says how it went with an ``Outcome``. The worker does everything else: claims,
leases, retries with backoff, giving up, the attempt log. ``register_channel`` is called
when the channel's module is imported; ``load_channels`` imports every module listed in
``CHANNEL_MODULES``, so a worker (in the server or ``hireloop worker``) knows them all.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import uuid
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hireloop.config import Settings
from hireloop.outbox.models import AttemptOutcome

# Modules that register a channel when imported (add yours here).
CHANNEL_MODULES: tuple[str, ...] = ("hireloop.webhooks.channel", "hireloop.mail.channel")


@dataclass(frozen=True)
class Outcome:
    """How one attempt went. ``retry``: try again later (until the retry window closes),
    not sooner than ``retry_after`` seconds if given; ``failed``: never try again.
    ``reason`` is shown to the admin in the delivery log."""

    kind: AttemptOutcome
    reason: str | None = None
    status_code: int | None = None
    retry_after: float | None = None

    @classmethod
    def delivered(cls, status_code: int | None = None) -> Outcome:
        return cls(AttemptOutcome.delivered, None, status_code)

    @classmethod
    def retry(
        cls, reason: str, status_code: int | None = None, retry_after: float | None = None
    ) -> Outcome:
        return cls(AttemptOutcome.retry, reason, status_code, retry_after)

    @classmethod
    def failed(cls, reason: str, status_code: int | None = None) -> Outcome:
        return cls(AttemptOutcome.failed, reason, status_code)


@dataclass(frozen=True)
class Delivery:
    """One claimed message, as a channel's ``deliver`` sees it."""

    message_id: int
    event_id: uuid.UUID
    channel: str
    destination: str
    event_type: str | None
    payload: dict[str, Any]
    attempt: int  # 1 for the first attempt
    created_at: datetime


T = TypeVar("T")


@dataclass(frozen=True)
class ChannelContext:
    """What a sender may use: the settings, its own sessions (never the worker's), and
    what the attempts of one claimed batch share.

    A batch's attempts run concurrently; ``shared`` lets them do a piece of work once
    (read an endpoint, resolve its host, open a client) instead of once per message,
    and ``resources`` closes what they opened when the batch's attempts are over.
    """

    settings: Settings
    sessionmaker: async_sessionmaker[AsyncSession]
    resources: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)
    _shared: dict[Hashable, asyncio.Task[Any]] = field(default_factory=dict, repr=False)

    async def shared(self, key: Hashable, make: Callable[[], Awaitable[T]]) -> T:
        """What ``make()`` gives, made once for this batch under ``key``: later and
        concurrent callers get the same result (or the same exception). One caller's
        cancellation (its attempt timing out) does not cancel it for the others."""
        task = self._shared.get(key)
        if task is None:

            async def run() -> T:
                return await make()

            task = self._shared[key] = asyncio.ensure_future(run())
        return cast(T, await asyncio.shield(task))


Deliver = Callable[[Delivery, ChannelContext], Awaitable[Outcome]]
# Runs in the transaction that records a batch's attempts, with each attempt and its
# outcome in message order (e.g. a webhook endpoint's failure streak).
AfterBatch = Callable[
    [AsyncSession, Sequence[tuple[Delivery, Outcome]], ChannelContext], Awaitable[None]
]


@dataclass(frozen=True)
class Channel:
    name: str
    deliver: Deliver
    after_batch: AfterBatch | None = None


_channels: dict[str, Channel] = {}


def register_channel(name: str, deliver: Deliver, *, after_batch: AfterBatch | None = None) -> None:
    """Make the worker hand messages of channel ``name`` to ``deliver`` (re-registering
    replaces the sender: tests swap one in)."""
    _channels[name] = Channel(name, deliver, after_batch)


def channel(name: str) -> Channel | None:
    return _channels.get(name)


def channel_names() -> tuple[str, ...]:
    return tuple(sorted(_channels))


def load_channels() -> tuple[str, ...]:
    """Import every channel module, so each has registered itself."""
    for module in CHANNEL_MODULES:
        importlib.import_module(module)
    return channel_names()

"""A circuit breaker in front of a language model (SPEC §6).

After ``failures`` failed calls in a row (timeouts, errors, unusable replies), the model is
skipped for ``cooldown`` seconds: every call falls back to the built-in engine at once
instead of waiting out another timeout, so interviews carry on at the built-in engine's
speed. The first call after the cool-down tries the model again; one success closes the
breaker. State lives in this process, or in Redis (``HIRELOOP_REDIS_URL``) so every
server process shares it; a Redis outage leaves the breaker closed (the model is tried).
"""

from __future__ import annotations

import time
from typing import Protocol

import structlog

log = structlog.get_logger(__name__)

KEY_PREFIX = "hireloop:breaker"


class Breaker(Protocol):
    async def is_open(self) -> bool: ...

    async def failed(self) -> None: ...

    async def succeeded(self) -> None: ...

    async def aclose(self) -> None: ...


class MemoryBreaker:
    def __init__(self, failures: int, cooldown: float) -> None:
        self._limit = failures
        self._cooldown = cooldown
        self._failures = 0
        self._open_until = 0.0

    async def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    async def failed(self) -> None:
        self._failures += 1
        if self._failures >= self._limit:
            self._open_until = time.monotonic() + self._cooldown
            self._failures = 0
            log.warning("ai_circuit_opened", cooldown_seconds=self._cooldown)

    async def succeeded(self) -> None:
        self._failures = 0
        self._open_until = 0.0

    async def aclose(self) -> None:
        return None


class RedisBreaker:
    """The same, with the failure count and the open-until time in Redis."""

    def __init__(self, url: str, server: str, failures: int, cooldown: float) -> None:
        from redis.asyncio import Redis

        self._redis = Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self._failures_key = f"{KEY_PREFIX}:{server}:failures"
        self._open_key = f"{KEY_PREFIX}:{server}:open"
        self._limit = failures
        self._cooldown_ms = max(1, int(cooldown * 1000))

    async def is_open(self) -> bool:
        try:
            return bool(await self._redis.exists(self._open_key))
        except Exception as error:
            log.warning("ai_breaker_redis_unavailable", error=type(error).__name__)
            return False

    async def failed(self) -> None:
        try:
            count = int(await self._redis.incr(self._failures_key))
            await self._redis.pexpire(self._failures_key, self._cooldown_ms * 10)
            if count >= self._limit:
                await self._redis.set(self._open_key, "1", px=self._cooldown_ms)
                await self._redis.delete(self._failures_key)
                log.warning("ai_circuit_opened", cooldown_ms=self._cooldown_ms)
        except Exception as error:
            log.warning("ai_breaker_redis_unavailable", error=type(error).__name__)

    async def succeeded(self) -> None:
        try:
            await self._redis.delete(self._failures_key, self._open_key)
        except Exception as error:
            log.warning("ai_breaker_redis_unavailable", error=type(error).__name__)

    async def aclose(self) -> None:
        await self._redis.aclose()

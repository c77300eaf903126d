"""Rate limits: logins per account and per IP, interview starts and answers per user.

Each rule allows ``limit`` requests per window of ``window`` seconds, a window opening
at a subject's first request. Over the limit, the request is refused with 429 and
``Retry-After`` (seconds until the window ends). Counters live in memory by default
(one process); with ``HIRELOOP_REDIS_URL`` set they live in Redis, so every server
process shares them. If Redis is unreachable the request is let through and a warning
logged: an outage of the limiter must not take logins and interviews down with it.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from typing import Any, Protocol

import structlog
from fastapi import Request

from hireloop.auth.dependencies import CurrentUser
from hireloop.auth.emails import account_key
from hireloop.auth.models import User
from hireloop.config import Settings
from hireloop.errors import DomainError

log = structlog.get_logger(__name__)

KEY_PREFIX = "hireloop:rl"


class TooManyRequests(DomainError):
    status_code = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Too many requests; try again in {retry_after} seconds",
            headers={"Retry-After": str(retry_after)},
        )


@dataclass(frozen=True)
class Rule:
    name: str
    limit: int
    window_seconds: int


class CounterStore(Protocol):
    async def hit(self, key: str, window_seconds: int, now: float) -> tuple[int, float]:
        """Count one request under ``key``: (count in its window, seconds the window has left).

        A window opens at the key's first request and lasts ``window_seconds``."""

    async def aclose(self) -> None: ...


class MemoryStore:
    """Counters in this process; finished windows are swept now and then (bounded memory)."""

    def __init__(self) -> None:
        self._windows: dict[str, tuple[float, int]] = {}  # key -> (window end, count)
        self._next_sweep = 0.0

    async def hit(self, key: str, window_seconds: int, now: float) -> tuple[int, float]:
        if now >= self._next_sweep:
            self._windows = {k: v for k, v in self._windows.items() if v[0] > now}
            self._next_sweep = now + 60
        end, count = self._windows.get(key, (0.0, 0))
        if end <= now:
            end, count = now + window_seconds, 0
        self._windows[key] = (end, count + 1)
        return count + 1, end - now

    async def aclose(self) -> None:
        self._windows.clear()


class RedisStore:
    """Counters in Redis, shared by every process: INCR, EXPIRE NX (the first request
    opens the window) and PTTL in one MULTI/EXEC transaction."""

    def __init__(self, url: str) -> None:
        from redis.asyncio import Redis

        self._redis: Any = Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    async def hit(self, key: str, window_seconds: int, now: float) -> tuple[int, float]:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, window_seconds, nx=True)
            pipe.pttl(key)
            count, _, ttl_ms = await pipe.execute()
        return int(count), max(int(ttl_ms), 0) / 1000

    async def aclose(self) -> None:
        await self._redis.aclose()


class RateLimiter:
    def __init__(self, store: CounterStore, *, enabled: bool = True) -> None:
        self.store = store
        self.enabled = enabled

    async def check(self, rule: Rule, subject: str) -> None:
        """Count a request by ``subject`` under ``rule``; raise 429 once over the limit."""
        if not self.enabled:
            return
        now = time.time()
        # Hashed, so emails and addresses are not kept in clear in Redis.
        digest = hashlib.sha256(subject.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        key = f"{KEY_PREFIX}:{rule.name}:{digest}"
        try:
            count, remaining = await self.store.hit(key, rule.window_seconds, now)
        except Exception as exc:  # fail open: see the module docstring
            log.warning("rate_limit_store_unavailable", rule=rule.name, error=type(exc).__name__)
            return
        if count > rule.limit:
            retry_after = max(1, math.ceil(remaining))
            log.info("rate_limited", rule=rule.name)
            raise TooManyRequests(retry_after)

    async def aclose(self) -> None:
        await self.store.aclose()


def create_rate_limiter(settings: Settings) -> RateLimiter:
    store: CounterStore = RedisStore(settings.redis_url) if settings.redis_url else MemoryStore()
    return RateLimiter(store, enabled=settings.rate_limits_enabled)


def _limiter(request: Request) -> tuple[RateLimiter, Settings]:
    state = request.app.state
    limiter: RateLimiter | None = getattr(state, "rate_limiter", None)
    if limiter is None:  # an app used without its lifespan (e.g. a bare test client)
        limiter = state.rate_limiter = create_rate_limiter(state.settings)
    settings: Settings = state.settings
    return limiter, settings


def client_ip(request: Request) -> str:
    """The client's address: the connection's peer, or what a trusted proxy forwarded
    for it (security.proxies.TrustedProxyMiddleware; no proxy is trusted unless configured)."""
    return request.client.host if request.client else "unknown"


async def limit_login(request: Request) -> None:
    """Per IP, then per account — for the API's JSON login and the login page's form
    alike. The account is the canonical address (the one login looks the account up by),
    so other spellings of it (case, full-width letters, IDNA) share its counter."""
    limiter, settings = _limiter(request)
    window = settings.login_window_seconds
    await limiter.check(Rule("login_ip", settings.login_limit_per_ip, window), client_ip(request))
    email = account_key(await _login_email(request))
    if email:
        await check_account_attempt(request, email)


async def check_account_attempt(request: Request, email: str) -> None:
    """Count one password attempt against an account (logins and password changes share
    the counter: a stolen session must not become a way to guess the password)."""
    limiter, settings = _limiter(request)
    rule = Rule("login_account", settings.login_limit_per_account, settings.login_window_seconds)
    await limiter.check(rule, email)


async def _login_email(request: Request) -> object:
    content_type = request.headers.get("content-type", "")
    try:
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            return (await request.form()).get("email")  # parsed once, cached
        body = await request.json()  # FastAPI has already read and cached the body
        return body.get("email") if isinstance(body, dict) else None
    except Exception:  # unreadable body: refused later by validation; counted per IP only
        return None


async def check_interview_start(request: Request, user: User) -> None:
    """Per user, for the API and the web pages alike (one counter)."""
    limiter, settings = _limiter(request)
    rule = Rule(
        "interview_start", settings.interview_start_limit, settings.interview_start_window_seconds
    )
    await limiter.check(rule, str(user.id))


async def check_answer(request: Request, user: User) -> None:
    """Per user, for the API and the web pages alike (one counter)."""
    limiter, settings = _limiter(request)
    await limiter.check(
        Rule("answer", settings.answer_limit, settings.answer_window_seconds), str(user.id)
    )


async def limit_interview_starts(request: Request, user: CurrentUser) -> None:
    await check_interview_start(request, user)


async def limit_answers(request: Request, user: CurrentUser) -> None:
    await check_answer(request, user)

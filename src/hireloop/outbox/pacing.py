"""The in-server worker gives way to requests.

Inside ``hireloop serve`` the worker shares the event loop (and, on SQLite, the write
lock) with the requests. Left alone it would take whatever it needs, and a burst of
events would slow down the very requests that caused them. So the server counts the
requests it is answering (``CountRequests``), and while any are in flight the worker
spends at most ``HIRELOOP_OUTBOX_SERVER_SHARE`` of its time on deliveries: after a
batch that took t seconds it pauses t * (1 - share) / share. An idle server delivers at
full speed; a busy one still delivers, at a bounded cost. Deployments whose traffic
never lets up run ``hireloop worker`` processes instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send


@dataclass
class RequestsInFlight:
    """How many HTTP requests the server is answering right now."""

    count: int = 0

    def busy(self) -> bool:
        return self.count > 0


class CountRequests:
    """ASGI middleware keeping a ``RequestsInFlight`` up to date."""

    def __init__(self, app: ASGIApp, requests: RequestsInFlight) -> None:
        self.app = app
        self.requests = requests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.requests.count += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.requests.count -= 1


def pause_after(batch_seconds: float, share: float) -> float:
    """How long to wait after a batch that took ``batch_seconds`` so that deliveries take
    at most ``share`` of the time (wall time: an upper bound on the loop time they use)."""
    if share >= 1:
        return 0.0
    return batch_seconds * (1 - share) / share

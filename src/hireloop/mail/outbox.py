"""The one place an email is queued: ``send_email`` writes it into the outbox in the
caller's transaction, so a change that rolls back sends nothing and a committed change
always gets its email. The payload holds ids only; the email channel (``channel.py``)
renders the message when it delivers it, from what is then in the database.
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from hireloop import outbox

CHANNEL = "email"
# The address of the request being served (set by ``remember_base_url``): links in
# emails point back at the site the user is on when HIRELOOP_PUBLIC_URL is not set.
request_base_url: ContextVar[str | None] = ContextVar("request_base_url", default=None)


class EmailKind(StrEnum):
    invitation = "invitation"
    interview_completed = "interview_completed"
    status_changed = "status_changed"
    digest = "digest"


async def send_email(
    session: AsyncSession,
    kind: EmailKind,
    ids: dict[str, Any],
    *,
    destination: str,
    person_id: uuid.UUID | None,
    base_url: str | None = None,
) -> None:
    """Queue one email of ``kind`` about ``ids`` (strings: ids, statuses).

    ``destination`` is what the delivery log shows (an address, or the invitation's id);
    ``person_id``: the recipient's account, so erasing them deletes the queued message.
    """
    payload = {"kind": kind.value, "base_url": base_url or request_base_url.get(), **ids}
    outbox.enqueue(
        session,
        channel=CHANNEL,
        destination=destination,
        payload=payload,
        event_type=f"email.{kind.value}",
        person_id=person_id,
    )


class RememberBaseUrl:
    """ASGI middleware: note the address each request came to (``request_base_url``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = request_base_url.set(str(Request(scope).base_url).rstrip("/"))
        try:
            await self.app(scope, receive, send)
        finally:
            request_base_url.reset(token)

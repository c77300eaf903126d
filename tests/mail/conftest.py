"""An SMTP server per test and an app whose email goes to it (deliveries run on demand)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from hireloop.config import Settings
from hireloop.outbox.worker import drain
from tests.mail.smtp import Inbox, smtp_server


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def settings(settings: Settings, inbox: Inbox) -> Settings:
    # The tests deliver with deliver_all() at the moment they choose.
    return settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": inbox.port,
            "smtp_tls": "none",
            "outbox_worker_in_server": False,
            "public_url": "http://hireloop.test",
        }
    )


async def deliver_all(app: Any) -> int:
    """Run the outbox worker until nothing is due (every queued email is sent)."""
    return await drain(app.state.sessionmaker, app.state.settings)

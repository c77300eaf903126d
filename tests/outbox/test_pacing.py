"""The in-server worker gives way to requests: the server counts the requests in flight,
and while there are any the worker pauses between batches."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient
from starlette.types import Receive, Scope, Send

from hireloop.config import Settings
from hireloop.outbox import ChannelContext, Delivery, Outcome, enqueue, register_channel
from hireloop.outbox import worker as outbox_worker
from hireloop.outbox.pacing import CountRequests, RequestsInFlight, pause_after

CHANNEL = "pacing-test"


def test_the_pause_keeps_deliveries_to_their_share_of_the_time() -> None:
    assert pause_after(0.05, 0.1) == pytest.approx(0.45)  # 0.05 of every 0.5 s
    assert pause_after(0.05, 0.5) == pytest.approx(0.05)
    assert pause_after(0.05, 1.0) == 0  # never gives way
    assert pause_after(0.0, 0.1) == 0


async def test_requests_in_flight_are_counted_until_they_finish_or_fail() -> None:
    requests = RequestsInFlight()
    seen: list[int] = []
    gate = asyncio.Event()
    arrived = asyncio.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(requests.count)
        if scope["type"] != "http":
            return
        if scope["path"] == "/slow":
            arrived.set()
            await gate.wait()
        if scope["path"] == "/boom":
            raise RuntimeError("the handler failed")
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    counted = CountRequests(app, requests)
    async with AsyncClient(transport=ASGITransport(app=counted), base_url="http://t") as client:
        slow = asyncio.create_task(client.get("/slow"))
        await arrived.wait()
        assert requests.busy() and requests.count == 1
        await client.get("/fast")  # counted beside the slow one
        assert seen == [1, 2] and requests.count == 1
        gate.set()
        assert (await slow).status_code == 204
        with pytest.raises(RuntimeError):
            await client.get("/boom")
    assert requests.count == 0 and not requests.busy()
    # A lifespan (or websocket) scope is not a request to give way to.
    await counted({"type": "lifespan"}, _nothing, _nothing)  # type: ignore[arg-type]
    assert seen[-1] == 0


async def _nothing(*_args: Any) -> None:
    return None


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "outbox_worker_in_server": False,
            "outbox_batch_size": 2,
            "outbox_server_share": 0.25,
        }
    )


@pytest.mark.parametrize("busy", [True, False])
async def test_the_worker_pauses_between_batches_only_while_requests_run(
    app: Any, settings: Settings, busy: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def deliver(_delivery: Delivery, _context: ChannelContext) -> Outcome:
        return Outcome.delivered()

    register_channel(CHANNEL, deliver)
    pauses: list[tuple[float, float]] = []

    def recorded_pause(spent: float, share: float) -> float:
        pauses.append((spent, share))
        return 0.0

    monkeypatch.setattr(outbox_worker, "pause_after", recorded_pause)
    maker = app.state.sessionmaker
    async with maker() as session:
        for number in range(5):
            enqueue(session, channel=CHANNEL, destination="x", payload={"n": number})
        await session.commit()
    done = await outbox_worker.drain(maker, settings, limit=10, busy=lambda: busy)
    assert done == 5  # batches of 2, 2 and 1: every message still goes
    if busy:
        assert [share for _spent, share in pauses] == [0.25] * 3
        assert all(spent > 0 for spent, _share in pauses)
    else:
        assert pauses == []

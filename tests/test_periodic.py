"""The server's repeating background work survives a failed round and stops with the app."""

from __future__ import annotations

import asyncio

from hireloop.periodic import repeating


async def test_a_failed_round_does_not_stop_the_next_ones() -> None:
    rounds: list[int] = []

    async def flaky() -> None:
        rounds.append(len(rounds))
        if len(rounds) == 1:
            raise ConnectionError("the database is away for a moment")

    async with repeating("flaky", 0.01, flaky, run_at_start=True):
        for _ in range(200):
            if len(rounds) >= 3:
                break
            await asyncio.sleep(0.01)
    assert len(rounds) >= 3
    stopped_at = len(rounds)
    await asyncio.sleep(0.05)
    assert len(rounds) == stopped_at  # cancelled when the context closed


async def test_an_interval_of_zero_runs_nothing() -> None:
    rounds: list[int] = []

    async def work() -> None:
        rounds.append(1)

    async with repeating("off", 0, work, run_at_start=True):
        await asyncio.sleep(0.05)
    assert rounds == []


async def test_without_run_at_start_the_first_round_waits_an_interval() -> None:
    rounds: list[int] = []

    async def work() -> None:
        rounds.append(1)

    async with repeating("later", 60, work):
        await asyncio.sleep(0.05)
    assert rounds == []

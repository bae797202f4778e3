"""Turns: asyncio queues in front of a database lock. Who waits for whom, in which order,
and a wait past its deadline is DatabaseBusy (HTTP 503)."""

from __future__ import annotations

import asyncio

import pytest

from eventhub.db.database import DatabaseBusy, Turns


async def test_same_keys_take_turns_in_order_and_other_keys_do_not_wait() -> None:
    turns, order = Turns(), []
    loop = asyncio.get_running_loop()
    release = asyncio.Event()

    async def holder() -> None:
        async with turns.take([1, 2], loop.time() + 10):
            order.append("holder")
            await release.wait()

    async def waiter(name: str, keys: list[int]) -> None:
        async with turns.take(keys, loop.time() + 10):
            order.append(name)

    first = asyncio.create_task(holder())
    await asyncio.sleep(0)
    same = [asyncio.create_task(waiter(f"same-{n}", [2])) for n in range(3)]
    other = asyncio.create_task(waiter("other", [3]))
    await asyncio.wait_for(other, 5)  # a turn on another key is not held up
    assert order == ["holder", "other"]
    release.set()
    await asyncio.wait_for(asyncio.gather(first, *same), 5)
    assert order == ["holder", "other", "same-0", "same-1", "same-2"]  # first come, first served


async def test_a_wait_past_the_deadline_is_database_busy_and_leaves_no_turn_held() -> None:
    turns = Turns()
    loop = asyncio.get_running_loop()
    async with turns.take(["hot"], loop.time() + 10):
        with pytest.raises(DatabaseBusy):
            async with turns.take(["cold", "hot"], loop.time() + 0.05):
                pass
        # "cold" was taken before the wait on "hot" ran out: it was given back
        async with turns.take(["cold"], loop.time() + 0.05):
            pass

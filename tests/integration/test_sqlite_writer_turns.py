"""SQLite writers take turns on a file lock before BEGIN IMMEDIATE, across processes: a
writer waits while another process has a write transaction open (even one that has not
written yet, so SQLite itself would not make it wait), starts as soon as that one ends,
and gives up with DatabaseBusy (HTTP 503) when the wait runs past the lock timeout."""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from eventhub.db.database import Database, DatabaseBusy
from eventhub.db.migrate import upgrade


def _hold_turn(url: str, held: multiprocessing.synchronize.Event, release: multiprocessing.synchronize.Event) -> None:
    async def hold() -> None:
        database = Database(url)
        async with database.write():  # the turn is taken; SQLite is not locked yet
            held.set()
            await asyncio.to_thread(release.wait, 30)
        await database.dispose()

    asyncio.run(hold())


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}"
    upgrade(url)
    return url


async def test_a_writer_waits_for_another_process_and_then_goes_first(url: str) -> None:
    context = multiprocessing.get_context("spawn")
    held, release = context.Event(), context.Event()
    holder = context.Process(target=_hold_turn, args=(url, held, release))
    holder.start()
    database = Database(url, lock_timeout_seconds=0.3)
    try:
        assert await asyncio.to_thread(held.wait, 30)
        started = time.monotonic()
        with pytest.raises(DatabaseBusy):
            async with database.write() as db:
                await db.execute(text("PRAGMA user_version = 8"))
        assert time.monotonic() - started >= 0.3  # it waited for its turn, up to the timeout

        patient = Database(url, lock_timeout_seconds=30)
        waiting = asyncio.create_task(_write_version(patient, 9))
        await asyncio.sleep(0.2)
        assert not waiting.done()  # still the other process's turn
        release.set()
        await asyncio.wait_for(waiting, 10)  # its turn came when the other one committed
        await patient.dispose()
        async with database.read() as db:
            assert await db.scalar(text("PRAGMA user_version")) == 9
    finally:
        release.set()
        await asyncio.to_thread(holder.join, 30)
        await database.dispose()
    assert holder.exitcode == 0


async def _write_version(database: Database, version: int) -> None:
    async with database.write() as db:
        await db.execute(text(f"PRAGMA user_version = {version}"))

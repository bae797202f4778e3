"""SQLite on a full disk: the database sits on a small tmpfs whose remaining space a filler
file takes. Reads are still served, registrations answer 503 with Retry-After, /health says
degraded "full", nothing is half-written, and once space is freed the same request succeeds."""

from __future__ import annotations

import asyncio
import errno
import os
from pathlib import Path

from litestar.testing import AsyncTestClient

from eventhub.app import create_app
from eventhub.db.database import Database
from eventhub.db.migrate import upgrade
from eventhub.loader import load_mission, read_mission_file
from eventhub.services import Services
from tests.conftest import FIXTURES, FrozenClock
from tests.faults.conftest import (
    app_settings,
    assert_retry_later,
    broken_invariants,
    scalar,
    sqlite_integrity,
)

FILL_LIMIT = 64 * 1024 * 1024  # far more than any small tmpfs holds: the loop ends with ENOSPC


def fill(path: Path) -> int:
    """Write to `path` until the file system has no byte left; returns the bytes written."""
    written = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        for chunk in (64 * 1024, 4 * 1024, 512, 1):
            block = b"\0" * chunk
            while written < FILL_LIMIT:
                try:
                    written += os.write(fd, block)
                except OSError as error:
                    assert error.errno == errno.ENOSPC, error
                    break
    finally:
        os.close(fd)
    assert written < FILL_LIMIT, "the file system never filled up"
    return written


async def counts(url: str) -> dict[str, int]:
    return {
        table: await scalar(url, f"SELECT count(*) FROM {table}")
        for table in ("attendee", "registration", "outbox_message")
    }


async def test_full_disk_serves_reads_answers_503_to_writes_and_recovers_when_space_returns(
    small_tmpfs: Path, clock: FrozenClock
) -> None:
    path = small_tmpfs / "eventhub.db"
    url = f"sqlite+aiosqlite:///{path}"
    await asyncio.to_thread(upgrade, url)
    database = Database(url)
    services = Services.build(app_settings(url), database, clock)
    slug = await load_mission(services, read_mission_file(FIXTURES / "bishkek-2026.json"))
    await database.dispose()

    async with AsyncTestClient(app=create_app(app_settings(url), clock=clock)) as client:
        sessions = (await client.get(f"/api/missions/{slug}/sessions")).json()
        open_ids = [s["id"] for s in sessions if s["registration"] == "open" and s["capacity"]]
        first = await client.post(f"/api/missions/{slug}/registrations", json={
            "name": "Aida Ismailova", "email": "aida@example.kg", "session_ids": [open_ids[0]]})
        assert first.status_code == 201, first.text
        attendee = {"Authorization": f"Bearer {first.json()['manage_token']}"}
        assert (await client.get("/health")).json() == {"status": "ok", "database": "ok"}

        filler = small_tmpfs / "filler"
        fill(filler)
        before = await counts(url)

        newcomer = {"name": "Ira Raciņa", "email": "ira@example.lv", "session_ids": open_ids[:2]}
        assert_retry_later(await client.post(f"/api/missions/{slug}/registrations", json=newcomer))
        assert_retry_later(await client.post(f"/api/missions/{slug}/registrations", headers=attendee,
                                             json={"session_ids": [open_ids[1]]}))
        assert_retry_later(await client.delete(f"/api/me/registrations/{open_ids[0]}", headers=attendee))

        listed = await client.get(f"/api/missions/{slug}/sessions")
        assert listed.status_code == 200 and len(listed.json()) == len(sessions)
        feed = await client.get(f"/missions/{slug}/calendar.ics")
        assert feed.status_code == 200 and feed.content.startswith(b"BEGIN:VCALENDAR")
        me = await client.get("/api/me", headers=attendee)
        assert me.status_code == 200 and [r["status"] for r in me.json()["registrations"]] == ["confirmed"]
        health = await client.get("/health")
        assert (health.status_code, health.json()) == (200, {"status": "degraded", "database": "full"})

        # Nothing half-written: the refused requests left no row and no mail.
        assert await counts(url) == before
        sqlite_integrity(path)
        assert await broken_invariants(url) == {}

        filler.unlink()
        again = await client.post(f"/api/missions/{slug}/registrations", json=newcomer)
        assert again.status_code == 201, again.text
        assert [r["status"] for r in again.json()["results"]] == ["confirmed", "confirmed"]
        assert (await client.get("/health")).json() == {"status": "ok", "database": "ok"}

    sqlite_integrity(path)
    assert await broken_invariants(url) == {}
    after = await counts(url)
    assert (after["attendee"], after["registration"]) == (before["attendee"] + 1, before["registration"] + 2)

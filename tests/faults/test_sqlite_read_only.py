"""SQLite opened read-only (a read-only volume, a restored backup being inspected): the
programme, feeds and attendees' own views are still served, every write answers 503 with
Retry-After and a stable code, /health says degraded, and the database file is not touched."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from eventhub.app import create_app
from eventhub.db.database import Database
from eventhub.db.migrate import upgrade
from eventhub.loader import load_mission, read_mission_file
from eventhub.services import Services
from tests.conftest import FIXTURES, FrozenClock
from tests.faults.conftest import app_settings, assert_retry_later, sqlite_integrity


@dataclass(frozen=True)
class ReadOnlyCase:
    path: Path
    slug: str
    session_id: int  # the attendee holds it
    other_session_id: int  # open, not held
    organiser: dict[str, str]
    attendee: dict[str, str]


def fingerprint(path: Path) -> tuple[str, dict[str, int]]:
    """The file's SHA-256 and every table's row count."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        tables = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        counts = {table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}
    connection.close()
    return digest, counts


@pytest.fixture(params=["wal", "delete"])
async def read_only_case(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FrozenClock
) -> AsyncIterator[ReadOnlyCase]:
    """The Bishkek mission with one attendee, written read-write; then closed. 'wal' is the
    database as the service leaves it, 'delete' one in rollback-journal mode (as a copy
    made by other tools may be): opening it read-only must not try to switch it to WAL."""
    path = tmp_path / "eventhub.db"
    url = f"sqlite+aiosqlite:///{path}"
    await asyncio.to_thread(upgrade, url)
    database = Database(url)
    services = Services.build(app_settings(url), database, clock)
    slug = await load_mission(services, read_mission_file(FIXTURES / "bishkek-2026.json"))
    token = await services.organiser_tokens.create("read-only drill", None)
    await database.dispose()
    async with AsyncTestClient(app=create_app(app_settings(url), clock=clock)) as client:
        sessions = (await client.get(f"/api/missions/{slug}/sessions")).json()
        open_ids = [s["id"] for s in sessions
                    if s["registration"] == "open" and s["status"] == "published" and s["capacity"]]
        answer = await client.post(f"/api/missions/{slug}/registrations", json={
            "name": "Aida Ismailova", "email": "aida@example.kg", "session_ids": [open_ids[0]]})
        assert answer.status_code == 201, answer.text
    if request.param == "delete":
        with sqlite3.connect(path) as connection:
            assert connection.execute("PRAGMA journal_mode=DELETE").fetchone() == ("delete",)
        connection.close()
    assert not Path(f"{path}-wal").exists()  # everything is in the main file
    yield ReadOnlyCase(
        path, slug, open_ids[0], open_ids[1],
        organiser={"Authorization": f"Bearer {token}"},
        attendee={"Authorization": f"Bearer {answer.json()['manage_token']}"},
    )


async def test_read_only_database_serves_reads_refuses_writes_with_503_and_stays_untouched(
    read_only_case: ReadOnlyCase, clock: FrozenClock
) -> None:
    case = read_only_case
    before = fingerprint(case.path)
    read_only_url = f"sqlite+aiosqlite:///file:{case.path}?mode=ro&uri=true"
    app = create_app(app_settings(read_only_url), clock=clock)
    async with AsyncTestClient(app=app) as client:
        health = await client.get("/health")
        assert (health.status_code, health.json()) == (200, {"status": "degraded", "database": "read_only"})

        sessions = await client.get(f"/api/missions/{case.slug}/sessions")
        assert sessions.status_code == 200, sessions.text
        assert case.session_id in [s["id"] for s in sessions.json()]
        one = await client.get(f"/api/missions/{case.slug}/sessions/{case.session_id}")
        assert one.status_code == 200 and one.json()["seats_left"] == one.json()["capacity"] - 1
        feed = await client.get(f"/missions/{case.slug}/calendar.ics")
        assert feed.status_code == 200 and feed.content.startswith(b"BEGIN:VCALENDAR")
        me = await client.get("/api/me", headers=case.attendee)
        assert me.status_code == 200 and [r["session_id"] for r in me.json()["registrations"]] == [case.session_id]
        export = await client.get(f"/api/missions/{case.slug}/registrations", headers=case.organiser)
        assert export.status_code == 200 and len(export.json()) == 1

        writes = [
            client.post(f"/api/missions/{case.slug}/registrations", json={
                "name": "Ira Raciņa", "email": "ira@example.lv", "session_ids": [case.other_session_id]}),
            client.post(f"/api/missions/{case.slug}/registrations", headers=case.attendee,
                        json={"session_ids": [case.other_session_id]}),
            client.patch(f"/api/missions/{case.slug}/sessions/{case.session_id}", headers=case.organiser,
                         json={"title": "Moved to the big hall"}),
            client.delete(f"/api/me/registrations/{case.session_id}", headers=case.attendee),
        ]
        for write in writes:
            assert_retry_later(await write)

        again = await client.get(f"/api/missions/{case.slug}/sessions/{case.session_id}")
        assert again.json() == one.json()  # nothing changed, and reads still work after failed writes

    assert fingerprint(case.path) == before
    wal = Path(f"{case.path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    sqlite_integrity(case.path)

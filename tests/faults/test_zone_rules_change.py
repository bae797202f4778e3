"""A time zone's rules change under a running service (a tzdata update: the country stops
changing its clocks). A future session keeps its wall-clock time and moves in absolute time;
its SEQUENCE rises, its registrants are told, and feeds show the new instant with a
VTIMEZONE of the new rules. Substitute rules come from zic, pointed at by zoneinfo's TZPATH;
the tests run on a database of their own, since their zone exists nowhere else."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import zoneinfo
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from eventhub.app import create_app
from eventhub.calendar import clear_zone_caches
from eventhub.db.database import Database
from eventhub.db.migrate import upgrade
from eventhub.db.models import Attendee, OutboxMessage, ProgrammeSession
from eventhub.domain.mail import MailKind
from eventhub.domain.time import reload_zone_rules
from eventhub.settings import Settings
from tests.conftest import FrozenClock, wipe
from tests.faults.conftest import app_settings, require

ZONE = "Test/Riga"
SLUG = "riga-rules"
# EU rules, +2 in winter and +3 in summer, every year.
RULES_BEFORE = """\
Rule	TestEU	1981	max	-	Mar	lastSun	1:00u	1:00	S
Rule	TestEU	1996	max	-	Oct	lastSun	1:00u	0	-
Zone	Test/Riga	1:36:34	-	LMT	1926 May 11
			2:00	TestEU	EE%sT
"""
# The same, except that when summer time ends in October 2026 the clocks stay at +3 for good.
RULES_AFTER = """\
Rule	TestEU	1981	max	-	Mar	lastSun	1:00u	1:00	S
Rule	TestEU	1996	max	-	Oct	lastSun	1:00u	0	-
Zone	Test/Riga	1:36:34	-	LMT	1926 May 11
			2:00	TestEU	EE%sT	2026 Oct 25 1:00u
			3:00	-	+03
"""


@pytest.fixture(scope="module")
def tzdata(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two tzdata directories compiled by zic: the rules before and after the change."""
    zic = shutil.which("zic") or "/usr/sbin/zic"
    require(Path(zic).is_file(), "zic is not installed")
    root = tmp_path_factory.mktemp("tzdata")
    directories = {}
    for name, source in (("before", RULES_BEFORE), ("after", RULES_AFTER)):
        (root / f"{name}.zi").write_text(source)
        subprocess.run([zic, "-d", str(root / name), str(root / f"{name}.zi")], check=True, timeout=30)
        directories[name] = root / name
    return directories


@pytest.fixture(scope="module")
async def own_database_url(database_for_server: str) -> str:
    """A database of this module's own (a SQLite file, or a fresh PostgreSQL database dropped
    afterwards), so no other test run sees rows in a zone that exists only here."""
    await asyncio.to_thread(upgrade, database_for_server)
    return database_for_server


@pytest.fixture
async def database(own_database_url: str) -> AsyncIterator[Database]:
    db = Database(own_database_url, lock_timeout_seconds=3)
    await wipe(db)
    yield db
    await db.dispose()


@pytest.fixture
def settings(own_database_url: str) -> Settings:
    return app_settings(own_database_url)


@pytest.fixture
def use_tzdata() -> Iterator[Callable[[Path], None]]:
    """Points zoneinfo (and so the service and its feeds) at a tzdata directory; afterwards the
    default search path returns and every cached rule is forgotten."""

    def use(directory: Path) -> None:
        zoneinfo.reset_tzpath([str(directory)])
        reload_zone_rules()
        clear_zone_caches()

    try:
        yield use
    finally:
        zoneinfo.reset_tzpath()
        reload_zone_rules()
        clear_zone_caches()


def read_event(feed: bytes) -> tuple[str, str, datetime]:
    """The event's DTSTART line, the UTC offset the feed's own VTIMEZONE gives that wall time,
    and the instant it means (a new timezone object from the VTIMEZONE: icalendar would
    otherwise reuse the one it cached for this TZID from an earlier feed)."""
    calendar = icalendar.Calendar.from_ical(feed)
    (vtimezone,) = calendar.walk("VTIMEZONE")
    (event,) = calendar.walk("VEVENT")
    local = event.decoded("DTSTART").replace(tzinfo=vtimezone.to_tz(lookup_tzid=False))
    line = next(line for line in feed.decode().split("\r\n") if line.startswith("DTSTART;"))
    return line, local.strftime("%z"), local.astimezone(UTC)


async def riga_programme(client: AsyncTestClient, auth: dict[str, str]) -> dict[str, int]:
    """A mission in the test zone with a session before the change date and one after it."""
    mission = {"slug": SLUG, "title": "Riga winter week", "host_country": "LV", "timezone": ZONE,
               "starts_on": "2026-10-19", "ends_on": "2026-12-11", "status": "published"}
    assert (await client.post("/api/missions", json=mission, headers=auth)).status_code == 201
    ids = {}
    for label, day in (("autumn", "2026-10-20"), ("winter", "2026-12-08")):
        body = {"title": f"Clinic {label}", "kind": "workshop", "capacity": 10,
                "starts_at": f"{day}T10:00", "ends_at": f"{day}T11:00"}
        created = await client.post(f"/api/missions/{SLUG}/sessions", json=body, headers=auth)
        assert created.status_code == 201, created.text
        ids[label] = created.json()["id"]
    return ids


async def test_future_session_keeps_its_wall_time_and_moves_in_utc_when_zone_rules_change(
    tzdata: dict[str, Path], use_tzdata: Callable[[Path], None],
    settings: Settings, database: Database, clock: FrozenClock, auth: dict[str, str],
) -> None:
    clock.now = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # months before the change takes effect
    use_tzdata(tzdata["before"])
    async with AsyncTestClient(app=create_app(settings, clock=clock)) as client:
        ids = await riga_programme(client, auth)
        registered = await client.post(f"/api/missions/{SLUG}/registrations", json={
            "name": "Ira Raciņa", "email": "ira@example.lv", "session_ids": [ids["autumn"], ids["winter"]]})
        assert registered.status_code == 201, registered.text
        before = {label: (await client.get(f"/api/missions/{SLUG}/sessions/{sid}")).json()
                  for label, sid in ids.items()}
        feed_before = await client.get(f"/missions/{SLUG}/sessions/{ids['winter']}/calendar.ics")

    winter = before["winter"]
    assert (winter["starts_at"], winter["starts_at_utc"]) == ("2026-12-08T10:00:00+02:00", "2026-12-08T08:00:00Z")
    assert read_event(feed_before.content) == (
        f"DTSTART;TZID={ZONE}:20261208T100000", "+0200", datetime(2026, 12, 8, 8, 0, tzinfo=UTC))

    # tzdata is updated; the service restarts, and its startup recomputes the UTC index.
    use_tzdata(tzdata["after"])
    async with AsyncTestClient(app=create_app(settings, clock=clock)) as client:
        after = {label: (await client.get(f"/api/missions/{SLUG}/sessions/{sid}")).json()
                 for label, sid in ids.items()}
        feed_after = await client.get(f"/missions/{SLUG}/sessions/{ids['winter']}/calendar.ics")
        mission_feed = await client.get(f"/missions/{SLUG}/calendar.ics")

    moved = after["winter"]
    assert (moved["starts_at"], moved["ends_at"]) == ("2026-12-08T10:00:00+03:00", "2026-12-08T11:00:00+03:00")
    assert (moved["starts_at_utc"], moved["ends_at_utc"]) == ("2026-12-08T07:00:00Z", "2026-12-08T08:00:00Z")
    assert moved["timezone"] == ZONE
    assert moved["sequence"] == winter["sequence"] + 1
    assert after["autumn"] == before["autumn"]  # +3 under both rules: nothing to tell anyone

    assert feed_after.headers["etag"] != feed_before.headers["etag"]
    assert read_event(feed_after.content) == (
        f"DTSTART;TZID={ZONE}:20261208T100000", "+0300", datetime(2026, 12, 8, 7, 0, tzinfo=UTC))
    assert f"SEQUENCE:{moved['sequence']}" in feed_after.text
    assert mission_feed.status_code == 200 and f"SEQUENCE:{moved['sequence']}" in mission_feed.text

    async with database.read() as db:
        attendee_id = await db.scalar(select(Attendee.id).where(Attendee.email == "ira@example.lv"))
        told = list(await db.execute(
            select(OutboxMessage.session_id, OutboxMessage.attendee_id)
            .where(OutboxMessage.kind == MailKind.SESSION_CHANGED)
        ))
    assert [tuple(row) for row in told] == [(ids["winter"], attendee_id)]


async def test_a_zone_gone_from_tzdata_keeps_its_sessions_index_and_the_service_still_starts(
    tzdata: dict[str, Path], use_tzdata: Callable[[Path], None], tmp_path: Path,
    settings: Settings, database: Database, clock: FrozenClock, auth: dict[str, str],
) -> None:
    clock.now = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    use_tzdata(tzdata["before"])
    async with AsyncTestClient(app=create_app(settings, clock=clock)) as client:
        await riga_programme(client, auth)
    async with database.read() as db:
        before = list(await db.execute(select(ProgrammeSession.starts_at_utc, ProgrammeSession.sequence)))

    use_tzdata(tmp_path)  # a tzdata without the zone
    async with AsyncTestClient(app=create_app(settings, clock=clock)) as client:  # startup refreshes
        assert (await client.get("/health")).json() == {"status": "ok", "database": "ok"}
        assert [m["slug"] for m in (await client.get("/api/missions")).json()] == [SLUG]
    async with database.read() as db:
        assert list(await db.execute(select(ProgrammeSession.starts_at_utc, ProgrammeSession.sequence))) == before

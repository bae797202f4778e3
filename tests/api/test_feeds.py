"""Calendar feeds as subscribers' calendars see them: golden bytes, parsers, updates,
cancellations, personal feeds, and HTTP caching."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import icalendar
import pytest
import vobject
from litestar.testing import AsyncTestClient

from eventhub.app import create_app
from eventhub.db.database import Database
from eventhub.loader import load_mission, read_mission_file
from eventhub.services import Services
from eventhub.settings import Settings
from tests.api.conftest import Api
from tests.conftest import FIXTURES, FrozenClock, app_client
from tests.golden import assert_golden

BISHKEK = "lv-it-cluster-bishkek-2026"
SLUG = "riga-2026"


def deterministic_uids(start: int = 1) -> Any:
    counter = itertools.count(start)
    return lambda: str(uuid.uuid5(uuid.NAMESPACE_URL, f"eventhub-test-session-{next(counter)}"))


@pytest.fixture
async def client(settings: Settings, database: Any, clock: FrozenClock) -> AsyncIterator[AsyncTestClient]:
    """Like the shared client, but with reproducible calendar UIDs for golden files."""
    async with app_client(settings, clock, new_uid=deterministic_uids(start=1000)) as test_client:
        yield test_client


def events(body: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def by_summary(body: bytes) -> dict[str, icalendar.Event]:
    return {str(e["SUMMARY"]): e for e in events(body)}


def utc_instants_by_two_parsers(body: bytes) -> tuple[dict[str, datetime], dict[str, datetime]]:
    ours = {str(e["UID"]): e.decoded("DTSTART").astimezone(UTC) for e in events(body)}
    theirs = {
        ev.uid.value: ev.dtstart.value.astimezone(UTC)
        for ev in vobject.readOne(body.decode("utf-8")).vevent_list
    }
    return ours, theirs


async def test_bishkek_mission_feed_matches_golden_file_and_api_times(
    client: AsyncTestClient, database: Database, settings: Settings, clock: FrozenClock
) -> None:
    loader = Services.build(settings, database, clock, deterministic_uids())
    await load_mission(loader, read_mission_file(FIXTURES / "bishkek-2026.json"))
    response = await client.get(f"/missions/{BISHKEK}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["content-disposition"] == f'inline; filename="{BISHKEK}.ics"'
    assert_golden("bishkek-2026.ics", response.content)

    api_sessions = (await client.get(f"/api/missions/{BISHKEK}/sessions")).json()
    ours, theirs = utc_instants_by_two_parsers(response.content)
    assert ours == theirs
    expected = {
        s["url"]: datetime.fromisoformat(s["starts_at_utc"].replace("Z", "+00:00")) for s in api_sessions
    }
    assert {str(e["URL"]): e.decoded("DTSTART").astimezone(UTC) for e in events(response.content)} == expected
    assert len(response.content) < 1_000_000


async def test_riga_feed_across_both_2026_dst_changes(api: Api, client: AsyncTestClient) -> None:
    await api.mission(summary="Sessions on both sides of the clock changes.")
    hall = await api.venue(SLUG, "VEF Kvartāls", address="Brīvības gatve 214, Rīga", latitude=56.9717, longitude=24.1686)
    ira = await api.person(SLUG, "Ira Raciņa", affiliation="Latvian IT Cluster")
    for day in ("2026-03-28", "2026-03-30", "2026-10-24", "2026-10-26"):
        await api.session(SLUG, title=f"Clinic {day}", starts_at=f"{day}T10:00", ends_at=f"{day}T11:30",
                          venue_id=hall["id"], speakers=[{"person_id": ira["id"], "role": "host"}], language="lv")
    response = await client.get(f"/missions/{SLUG}/calendar.ics")
    assert_golden("riga-dst-2026.ics", response.content)
    ours, theirs = utc_instants_by_two_parsers(response.content)
    assert ours == theirs
    assert sorted(v.strftime("%m-%d %H:%M") for v in ours.values()) == [
        "03-28 08:00", "03-30 07:00", "10-24 07:00", "10-26 08:00"
    ]
    text = response.content.decode("utf-8")
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text and "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in text
    assert "RDATE" not in text
    assert all(line.endswith("\r") or not line for line in text.split("\n")[:-1])


async def test_unchanged_feed_is_byte_identical_across_processes_and_answers_304(
    api: Api, client: AsyncTestClient, settings: Settings, clock: FrozenClock
) -> None:
    await api.mission()
    await api.session(SLUG, starts_at="2026-06-01T10:00", ends_at="2026-06-01T11:00")
    first = await client.get(f"/missions/{SLUG}/calendar.ics")
    clock.advance(hours=5)
    other_process = create_app(settings, clock=clock)
    async with AsyncTestClient(app=other_process) as other:
        second = await other.get(f"/missions/{SLUG}/calendar.ics")
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]

    etag, modified = first.headers["etag"], first.headers["last-modified"]
    not_modified = await client.get(f"/missions/{SLUG}/calendar.ics", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified.headers["etag"] == etag and not_modified.headers["last-modified"] == modified
    assert (await client.get(f"/missions/{SLUG}/calendar.ics", headers={"If-None-Match": f'"x", {etag}'})).status_code == 304
    assert (await client.get(f"/missions/{SLUG}/calendar.ics", headers={"If-Modified-Since": modified})).status_code == 304
    assert (await client.get(f"/missions/{SLUG}/calendar.ics",
                             headers={"If-Modified-Since": "Thu, 01 Jan 2026 00:00:00 GMT"})).status_code == 200
    assert (await client.get(f"/missions/{SLUG}/calendar.ics", headers={"If-Modified-Since": "yesterday"})).status_code == 200
    # If-None-Match takes precedence: a stale tag is 200 even with a fresh date.
    stale = await client.get(f"/missions/{SLUG}/calendar.ics", headers={"If-None-Match": '"stale"', "If-Modified-Since": modified})
    assert stale.status_code == 200


async def test_moving_a_session_raises_sequence_and_changes_the_etag(api: Api, client: AsyncTestClient, clock: FrozenClock) -> None:
    await api.mission()
    s = await api.session(SLUG, title="Export clinic", starts_at="2026-06-01T10:00", ends_at="2026-06-01T11:00")
    before = await client.get(f"/missions/{SLUG}/calendar.ics")
    clock.advance(minutes=10)
    await client.patch(f"/api/missions/{SLUG}/sessions/{s['id']}", json={"starts_at": "2026-06-01T14:00", "ends_at": "2026-06-01T15:00"}, headers=api.auth)
    after = await client.get(f"/missions/{SLUG}/calendar.ics", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    event = by_summary(after.content)["Export clinic"]
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2026, 6, 1, 11, 0, tzinfo=UTC)
    assert event.decoded("LAST-MODIFIED") == clock.now
    assert event["UID"] == by_summary(before.content)["Export clinic"]["UID"]


async def test_cancelled_session_stays_as_cancelled_with_higher_sequence(api: Api, client: AsyncTestClient) -> None:
    await api.mission()
    s = await api.session(SLUG, title="Export clinic", starts_at="2026-06-01T10:00", ends_at="2026-06-01T11:00")
    await client.post(f"/api/missions/{SLUG}/sessions/{s['id']}/cancel", headers=api.auth)
    for path in (f"/missions/{SLUG}/calendar.ics", f"/missions/{SLUG}/sessions/{s['id']}/calendar.ics"):
        [event] = events((await client.get(path)).content)
        assert event["STATUS"] == "CANCELLED"
        assert event["SEQUENCE"] == 1
        assert str(event["SUMMARY"]) == "Cancelled: Export clinic"


async def test_public_feeds_show_no_attendee_data_and_no_drafts(api: Api, client: AsyncTestClient, clock: FrozenClock) -> None:
    clock.now = datetime(2026, 5, 1, tzinfo=UTC)
    await api.mission()
    await api.person(SLUG, "Aida Ismailova", email="aida.private@example.org")
    s = await api.session(SLUG, title="Open", starts_at="2026-06-01T10:00", ends_at="2026-06-01T11:00")
    await api.session(SLUG, title="Secret draft", status="draft", starts_at="2026-06-02T10:00", ends_at="2026-06-02T11:00")
    await client.post(f"/api/missions/{SLUG}/registrations",
                      json={"name": "Zane Attendee", "email": "zane@example.lv", "session_ids": [s["id"]]})
    body = (await client.get(f"/missions/{SLUG}/calendar.ics")).content.decode("utf-8")
    for secret in ("Zane", "zane@example.lv", "aida.private@example.org", "Secret draft", "ORGANIZER", "ATTENDEE"):
        assert secret not in body
    await api.mission("hidden", status="draft")
    assert (await client.get("/missions/hidden/calendar.ics")).status_code == 404


async def test_mission_feed_filters(api: Api, client: AsyncTestClient) -> None:
    await api.mission()
    hall = await api.venue(SLUG, "Hall")
    await api.session(SLUG, title="W", kind="workshop", language="lv", venue_id=hall["id"], starts_at="2026-06-01T10:00", ends_at="2026-06-01T11:00")
    await api.session(SLUG, title="S", kind="seminar", language="en", starts_at="2026-06-01T12:00", ends_at="2026-06-01T13:00")

    async def titles(query: str) -> set[str]:
        return set(by_summary((await client.get(f"/missions/{SLUG}/calendar.ics?{query}")).content))

    assert await titles("kind=workshop") == {"W"}
    assert await titles("language=en") == {"S"}
    assert await titles(f"venue_id={hall['id']}") == {"W"}
    assert await titles("") == {"W", "S"}


async def test_download_and_head(api: Api, client: AsyncTestClient) -> None:
    await api.mission()
    s = await api.session(SLUG, starts_at="2026-06-01T10:00", ends_at="2026-06-01T11:00")
    download = await client.get(f"/missions/{SLUG}/sessions/{s['id']}/calendar.ics?download=1")
    assert download.headers["content-disposition"] == f'attachment; filename="{SLUG}-session-{s["id"]}.ics"'
    head = await client.head(f"/missions/{SLUG}/calendar.ics")
    full = await client.get(f"/missions/{SLUG}/calendar.ics")
    assert head.status_code == 200 and head.content == b""
    # What GET would send, its coding included (the client offers br and gzip).
    assert head.headers["content-length"] == full.headers["content-length"]
    assert head.headers.get("content-encoding") == full.headers.get("content-encoding")
    assert head.headers["etag"] == full.headers["etag"]
    assert full.headers["cache-control"].startswith("public")
    assert (await client.get(f"/missions/{SLUG}/sessions/999/calendar.ics")).status_code == 404


async def test_personal_feed_follows_the_waitlist_and_token_rotation(api: Api, client: AsyncTestClient, clock: FrozenClock) -> None:
    clock.now = datetime(2026, 5, 1, tzinfo=UTC)
    await api.mission()
    s = await api.session(SLUG, title="Export clinic", capacity=1, starts_at="2026-06-01T10:00", ends_at="2026-06-01T11:00")

    async def register(email: str) -> dict[str, Any]:
        response = await client.post(f"/api/missions/{SLUG}/registrations",
                                     json={"name": email, "email": email, "session_ids": [s["id"]]})
        return response.json()

    first = await register("first@example.org")
    second = await register("second@example.org")
    feed_path = second["feed_url"].removeprefix("https://events.example.org")
    waiting = await client.get(feed_path)
    assert waiting.headers["cache-control"].startswith("private")
    [event] = events(waiting.content)
    assert event["STATUS"] == "TENTATIVE"
    assert str(event["SUMMARY"]) == "Waitlist #1: Export clinic"
    assert "first@example.org" not in waiting.text

    clock.advance(minutes=5)
    await client.delete(f"/api/me/registrations/{s['id']}", headers={"Authorization": f"Bearer {first['manage_token']}"})
    promoted = await client.get(feed_path, headers={"If-None-Match": waiting.headers["etag"]})
    assert promoted.status_code == 200
    [event] = events(promoted.content)
    assert event["STATUS"] == "CONFIRMED" and str(event["SUMMARY"]) == "Export clinic"
    assert event["SEQUENCE"] == 1
    first_feed = events((await client.get(first["feed_url"].removeprefix("https://events.example.org"))).content)
    assert first_feed[0]["STATUS"] == "CANCELLED"

    rotated = await client.post("/api/me/feed-token", headers={"Authorization": f"Bearer {second['manage_token']}"})
    assert (await client.get(feed_path)).status_code == 404
    new_path = rotated.json()["feed_url"].removeprefix("https://events.example.org")
    assert (await client.get(new_path)).status_code == 200

    clock.now = datetime(2026, 7, 2, tzinfo=UTC)  # 31 days after the session: dropped from the feed
    assert events((await client.get(new_path)).content) == []


async def test_feed_links_in_api_responses(api: Api, client: AsyncTestClient) -> None:
    mission = await api.mission()
    assert mission["feed_url"] == f"https://events.example.org/missions/{SLUG}/calendar.ics"
    assert mission["webcal_url"] == f"webcal://events.example.org/missions/{SLUG}/calendar.ics"
    assert mission["subscribe"]["google"].startswith("https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2F")
    assert mission["subscribe"]["outlook"].startswith("https://outlook.live.com/calendar/0/addfromweb?url=https%3A%2F%2F")
    s = await api.session(SLUG, starts_at="2026-06-01T10:00", ends_at="2026-06-01T11:00")
    assert s["ics_url"] == f"https://events.example.org/missions/{SLUG}/sessions/{s['id']}/calendar.ics"

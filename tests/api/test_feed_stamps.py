"""Regressions from issue 17, one per way a feed misled: each change a calendar shows moves
SEQUENCE and DTSTAMP/LAST-MODIFIED; a change it does not show moves no byte, no ETag and no
Last-Modified. (The property over every kind of write: tests/integration/test_feed_validators.py.)"""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar
from litestar.testing import AsyncTestClient

from tests.api.conftest import Api
from tests.conftest import FrozenClock

SLUG = "riga-2026"
FEED = f"/missions/{SLUG}/calendar.ics"


def only_event(body: bytes) -> icalendar.Event:
    [event] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    return event


def moved_on(before: icalendar.Event, after: icalendar.Event) -> bool:
    return (
        after["SEQUENCE"] > before["SEQUENCE"]
        and after.decoded("DTSTAMP") > before.decoded("DTSTAMP")
        and after.decoded("LAST-MODIFIED") > before.decoded("LAST-MODIFIED")
    )


async def _one_session(api: Api, **fields: object) -> dict[str, object]:
    await api.mission()
    return await api.session(SLUG, title="Export clinic", starts_at="2026-06-01T10:00", ends_at="2026-06-01T11:00",
                             **fields)


async def test_renaming_a_speaker_is_a_new_sequence_and_dtstamp(api: Api, client: AsyncTestClient, clock: FrozenClock) -> None:
    await api.mission()
    ira = await api.person(SLUG, "Ira Racina", affiliation="LIKTA")
    await api.session(SLUG, title="Export clinic", starts_at="2026-06-01T10:00", ends_at="2026-06-01T11:00",
                      speakers=[{"person_id": ira["id"], "role": "speaker"}])
    before = await client.get(FEED)
    clock.advance(minutes=5)
    for change in ({"name": "Ira Raciņa"}, {"affiliation": "Latvian IT Cluster"}):
        await client.patch(f"/api/missions/{SLUG}/people/{ira['id']}", json=change, headers=api.auth)
        clock.advance(minutes=5)
        after = await client.get(FEED)
        assert after.headers["etag"] != before.headers["etag"]
        assert moved_on(only_event(before.content), only_event(after.content))
        before = after
    assert "Speakers: Ira Raciņa (Latvian IT Cluster)" in str(only_event(after.content)["DESCRIPTION"])


async def test_a_description_edit_is_a_new_sequence(api: Api, client: AsyncTestClient, clock: FrozenClock) -> None:
    s = await _one_session(api)
    before = await client.get(FEED)
    clock.advance(minutes=5)
    await client.patch(f"/api/missions/{SLUG}/sessions/{s['id']}", json={"description": "Bring numbers."}, headers=api.auth)
    after = await client.get(FEED)
    assert moved_on(only_event(before.content), only_event(after.content))


async def test_a_capacity_change_moves_no_byte_and_no_validator(api: Api, client: AsyncTestClient, clock: FrozenClock) -> None:
    s = await _one_session(api, capacity=10)
    before = await client.get(FEED)
    clock.advance(minutes=5)
    await client.patch(f"/api/missions/{SLUG}/sessions/{s['id']}", json={"capacity": 12}, headers=api.auth)
    after = await client.get(FEED)
    assert after.content == before.content
    assert (after.headers["etag"], after.headers["last-modified"]) == (before.headers["etag"], before.headers["last-modified"])
    assert (await client.get(FEED, headers={"If-None-Match": before.headers["etag"]})).status_code == 304


async def test_a_session_back_in_draft_stays_in_the_feeds_that_showed_it_as_cancelled(
    api: Api, client: AsyncTestClient, clock: FrozenClock
) -> None:
    s = await _one_session(api)
    one = f"/missions/{SLUG}/sessions/{s['id']}/calendar.ics"
    shown = {path: only_event((await client.get(path)).content) for path in (FEED, one)}
    clock.advance(minutes=5)
    await client.patch(f"/api/missions/{SLUG}/sessions/{s['id']}", json={"status": "draft"}, headers=api.auth)
    for path, before in shown.items():
        after = only_event((await client.get(path)).content)
        assert (after["UID"], after["STATUS"]) == (before["UID"], "CANCELLED")
        assert moved_on(before, after)
    # A language nobody read before the withdrawal never showed it: nothing to take back there.
    assert b"BEGIN:VEVENT" not in (await client.get(f"{FEED}?lang=lv")).content


async def test_a_new_waitlist_position_is_a_new_sequence(api: Api, client: AsyncTestClient, clock: FrozenClock) -> None:
    clock.now = datetime(2026, 5, 1, tzinfo=UTC)
    s = await _one_session(api, capacity=1)
    register = f"/api/missions/{SLUG}/registrations"
    first = (await client.post(register, json={"name": "A", "email": "a@example.lv", "session_ids": [s["id"]]})).json()
    await client.post(register, json={"name": "B", "email": "b@example.lv", "session_ids": [s["id"]]})
    third = (await client.post(register, json={"name": "C", "email": "c@example.lv", "session_ids": [s["id"]]})).json()
    feed = third["feed_url"].removeprefix("https://events.example.org")
    before = only_event((await client.get(feed)).content)
    assert str(before["SUMMARY"]) == "Waitlist #2: Export clinic"
    clock.advance(minutes=5)
    await client.delete(f"/api/me/registrations/{s['id']}", headers={"Authorization": f"Bearer {first['manage_token']}"})
    after = only_event((await client.get(feed)).content)
    assert str(after["SUMMARY"]) == "Waitlist #1: Export clinic"
    assert moved_on(before, after)

"""Whole feeds as subscribers receive them: golden files, wire format, instants, ordering."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject
from icalendar import Calendar

from eventhub.calendar import CalendarMeta, EventStatus, render_calendar
from tests.golden import assert_golden

UTC = UTC
BASE = "https://events.example.org/missions/bishkek-2026"


@pytest.fixture
def bishkek_events(event_factory):
    return [
        event_factory(
            uid="b1a7c2e0-0001@events.example.org",
            sequence=0,
            last_modified=datetime(2026, 11, 20, 9, 15, tzinfo=UTC),
            starts_local=datetime(2026, 12, 7, 10, 0),
            ends_local=datetime(2026, 12, 7, 12, 0),
            summary="Technopark: shared problems and ways to work together",
            description=(
                "A workshop at Kyrgyzstan's first coworking space built for IT companies, "
                "which plans test labs and larger offices for big firms.\n\n"
                "Speakers: Ira Raciņa (Latvian IT Cluster), Айда Исмаилова (Technopark)\n\n"
                f"{BASE}/sessions/1"
            ),
            location="Technopark coworking space, Bishkek",
            geo=(42.8746, 74.5698),
            categories=("workshop",),
            url=f"{BASE}/sessions/1",
        ),
        event_factory(
            uid="b1a7c2e0-0002@events.example.org",
            sequence=2,
            last_modified=datetime(2026, 11, 28, 17, 40, tzinfo=UTC),
            starts_local=datetime(2026, 12, 8, 15, 0),
            ends_local=datetime(2026, 12, 8, 16, 0),
            summary="Cancelled: Dialogue with Latvia's Honorary Consul",  # as calendar.events writes it
            description=f"Host: Arstanbeks Tazabekovs\n\n{BASE}/sessions/2",
            categories=("meeting",),
            status=EventStatus.CANCELLED,
            url=f"{BASE}/sessions/2",
        ),
        event_factory(
            uid="b1a7c2e0-0003@events.example.org",
            sequence=1,
            last_modified=datetime(2026, 11, 25, 8, 0, tzinfo=UTC),
            starts_local=datetime(2026, 12, 10, 14, 0),
            ends_local=datetime(2026, 12, 10, 15, 30),
            summary="The Latvian IT industry; strategies for entering its market",
            description=(
                "A presentation to the Kyrgyz tech community, with questions afterwards.\n"
                "Speaker: Ira Raciņa\nSupported by the Ministry of Foreign Affairs of Latvia, "
                f"grant agreement Nr. LV-90.\n\n{BASE}/sessions/3"
            ),
            location="High Technology Park, Bishkek",
            geo=(42.8406, 74.6047),
            categories=("presentation",),
            status=EventStatus.TENTATIVE,
            url=f"{BASE}/sessions/3",
        ),
    ]


@pytest.fixture
def bishkek_meta():
    return CalendarMeta(
        name="Latvian IT Cluster in Bishkek",
        description="Programme of the visit, December 2026",
        timezone="Asia/Bishkek",
    )


@pytest.fixture
def riga_events(event_factory):
    days = [(3, 28), (3, 30), (10, 24), (10, 26)]
    return [
        event_factory(
            uid=f"riga-2026-{month:02d}-{day:02d}@events.example.org",
            starts_local=datetime(2026, month, day, 10, 0),
            ends_local=datetime(2026, month, day, 11, 30),
            timezone="Europe/Riga",
            summary=f"Seminar on {day} {'March' if month == 3 else 'October'}",
            location="Riga",
            categories=("seminar",),
        )
        for month, day in days
    ]


@pytest.fixture
def riga_meta():
    return CalendarMeta(name="Riga seminars 2026", description=None, timezone="Europe/Riga")


@pytest.fixture
def feeds(bishkek_meta, bishkek_events, riga_meta, riga_events):
    return {
        "rendered-bishkek-mission.ics": render_calendar(bishkek_meta, bishkek_events),
        "rendered-riga-dst-2026.ics": render_calendar(riga_meta, riga_events),
    }


@pytest.mark.parametrize("name", ["rendered-bishkek-mission.ics", "rendered-riga-dst-2026.ics"])
def test_feed_matches_its_golden_file(name, feeds):
    assert_golden(name, feeds[name])


@pytest.mark.parametrize("name", ["rendered-bishkek-mission.ics", "rendered-riga-dst-2026.ics"])
def test_every_line_ends_with_crlf_and_fits_in_75_octets(name, feeds):
    data = feeds[name]
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")
    for line in data.split(b"\r\n"):
        assert len(line) <= 75, line
        line.decode("utf-8")  # a fold never cuts a multi-byte character in two


def test_unicode_speaker_names_survive_folding(bishkek_events, bishkek_meta):
    data = render_calendar(bishkek_meta, bishkek_events)
    descriptions = [str(e["DESCRIPTION"]) for e in Calendar.from_ical(data).walk("VEVENT")]
    assert any("Ira Raciņa (Latvian IT Cluster), Айда Исмаилова (Technopark)" in d for d in descriptions)
    assert re.search(rb"\r\n [^\r]*\r\n", data), "the long descriptions are folded"


@pytest.mark.parametrize(("meta", "events"), [("bishkek_meta", "bishkek_events"), ("riga_meta", "riga_events")])
def test_icalendar_and_vobject_put_every_event_where_zoneinfo_does(meta, events, request):
    events = request.getfixturevalue(events)
    data = render_calendar(request.getfixturevalue(meta), events)
    expected = {
        e.uid: tuple(
            local.replace(tzinfo=ZoneInfo(e.timezone)).astimezone(UTC) for local in (e.starts_local, e.ends_local)
        )
        for e in events
    }
    parsed = Calendar.from_ical(data)
    # icalendar resolves TZID by name; to_tz(lookup_tzid=False) reads our VTIMEZONE instead.
    embedded = {tz["TZID"]: tz.to_tz(lookup_tzid=False) for tz in parsed.walk("VTIMEZONE")}
    for vevent in parsed.walk("VEVENT"):
        start, end = vevent["DTSTART"].dt, vevent["DTEND"].dt
        assert (start.astimezone(UTC), end.astimezone(UTC)) == expected[str(vevent["UID"])]
        own = embedded[vevent["DTSTART"].params["TZID"]]
        assert start.replace(tzinfo=own).astimezone(UTC) == expected[str(vevent["UID"])][0]
    vevents = vobject.readOne(data.decode()).vevent_list
    assert len(vevents) == len(events)
    for vevent in vevents:
        start = vevent.dtstart.value
        assert not isinstance(start.tzinfo, ZoneInfo)  # vobject used the embedded VTIMEZONE
        assert (start.astimezone(UTC), vevent.dtend.value.astimezone(UTC)) == expected[vevent.uid.value]


def test_riga_events_either_side_of_both_clock_changes_keep_their_wall_time(riga_meta, riga_events):
    vevents = vobject.readOne(render_calendar(riga_meta, riga_events).decode()).vevent_list
    utc_hours = [v.dtstart.value.astimezone(UTC).hour for v in vevents]
    assert utc_hours == [8, 7, 7, 8]  # 10:00 EET, EEST, EEST, EET


def test_rendering_twice_or_in_another_order_gives_identical_bytes(bishkek_meta, bishkek_events):
    first = render_calendar(bishkek_meta, bishkek_events)
    assert render_calendar(bishkek_meta, bishkek_events) == first
    assert render_calendar(bishkek_meta, list(reversed(bishkek_events))) == first


def test_events_are_ordered_by_utc_start_then_uid(event_factory, riga_meta):
    bishkek = event_factory(
        uid="z@x", starts_local=datetime(2026, 12, 8, 10, 0), ends_local=datetime(2026, 12, 8, 11, 0)
    )
    riga = event_factory(
        uid="a@x",
        timezone="Europe/Riga",
        starts_local=datetime(2026, 12, 8, 8, 0),
        ends_local=datetime(2026, 12, 8, 9, 0),
    )
    tie = event_factory(uid="y@x", starts_local=datetime(2026, 12, 8, 10, 0), ends_local=datetime(2026, 12, 8, 10, 30))
    data = render_calendar(riga_meta, [riga, bishkek, tie])
    # 10:00 in Bishkek is 04:00 UTC, before 08:00 in Riga (06:00 UTC)
    assert re.findall(rb"UID:(\S+)\r\n", data) == [b"y@x", b"z@x", b"a@x"]


def test_one_vtimezone_for_each_zone_used_and_none_other(event_factory):
    events = [
        event_factory(uid="1@x"),
        event_factory(uid="2@x", starts_local=datetime(2026, 12, 9, 9, 0), ends_local=datetime(2026, 12, 9, 10, 0)),
        event_factory(
            uid="3@x", timezone="Europe/Riga", starts_local=datetime(2027, 1, 5, 9), ends_local=datetime(2027, 1, 5, 10)
        ),
    ]
    data = render_calendar(CalendarMeta("x", None, "America/New_York"), events)
    assert re.findall(rb"\r\nTZID:(\S+)\r\n", data) == [b"Asia/Bishkek", b"Europe/Riga"]
    used = set(re.findall(rb";TZID=([^:;]+)", data))
    assert used == {b"Asia/Bishkek", b"Europe/Riga"}


def test_calendar_header_tells_clients_its_name_zone_and_refresh_interval(bishkek_meta, bishkek_events):
    data = render_calendar(bishkek_meta, bishkek_events)
    head = data.split(b"BEGIN:VTIMEZONE")[0]
    for line in [
        b"BEGIN:VCALENDAR",
        b"VERSION:2.0",
        b"PRODID:-//eventhub//eventhub//EN",
        b"CALSCALE:GREGORIAN",
        b"METHOD:PUBLISH",
        b"X-WR-CALNAME:Latvian IT Cluster in Bishkek",
        b"NAME:Latvian IT Cluster in Bishkek",
        b"X-WR-CALDESC:Programme of the visit\\, December 2026",
        b"DESCRIPTION:Programme of the visit\\, December 2026",
        b"X-WR-TIMEZONE:Asia/Bishkek",
        b"REFRESH-INTERVAL;VALUE=DURATION:PT60M",
        b"X-PUBLISHED-TTL:PT60M",
    ]:
        assert line + b"\r\n" in head
    assert data.endswith(b"END:VEVENT\r\nEND:VCALENDAR\r\n")


def test_refresh_interval_follows_meta():
    data = render_calendar(CalendarMeta("x", None, "UTC", refresh_minutes=15), [])
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT15M\r\n" in data
    assert b"X-PUBLISHED-TTL:PT15M\r\n" in data


def test_empty_calendar_is_still_a_valid_calendar():
    data = render_calendar(CalendarMeta("Nothing yet", None, "Asia/Bishkek"), [])
    parsed = Calendar.from_ical(data)
    parsed.validate()  # VERSION, PRODID and at least one component
    assert parsed.walk("VEVENT") == []
    assert vobject.readOne(data.decode()).name == "VCALENDAR"
    assert data == render_calendar(CalendarMeta("Nothing yet", None, "Asia/Bishkek"), [])


def test_no_organizer_or_attendee_anywhere(bishkek_meta, bishkek_events):
    data = render_calendar(bishkek_meta, bishkek_events)
    unfolded = data.replace(b"\r\n ", b"")
    assert not re.search(rb"^(ORGANIZER|ATTENDEE)[;:]", unfolded, re.MULTILINE)


def test_two_events_with_one_uid_are_refused(event_factory, riga_meta):
    with pytest.raises(ValueError, match="UID"):
        render_calendar(riga_meta, [event_factory(), event_factory(sequence=1)])


def test_feed_of_a_whole_mission_stays_small(event_factory, bishkek_meta):
    events = [
        event_factory(
            uid=f"{n}@events.example.org",
            starts_local=datetime(2026, 12, 7, 8, 0) + timedelta(minutes=30 * n),
            ends_local=datetime(2026, 12, 7, 9, 0) + timedelta(minutes=30 * n),
            description="Speakers: Ira Raciņa, Айда Исмаилова\n\n" + "x" * 400,
        )
        for n in range(1000)
    ]
    assert len(render_calendar(bishkek_meta, events)) < 1_000_000


def test_vtimezone_covers_whole_years_so_new_events_do_not_change_it(event_factory, riga_meta):
    def vtimezones(data: bytes) -> bytes:
        return data[data.index(b"BEGIN:VTIMEZONE") : data.rindex(b"END:VTIMEZONE")]

    one = [event_factory(uid="1@x")]
    more = [*one, event_factory(uid="2@x", starts_local=datetime(2026, 2, 2, 9), ends_local=datetime(2026, 2, 2, 10))]
    assert vtimezones(render_calendar(riga_meta, one)) == vtimezones(render_calendar(riga_meta, more))


def test_event_across_new_year_gets_a_vtimezone_for_both_years(event_factory, riga_meta, observance_reader):
    event = event_factory(
        timezone="Europe/Riga", starts_local=datetime(2026, 12, 31, 22, 0), ends_local=datetime(2027, 1, 1, 2, 0)
    )
    data = render_calendar(riga_meta, [event]).decode()
    vtimezone = data[data.index("BEGIN:VTIMEZONE") : data.index("END:VTIMEZONE") + len("END:VTIMEZONE\r\n")]
    reader = observance_reader(vtimezone, until=datetime(2029, 1, 1))
    assert reader.offset(datetime(2027, 7, 1, tzinfo=UTC)) == timedelta(hours=3)

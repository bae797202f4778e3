"""Single VEVENTs and the event cache: what a subscriber's client shows for one session."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest
import vobject
from icalendar import Calendar, Event

import eventhub.calendar.render as render_module
from eventhub.calendar import CalendarMeta, EventCache, EventStatus, render_calendar, render_event

RIGA_TIME = timezone(timedelta(hours=2))


def _lines(data: bytes) -> list[bytes]:
    return data.replace(b"\r\n ", b"").split(b"\r\n")


def test_event_carries_every_property_clients_use(event_factory):
    event = event_factory(
        sequence=4,
        last_modified=datetime(2026, 11, 20, 11, 0, 30, 123456, tzinfo=RIGA_TIME),
        description="About it",
        location="Technopark coworking space",
        geo=(42.8746, 74.5698),
        categories=("workshop",),
        url="https://events.example.org/missions/bishkek-2026/sessions/1",
    )
    lines = _lines(render_event(event))
    assert lines == [
        b"BEGIN:VEVENT",
        b"UID:0001@events.example.org",
        b"DTSTAMP:20261120T090030Z",  # last_modified, in UTC: unchanged feed, unchanged bytes
        b"LAST-MODIFIED:20261120T090030Z",
        b"SEQUENCE:4",
        b"DTSTART;TZID=Asia/Bishkek:20261208T100000",
        b"DTEND;TZID=Asia/Bishkek:20261208T113000",
        b"SUMMARY:Workshop",
        b"DESCRIPTION:About it",
        b"LOCATION:Technopark coworking space",
        b"GEO:42.8746;74.5698",
        b"CATEGORIES:workshop",
        b"STATUS:CONFIRMED",
        b"URL:https://events.example.org/missions/bishkek-2026/sessions/1",
        b"TRANSP:OPAQUE",
        b"END:VEVENT",
        b"",
    ]


def test_optional_properties_are_left_out_when_unknown(event_factory):
    names = {line.split(b":")[0].split(b";")[0] for line in _lines(render_event(event_factory()))}
    assert not names & {b"DESCRIPTION", b"LOCATION", b"GEO", b"CATEGORIES", b"URL", b"ORGANIZER", b"ATTENDEE"}


def test_cancelled_event_stays_with_its_sequence_and_its_title_as_given(event_factory):
    # The event's builder says "Cancelled" in the reader's language (calendar.events); the
    # renderer adds no English word of its own.
    event = event_factory(sequence=3, status=EventStatus.CANCELLED, summary="Отменено: Site visit")
    vevent = Event.from_ical(render_event(event))
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert vevent["SEQUENCE"] == 3
    assert str(vevent["SUMMARY"]) == "Отменено: Site visit"
    assert str(vevent["TRANSP"]) == "TRANSPARENT"  # no longer blocks the subscriber's time


def test_waitlisted_event_is_tentative_and_still_busy(event_factory):
    vevent = Event.from_ical(render_event(event_factory(status=EventStatus.TENTATIVE)))
    assert (str(vevent["STATUS"]), str(vevent["TRANSP"])) == ("TENTATIVE", "OPAQUE")


TRICKY = "Q&A; pros, cons \\ more\nsecond line\r\nthird C:\\New"


def test_special_characters_are_escaped_on_the_wire(event_factory):
    event = event_factory(summary=TRICKY, description=TRICKY, location=TRICKY)
    lines = _lines(render_event(event))
    escaped = b"Q&A\\; pros\\, cons \\\\ more\\nsecond line\\nthird C:\\\\New"
    for name in (b"SUMMARY", b"DESCRIPTION", b"LOCATION"):
        assert name + b":" + escaped in lines


def test_special_characters_read_back_as_typed_by_two_parsers(event_factory):
    event = event_factory(summary=TRICKY, description=TRICKY, location=TRICKY, categories=("a,b", "c;d"))
    expected = TRICKY.replace("\r\n", "\n")
    data = render_calendar(CalendarMeta("x", None, "Asia/Bishkek"), [event])
    vevent = Calendar.from_ical(data).walk("VEVENT")[0]
    assert [str(vevent[name]) for name in ("SUMMARY", "DESCRIPTION", "LOCATION")] == [expected] * 3
    assert list(vevent["CATEGORIES"].cats) == ["a,b", "c;d"]
    other = vobject.readOne(data.decode()).vevent
    assert [other.summary.value, other.description.value, other.location.value] == [expected] * 3


def test_control_characters_are_dropped_not_sent(event_factory):
    data = render_event(event_factory(summary="Bell\x07 and\x00 null"))
    assert b"SUMMARY:Bell and null\r\n" in data


def test_url_with_a_line_break_is_refused(event_factory):
    with pytest.raises(ValueError, match="URL"):
        render_event(event_factory(url="https://example.org/\r\nORGANIZER:x"))


def test_unknown_timezone_is_refused(event_factory):
    with pytest.raises(Exception, match="Nowhere"):
        render_event(event_factory(timezone="Nowhere/Town"))


def test_negative_zero_geo_renders_like_zero(event_factory):
    # equal events share a cache entry, so they must render alike
    a, b = event_factory(geo=(51.5, 0.0)), event_factory(geo=(51.5, -0.0))
    assert a == b
    assert render_event(a) == render_event(b)


@pytest.fixture
def counted_renders(monkeypatch):
    """Count real calls to render_event through a wrapper (the library itself is untouched)."""
    calls: list[str] = []
    real = render_module.render_event

    def counting(event):
        calls.append(event.uid)
        return real(event)

    monkeypatch.setattr(render_module, "render_event", counting)
    return calls


def _mission(event_factory, n: int):
    start = datetime(2026, 12, 7, 8, 0)
    return [
        event_factory(
            uid=f"{i:04d}@events.example.org",
            starts_local=start + timedelta(minutes=15 * i),
            ends_local=start + timedelta(minutes=15 * i + 60),
            summary=f"Session {i}",
        )
        for i in range(n)
    ]


def test_cache_re_renders_only_the_event_that_changed(event_factory, counted_renders):
    meta = CalendarMeta("Mission", None, "Asia/Bishkek")
    events = _mission(event_factory, 1000)
    cache = EventCache()
    first = render_calendar(meta, events, cache=cache)
    assert len(counted_renders) == 1000
    counted_renders.clear()
    assert render_calendar(meta, events, cache=cache) == first
    assert counted_renders == []
    moved = dataclasses.replace(events[500], sequence=1, summary="Session 500 (moved)")
    changed = [*events[:500], moved, *events[501:]]
    second = render_calendar(meta, changed, cache=cache)
    assert counted_renders == [moved.uid]
    assert second == render_calendar(meta, changed)  # the cache never changes the bytes
    assert b"Session 500 (moved)" in second


def test_cache_forgets_the_least_recently_used_events_first(event_factory):
    a, b, c = _mission(event_factory, 3)
    cache = EventCache(maxsize=2)
    cache.put(a, b"A")
    cache.put(b, b"B")
    assert cache.get(a) == b"A"  # a is now the most recent
    cache.put(c, b"C")
    assert b not in cache
    assert a in cache
    assert c in cache
    assert len(cache) == 2
    assert (cache.hits, cache.misses) == (1, 0)


def test_cache_size_must_be_positive():
    with pytest.raises(ValueError, match="maxsize"):
        EventCache(maxsize=0)


@pytest.mark.parametrize("padding", range(8))
def test_folds_fall_between_characters_wherever_the_names_land(event_factory, padding):
    # Shifting the text by one octet at a time moves every fold across the
    # two-byte letters, so a fold inside a UTF-8 sequence would show up here.
    names = "Ira Raciņa, Айда Исмаилова, Arstanbeks Tazabekovs; "
    summary = "x" * padding + names * 4
    data = render_event(event_factory(summary=summary, description=names * 6))
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")
    assert str(Event.from_ical(data)["SUMMARY"]) == summary


@pytest.mark.parametrize(("before", "trigger"), [(timedelta(minutes=15), b"-PT15M"), (timedelta(hours=1), b"-PT1H"),
                                                (timedelta(days=1), b"-P1D")])
def test_a_reminder_is_a_display_alarm_inside_the_event(event_factory, before, trigger) -> None:
    event = event_factory(alarm_before=before, alarm_text="Reminder: Site visit")
    lines = _lines(render_event(event))
    start = lines.index(b"BEGIN:VALARM")
    assert lines[start:start + 5] == [
        b"BEGIN:VALARM", b"ACTION:DISPLAY", b"TRIGGER:" + trigger, b"DESCRIPTION:Reminder: Site visit", b"END:VALARM"
    ]
    assert lines[start + 5] == b"END:VEVENT"
    [alarm] = Event.from_ical(render_event(event)).walk("VALARM")
    assert alarm.decoded("TRIGGER") == -before


def test_a_cancelled_event_reminds_nobody(event_factory) -> None:
    event = event_factory(status=EventStatus.CANCELLED, alarm_before=timedelta(hours=1), alarm_text="Reminder")
    assert b"VALARM" not in render_event(event)


def test_an_alarm_comes_before_the_start_and_says_something(event_factory) -> None:
    with pytest.raises(ValueError):
        event_factory(alarm_before=timedelta(0), alarm_text="Reminder")
    with pytest.raises(ValueError):
        event_factory(alarm_before=timedelta(hours=1), alarm_text=" ")

"""Fixtures for the calendar tests: event factory and an independent VTIMEZONE reader."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import vobject
from dateutil.rrule import rrulestr

from eventhub.calendar import CalendarEvent, EventStatus

UTC = UTC


def make_event(**changes: Any) -> CalendarEvent:
    base = CalendarEvent(
        uid="0001@events.example.org",
        sequence=0,
        last_modified=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        starts_local=datetime(2026, 12, 8, 10, 0),
        ends_local=datetime(2026, 12, 8, 11, 30),
        timezone="Asia/Bishkek",
        summary="Workshop",
        description="",
        location=None,
        geo=None,
        categories=(),
        status=EventStatus.CONFIRMED,
        url=None,
    )
    return dataclasses.replace(base, **changes)


@pytest.fixture
def event_factory() -> Callable[..., CalendarEvent]:
    return make_event


class ObservanceReader:
    """What a VTIMEZONE says the UTC offset is at an instant, read the RFC 5545 way.

    Parsed with vobject (no transformation) and expanded with dateutil's rrule: each
    observance's onsets are DTSTART, its RRULE and RDATE instances, read in
    TZOFFSETFROM; the offset at an instant is TZOFFSETTO of the latest onset.
    Nothing here comes from eventhub's own computation.
    """

    def __init__(self, vtimezone_text: str, until: datetime) -> None:
        component = vobject.readOne(vtimezone_text, transform=False)
        self.names: list[str] = []
        self.onsets: list[tuple[datetime, timedelta, str]] = []
        for observance in component.components():
            self.names.append(observance.name)
            dtstart = datetime.strptime(observance.dtstart.value, "%Y%m%dT%H%M%S")
            before = _offset(observance.tzoffsetfrom.value)
            after = _offset(observance.tzoffsetto.value)
            locals_ = [dtstart]
            for line in observance.contents.get("rrule", []):
                locals_ += list(rrulestr(line.value, dtstart=dtstart).between(dtstart, until, inc=True))
            for line in observance.contents.get("rdate", []):
                locals_ += [datetime.strptime(v, "%Y%m%dT%H%M%S") for v in line.value.split(",")]
            for local in locals_:
                self.onsets.append(((local - before).replace(tzinfo=UTC), after, observance.name))
        self.onsets.sort()

    def offset(self, instant: datetime) -> timedelta:
        started = [after for onset, after, _ in self.onsets if onset <= instant]
        assert started, f"no observance has begun at {instant}"
        return started[-1]


def _offset(text: str) -> timedelta:
    sign = -1 if text[0] == "-" else 1
    digits = text[1:]
    seconds = int(digits[:2]) * 3600 + int(digits[2:4]) * 60 + (int(digits[4:6]) if len(digits) > 4 else 0)
    return sign * timedelta(seconds=seconds)


def zoneinfo_transitions(zone: str, start: datetime, end: datetime) -> list[datetime]:
    """Instants at which zoneinfo's offset changes, found by scanning hourly and bisecting."""
    tz = ZoneInfo(zone)
    found = []
    step = timedelta(hours=1)
    cursor = start
    while cursor < end:
        nxt = cursor + step
        if cursor.astimezone(tz).utcoffset() != nxt.astimezone(tz).utcoffset():
            low, high = cursor, nxt
            while high - low > timedelta(seconds=1):
                mid = low + (high - low) / 2
                if mid.astimezone(tz).utcoffset() == low.astimezone(tz).utcoffset():
                    low = mid
                else:
                    high = mid
            found.append(high.replace(microsecond=0))
        cursor = nxt
    return found


@pytest.fixture
def observance_reader() -> type[ObservanceReader]:
    return ObservanceReader


@pytest.fixture
def find_transitions() -> Callable[[str, datetime, datetime], list[datetime]]:
    return zoneinfo_transitions

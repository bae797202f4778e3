"""RFC 5545 feeds from plain objects: deterministic bytes, one cached VEVENT per event.

Nothing here reads a clock or draws a random number: the same input gives the same
bytes, which is what lets feeds answer with a strong ETag and 304s.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, vText
from icalendar.parser import Contentline
from icalendar.parser_tools import to_unicode
from icalendar.prop import vDDDTypes, vDuration, vGeo, vInt, vUri

from eventhub.calendar.model import CalendarEvent, CalendarMeta, EventStatus
from eventhub.calendar.tzif import load_zone
from eventhub.calendar.text import Text, TextList, clean
from eventhub.calendar.vtimezone import build_vtimezone, current_rules_year
from eventhub.domain.time import instant_of

PRODID = "-//eventhub//eventhub//EN"
_END = b"END:VCALENDAR\r\n"
_FOLD_AT = 75  # octets: icalendar folds a line that reaches this length


class EventCache:
    """A bounded LRU of rendered VEVENTs, keyed by the (hashable) event itself.

    Any change to an event makes a new key, so entries never go stale; the old
    ones simply age out. Each operation holds a lock and never awaits, so it is
    safe from asyncio tasks and from worker threads alike.
    """

    def __init__(self, maxsize: int = 20_000) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be positive")
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[CalendarEvent, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, event: CalendarEvent) -> bytes | None:
        with self._lock:
            data = self._entries.get(event)
            if data is None:
                self.misses += 1
                return None
            self._entries.move_to_end(event)
            self.hits += 1
            return data

    def put(self, event: CalendarEvent, data: bytes) -> None:
        with self._lock:
            self._entries[event] = data
            self._entries.move_to_end(event)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, event: object) -> bool:
        return event in self._entries


def render_event(event: CalendarEvent) -> bytes:
    """One VEVENT, folded, with CRLF line ends.

    Every value is encoded by icalendar's own property types and every line folded by
    icalendar, exactly as `Event.add(...)` and `Event.to_ical()` would; only the container
    is left out: building an `Event` and walking it back out cost more than all the rest,
    and gave not one byte more (tests/perf/test_render_equivalence.py checks the bytes).
    """
    ZoneInfo(event.timezone)  # an unknown zone must fail here, not in a subscriber's client
    status = EventStatus(event.status)  # also accepts the plain string a caller may pass
    cancelled = status is EventStatus.CANCELLED
    stamp = vDDDTypes(event.last_modified.astimezone(UTC).replace(microsecond=0))
    lines = [
        b"BEGIN:VEVENT",
        _line("UID", Text(event.uid)),
        _line("DTSTAMP", stamp),
        _line("LAST-MODIFIED", stamp),
        _line("SEQUENCE", vInt(event.sequence)),
        _line("DTSTART", _local_time(event.starts_local, event.timezone)),
        _line("DTEND", _local_time(event.ends_local, event.timezone)),
        _line("SUMMARY", Text(event.summary)),
    ]
    if clean(event.description).strip():
        lines.append(_line("DESCRIPTION", Text(event.description)))
    if event.location and clean(event.location).strip():
        lines.append(_line("LOCATION", Text(event.location)))
    if event.geo is not None:
        # "+ 0.0" turns -0.0 into 0.0: equal events (one cache key) must give equal bytes.
        lines.append(_line("GEO", vGeo((event.geo[0] + 0.0, event.geo[1] + 0.0))))
    if event.categories:
        lines.append(_line("CATEGORIES", TextList(event.categories)))
    lines.append(_line("STATUS", vText(status.value)))
    if event.url:
        lines.append(_line("URL", vUri(_uri(event.url))))
    # A cancelled session should no longer block the subscriber's time.
    lines.append(_line("TRANSP", vText("TRANSPARENT" if cancelled else "OPAQUE")))
    if event.alarm_before is not None and not cancelled:  # nobody wants a reminder of what will not happen
        lines += [
            b"BEGIN:VALARM",
            _line("ACTION", vText("DISPLAY")),
            _line("TRIGGER", vDuration(-event.alarm_before)),
            _line("DESCRIPTION", Text(event.alarm_text)),
            b"END:VALARM",
        ]
    lines.append(b"END:VEVENT\r\n")
    return b"\r\n".join(lines)


_UNSTAMPED = datetime(2000, 1, 1, tzinfo=UTC)


def content_digest(event: CalendarEvent, cache: EventCache | None = None) -> str:
    """The digest of everything a calendar shows of `event` but its SEQUENCE, DTSTAMP and
    LAST-MODIFIED: the bytes it renders to with those three fixed, and the instants its wall
    times mean under the zone rules of the moment (new tzdata moves an event without
    changing its lines: the VTIMEZONE says it)."""
    unstamped = dataclasses.replace(event, sequence=0, last_modified=_UNSTAMPED)
    data = cache.get(unstamped) if cache is not None else None
    if data is None:
        data = render_event(unstamped)
        if cache is not None:
            cache.put(unstamped, data)
    instants = f"{instant_of(event.starts_local, event.timezone)}/{instant_of(event.ends_local, event.timezone)}"
    return hashlib.sha256(data + instants.encode("ascii")).hexdigest()


def _local_time(wall: datetime, zone: str) -> vDDDTypes:
    # As Event.add(name, wall, parameters={"TZID": zone}) makes it.
    value = vDDDTypes(wall.replace(microsecond=0))
    value.params["TZID"] = zone
    return value


def _line(name: str, value: Any) -> bytes:
    """A content line as `Contentline.from_parts` writes it, folded by icalendar; a line
    shorter than 75 octets comes out of the fold unchanged, so it skips the fold."""
    parameters = getattr(value, "params", None)
    written = to_unicode(parameters.to_ical(sorted=False)) if parameters else ""
    text = f"{name};{written}:" if written else f"{name}:"
    text += to_unicode(value.to_ical())
    data = text.encode("utf-8")
    if len(data) < _FOLD_AT:
        return data
    folded: bytes = Contentline(text).to_ical()
    return folded


def render_calendar(meta: CalendarMeta, events: Iterable[CalendarEvent], *, cache: EventCache | None = None) -> bytes:
    """A complete VCALENDAR: header, one VTIMEZONE per zone used, events by start."""
    ordered = sorted(events, key=_start_order)
    uids = [event.uid for event in ordered]
    if len(set(uids)) != len(uids):
        raise ValueError("two events share a UID; clients would keep only one of them")
    years: dict[str, tuple[int, int]] = {}
    for event in ordered:
        low, high = years.get(event.timezone, (event.starts_local.year, event.ends_local.year))
        years[event.timezone] = (min(low, event.starts_local.year), max(high, event.ends_local.year))
    if not years:
        # RFC 5545 wants at least one component even in an empty calendar.
        year = current_rules_year(meta.timezone)
        years[meta.timezone] = (year, year)
    parts = [_header(meta)]
    parts += [vtimezone_bytes(zone, *years[zone]) for zone in sorted(years)]
    for event in ordered:
        data = cache.get(event) if cache is not None else None
        if data is None:
            data = render_event(event)
            if cache is not None:
                cache.put(event, data)
        parts.append(data)
    parts.append(_END)
    return b"".join(parts)


def _header(meta: CalendarMeta) -> bytes:
    ZoneInfo(meta.timezone)
    calendar = Calendar()
    calendar.add("VERSION", "2.0")
    calendar.add("PRODID", PRODID)
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    calendar.add("X-WR-CALNAME", Text(meta.name))
    calendar.add("NAME", Text(meta.name))
    if meta.description:
        calendar.add("X-WR-CALDESC", Text(meta.description))
        calendar.add("DESCRIPTION", Text(meta.description))
    calendar.add("X-WR-TIMEZONE", meta.timezone)
    refresh = f"PT{meta.refresh_minutes}M"
    calendar.add("REFRESH-INTERVAL", vText(refresh), parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vText(refresh))
    head: bytes = calendar.to_ical(sorted=False)
    assert head.endswith(_END)
    return head[: -len(_END)]


@functools.lru_cache(maxsize=512)
def vtimezone_bytes(zone: str, first_year: int, last_year: int) -> bytes:
    # Whole years, so that adding an event within the same years changes no byte.
    vtimezone = build_vtimezone(zone, date(first_year, 1, 1), date(last_year, 12, 31))
    data: bytes = vtimezone.to_ical(sorted=False)
    return data


def _uri(url: str) -> str:
    if any(char.isspace() or ord(char) < 32 for char in url):
        raise ValueError(f"URL must not contain whitespace or control characters: {url!r}")
    return url


def _start_order(event: CalendarEvent) -> tuple[datetime, str]:
    # fold=0: an ambiguous wall time means its first occurrence, as RFC 5545 reads it.
    local = event.starts_local.replace(fold=0, tzinfo=ZoneInfo(event.timezone))
    return local.astimezone(UTC), event.uid


def clear_zone_caches() -> None:
    """Forget rendered VTIMEZONEs and parsed zone files (after tzdata changed)."""
    vtimezone_bytes.cache_clear()
    load_zone.cache_clear()


__all__ = ["PRODID", "EventCache", "content_digest", "clear_zone_caches", "render_calendar", "render_event"]

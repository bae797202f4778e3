"""Wall-clock time in an IANA zone, and the UTC instants derived from it.

A session is stored as the wall time people read on the programme plus its zone;
UTC is derived (and re-derivable when tzdata changes). zoneinfo's `fold=0` picks the
first of two ambiguous fall-back times, which is what the contract asks for.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import pendulum

from eventhub.domain.errors import InvalidInput


@lru_cache(maxsize=1)
def zone_names() -> frozenset[str]:
    """The IANA zones this server takes (the OpenAPI document lists them): those of its
    tzdata, not any file zoneinfo would open (`posixrules`, `right/...`)."""
    return frozenset(available_timezones())


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    """The zone called `name`, or a 422-class error naming the bad value."""
    try:
        if name not in zone_names():
            raise ZoneInfoNotFoundError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(
            f"Unknown time zone {name!r}: use an IANA name such as 'Asia/Bishkek'.",
            code="unknown_timezone",
            field="timezone",
        ) from exc


def reload_zone_rules() -> None:
    """Forget cached zone rules (after tzdata was updated or substituted)."""
    zone.cache_clear()
    zone_names.cache_clear()
    ZoneInfo.clear_cache()


def instant_of(wall: datetime, zone_name: str) -> datetime:
    """UTC instant of a stored wall time under the current rules, never refusing: a time
    that new rules skip is read as zoneinfo reads it (shifted by the gap)."""
    return wall.replace(tzinfo=zone(zone_name), fold=0).astimezone(UTC)


def check_zone_name(name: str) -> str:
    zone(name)
    return name


def parse_local_datetime(text: str, *, field: str) -> datetime:
    """Parse an ISO 8601 date-time, with or without an offset."""
    try:
        value = datetime.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(
            f"{field} must be an ISO 8601 date-time such as 2026-12-08T10:00, got {text!r}.",
            code="invalid_datetime",
            field=field,
        ) from exc
    return value


def wall_time_in_zone(value: datetime, zone_name: str, *, field: str) -> datetime:
    """The naive wall time in `zone_name` that `value` means.

    An aware value is converted; a naive one is taken as already local, and must exist.
    """
    tz = zone(zone_name)
    if value.tzinfo is not None:
        return value.astimezone(tz).replace(tzinfo=None, microsecond=0, fold=0)
    wall = value.replace(microsecond=0, fold=0)
    to_utc(wall, zone_name, field=field)
    return wall


def to_utc(wall: datetime, zone_name: str, *, field: str = "starts_at") -> datetime:
    """UTC instant of a wall time; a time skipped by a spring-forward change is refused."""
    tz = zone(zone_name)
    instant = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != wall.replace(fold=0):
        raise InvalidInput(
            f"{field} {wall.isoformat(timespec='minutes')} does not exist in {zone_name}: "
            "the clocks skip it when daylight saving time starts.",
            code="nonexistent_local_time",
            field=field,
        )
    return instant


def with_offset(wall: datetime, zone_name: str) -> datetime:
    """The wall time as an aware datetime carrying the zone's offset at that moment."""
    return wall.replace(tzinfo=zone(zone_name), fold=0)


def offset_label(moment: datetime) -> str:
    """'UTC+05:00', 'UTC-03:30': an aware moment's offset, written the one way mail and pages write it."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{'-' if offset < timedelta(0) else '+'}{minutes // 60:02d}:{minutes % 60:02d}"


def local_date(instant: datetime, zone_name: str) -> date:
    return instant.astimezone(zone(zone_name)).date()


def utc_bounds_of_day(day: date, zone_name: str) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day in UTC (23 or 25 hours long on DST days)."""
    tz = zone(zone_name)
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def next_monday(today: date) -> date:
    """The Monday of next week (a week ahead when today is Monday)."""
    return pendulum.Date(today.year, today.month, today.day).next(pendulum.MONDAY)

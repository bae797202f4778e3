"""Plain, hashable inputs of the calendar renderer.

They are hashable so that a rendered event can be cached under the event itself:
any change to any field is a different key.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class EventStatus(StrEnum):
    CONFIRMED = "CONFIRMED"
    TENTATIVE = "TENTATIVE"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    uid: str
    """Full UID, already unique across installations, e.g. "3f2b...@events.example.org"."""
    sequence: int
    last_modified: datetime
    """Aware; also written as DTSTAMP so that an unchanged feed is byte-identical."""
    starts_local: datetime
    """Naive wall-clock time in `timezone`."""
    ends_local: datetime
    """Naive wall-clock time in `timezone`."""
    timezone: str
    """IANA name, e.g. "Europe/Riga"."""
    summary: str
    description: str
    """Already composed text (description, speakers, link)."""
    location: str | None
    geo: tuple[float, float] | None
    """(latitude, longitude)."""
    categories: tuple[str, ...]
    status: EventStatus
    url: str | None
    alarm_before: timedelta | None = None
    """A VALARM this long before the start (personal feeds only); None: no alarm."""
    alarm_text: str = ""
    """The alarm's DESCRIPTION (what the reminder says)."""

    def __post_init__(self) -> None:
        if not self.uid.strip():
            raise ValueError("uid must not be empty")
        if self.sequence < 0:
            raise ValueError("sequence must not be negative")
        if self.last_modified.utcoffset() is None:
            raise ValueError("last_modified must be timezone-aware")
        if self.starts_local.tzinfo is not None or self.ends_local.tzinfo is not None:
            raise ValueError("starts_local and ends_local are wall-clock times without tzinfo")
        if self.ends_local <= self.starts_local:
            raise ValueError("ends_local must be after starts_local")
        if self.alarm_before is not None and (self.alarm_before <= timedelta(0) or not self.alarm_text.strip()):
            raise ValueError("an alarm comes before the start and says something")
        if self.geo is not None:
            latitude, longitude = self.geo
            # NaN would also make the event unequal to itself, defeating the cache.
            if not (math.isfinite(latitude) and math.isfinite(longitude)):
                raise ValueError("geo must be finite")
            if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                raise ValueError("geo is (latitude, longitude) in degrees")


@dataclass(frozen=True, slots=True)
class CalendarMeta:
    name: str
    """X-WR-CALNAME and NAME."""
    description: str | None
    """X-WR-CALDESC and DESCRIPTION."""
    timezone: str
    """X-WR-TIMEZONE: the zone clients show the calendar in by default."""
    refresh_minutes: int = 60
    """REFRESH-INTERVAL and X-PUBLISHED-TTL: how often clients should poll."""

    def __post_init__(self) -> None:
        if self.refresh_minutes < 1:
            raise ValueError("refresh_minutes must be positive")

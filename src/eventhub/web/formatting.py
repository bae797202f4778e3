"""How dates, times, zones and languages read on the pages: in the page's language, by
CLDR (eventhub.i18n), always on the 24-hour clock."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from babel.dates import get_timezone_location

from eventhub import i18n
from eventhub.domain.time import offset_label, zone


class Dated(Protocol):
    @property
    def starts_on(self) -> date: ...

    @property
    def ends_on(self) -> date: ...


def day_heading(day: date) -> str:
    """'Monday, 7 December 2026', 'понедельник, 7 декабря 2026 г.'."""
    return i18n.current().weekday_date(day)


def short_day(day: date) -> str:
    """'Mon 7 Dec', 'пн, 7 дек.'."""
    return i18n.current().short_date(day)


def clock(moment: datetime) -> str:
    return i18n.current().clock(moment)


def zone_label(zone_name: str, on: date | datetime) -> str:
    """'Asia/Bishkek, UTC+06:00': the zone by name, and its offset at an aware moment (or
    at noon of a day), written as mail writes it (`offset_label`)."""
    tz = zone(zone_name)
    moment = on.astimezone(tz) if isinstance(on, datetime) else datetime(on.year, on.month, on.day, 12, tzinfo=tz)
    return f"{zone_name}, {offset_label(moment)}"


def city_of(zone_name: str) -> str:
    """The zone's city in the page's language ('Bishkek', 'Бишкек', 'Biškeka')."""
    try:
        return str(get_timezone_location(zone_name, locale=i18n.current().locale, return_city=True))
    except LookupError:
        return zone_name.rsplit("/", 1)[-1].replace("_", " ")


def mission_dates(mission: Dated) -> str:
    return i18n.current().date_range(mission.starts_on, mission.ends_on)


def language_name(tag: str | None) -> str:
    return i18n.current().language_name(tag) if tag else ""

"""How dates, times, zones and languages read on the pages (English, 24-hour clock)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from eventhub.domain.time import zone


class Dated(Protocol):
    @property
    def starts_on(self) -> date: ...

    @property
    def ends_on(self) -> date: ...


# Languages a mission's sessions are likely held in; other tags are shown as written.
LANGUAGES = {
    "en": "English",
    "ru": "Russian",
    "ky": "Kyrgyz",
    "lv": "Latvian",
    "lt": "Lithuanian",
    "et": "Estonian",
    "kk": "Kazakh",
    "uz": "Uzbek",
    "de": "German",
    "fr": "French",
    "uk": "Ukrainian",
    "pl": "Polish",
}


def day_heading(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def short_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def clock(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def zone_label(zone_name: str, on: date) -> str:
    """'Asia/Bishkek, UTC+06:00': the zone by name, and its offset on the given day."""
    offset = datetime(on.year, on.month, on.day, 12, tzinfo=zone(zone_name)).strftime("%z")
    return f"{zone_name}, UTC{offset[:3]}:{offset[3:]}"


def city_of(zone_name: str) -> str:
    return zone_name.rsplit("/", 1)[-1].replace("_", " ")


def mission_dates(mission: Dated) -> str:
    start, end = mission.starts_on, mission.ends_on
    if start == end:
        return day_heading(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%B %Y}"
    return f"{start.day} {start:%B} – {end.day} {end:%B %Y}"

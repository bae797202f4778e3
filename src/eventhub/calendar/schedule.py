"""A programme as conference apps read it: frab/Pentabarf `schedule.xml` and the c3voc
`schedule.json` (Giggity, EventFahrplan, ConfClerk), from plain objects.

Like the iCalendar renderer, nothing here reads a clock or draws a random number: the
same programme gives the same bytes. Identifiers are stable: an event's guid is the
session's calendar UID, a room's and a person's are UUIDv5 of their public URL (never of
an e-mail address, which is not public).
"""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from xml.etree import ElementTree

from eventhub.domain.time import with_offset

GENERATOR = "eventhub"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# c3voc's time_zone_name pattern: IANA names such as Asia/Bishkek, or UTC.
_ZONE_PATTERN = re.compile(r"^[A-Z][a-z]+/[A-Z][a-z]+")
# The JSON "type" vocabulary, for each kind of session.
_JSON_TYPES = {
    "workshop": "WORKSHOP",
    "seminar": "TALK",
    "presentation": "TALK",
    "interactive": "DISCUSSION",
    "meeting": "MEETING",
    "site_visit": "OTHER",
    "networking": "MEETING",
    "other": "OTHER",
}


@dataclass(frozen=True, slots=True)
class ScheduleRoom:
    key: str  # a stable public identity, e.g. the venue's URL
    name: str
    capacity: int | None = None

    @property
    def guid(self) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, self.key))


@dataclass(frozen=True, slots=True)
class SchedulePerson:
    id: int
    key: str
    name: str
    role: str  # speaker | host | moderator

    @property
    def guid(self) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, self.key))


@dataclass(frozen=True, slots=True)
class ScheduleEvent:
    id: int
    guid: str  # a UUID
    title: str
    kind: str  # a session kind's value
    kind_label: str
    starts_local: datetime  # wall-clock, naive, in `timezone`
    ends_local: datetime
    timezone: str
    room: ScheduleRoom
    description: str
    language: str | None
    persons: tuple[SchedulePerson, ...]
    url: str
    cancelled: bool = False

    @property
    def start(self) -> datetime:
        return with_offset(self.starts_local, self.timezone)

    @property
    def end(self) -> datetime:
        return with_offset(self.ends_local, self.timezone)


@dataclass(frozen=True, slots=True)
class Schedule:
    acronym_source: str  # the mission's slug
    title: str
    summary: str
    timezone: str
    starts_on: date
    ends_on: date
    url: str  # the public agenda
    feed_url: str  # where this export lives, without its extension
    version: str
    generator_version: str
    events: tuple[ScheduleEvent, ...]

    @property
    def acronym(self) -> str:
        """Both formats' acronym: lowercase letters, digits and underscores, four or more."""
        return re.sub(r"[^a-z0-9_]", "_", self.acronym_source.lower()).ljust(4, "_")

    @property
    def days(self) -> list[date]:
        return [self.starts_on + timedelta(days=n) for n in range((self.ends_on - self.starts_on).days + 1)]

    def day_bounds(self, day: date) -> tuple[datetime, datetime]:
        start = datetime.combine(day, datetime.min.time())
        return with_offset(start, self.timezone), with_offset(start + timedelta(days=1), self.timezone)

    def event_slug(self, event: ScheduleEvent) -> str:
        words = _ascii_slug(event.title)
        if len(words) < 3:  # schedule.xml wants four characters or more after the acronym
            words = f"session-{words}".rstrip("-")
        return f"{self.acronym}-{event.id}-{words}"[:120].rstrip("-_")


def render_schedule_xml(schedule: Schedule) -> bytes:
    root = ElementTree.Element("schedule")
    ElementTree.SubElement(root, "generator", name=GENERATOR, version=schedule.generator_version)
    _text(root, "url", f"{schedule.feed_url}.xml")
    _text(root, "version", schedule.version)
    conference = ElementTree.SubElement(root, "conference")
    _text(conference, "title", schedule.title)
    _text(conference, "acronym", schedule.acronym)
    _text(conference, "start", schedule.starts_on.isoformat())
    _text(conference, "end", schedule.ends_on.isoformat())
    _text(conference, "days", str(len(schedule.days)))
    _text(conference, "timeslot_duration", "00:05")
    _text(conference, "base_url", schedule.url + "/")
    _text(conference, "url", schedule.url)
    _text(conference, "time_zone_name", schedule.timezone)

    live = [e for e in schedule.events if not e.cancelled]  # frab has no cancelled state: they leave
    for index, day in enumerate(schedule.days, start=1):
        start, end = schedule.day_bounds(day)
        day_element = ElementTree.SubElement(
            root, "day", date=day.isoformat(), start=start.isoformat(), end=end.isoformat(), index=str(index)
        )
        todays = [e for e in live if e.starts_local.date() == day]
        for room in _rooms(todays):
            room_element = ElementTree.SubElement(day_element, "room", name=_clean(room.name), guid=room.guid)
            for event in (e for e in todays if e.room == room):
                _xml_event(room_element, schedule, event)
    ElementTree.indent(root)
    body: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return body + b"\n"


def _xml_event(parent: ElementTree.Element, schedule: Schedule, event: ScheduleEvent) -> None:
    element = ElementTree.SubElement(parent, "event", guid=event.guid, id=str(event.id))
    _text(element, "room", event.room.name)
    _text(element, "title", event.title)
    _text(element, "subtitle", "")
    _text(element, "type", event.kind_label)
    _text(element, "date", event.start.isoformat())
    _text(element, "start", f"{event.starts_local:%H:%M}")
    _text(element, "duration", _clock_duration(event.end - event.start))
    _text(element, "abstract", _abstract(event.description))
    _text(element, "slug", schedule.event_slug(event))
    _text(element, "track", event.kind_label)
    persons = ElementTree.SubElement(element, "persons")
    for person in event.persons:
        tag = ElementTree.SubElement(persons, "person", id=str(person.id), guid=person.guid)
        tag.text = _clean(person.name)
    if event.language:
        _text(element, "language", event.language)
    _text(element, "description", event.description)
    ElementTree.SubElement(element, "links")
    _text(element, "url", event.url)


def render_schedule_json(schedule: Schedule) -> bytes:
    conference: dict[str, object] = {
        "acronym": schedule.acronym,
        "title": schedule.title,
        "description": schedule.summary or None,
        "start": schedule.day_bounds(schedule.starts_on)[0].isoformat(),
        "end": schedule.day_bounds(schedule.ends_on)[1].isoformat(),
        "timeslot_duration": "PT5M",
        "url": schedule.url,
        "rooms": [
            {"name": room.name, "guid": room.guid, **({"capacity": room.capacity} if room.capacity is not None else {})}
            for room in _rooms(list(schedule.events))
        ],
        "days": [
            {"index": index, "date": day.isoformat(), "start": bounds[0].isoformat(), "end": bounds[1].isoformat()}
            for index, day in enumerate(schedule.days, start=1)
            for bounds in [schedule.day_bounds(day)]
        ],
    }
    if _ZONE_PATTERN.match(schedule.timezone) or schedule.timezone == "UTC":
        conference["time_zone_name"] = schedule.timezone
    document = {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": GENERATOR, "version": schedule.generator_version},
        "schedule": {
            "url": f"{schedule.feed_url}.json",
            "version": schedule.version,
            "conference": conference,
            "events": [_json_event(schedule, event) for event in schedule.events],
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def _json_event(schedule: Schedule, event: ScheduleEvent) -> dict[str, object]:
    return {
        "guid": event.guid,
        "start": event.start.isoformat(),
        "end": event.end.isoformat(),
        "room": {"name": event.room.name, "guid": event.room.guid},
        "slug": schedule.event_slug(event),
        "url": event.url,
        "title": event.title,
        "subtitle": None,
        "track": {"slug": event.kind.replace("_", "-")},
        "type": _JSON_TYPES.get(event.kind, "OTHER"),
        "language": _language(event.language),
        "abstract": _abstract(event.description) or None,
        "description": event.description or None,
        "participants": [
            {"name": person.name, "role": person.role.upper(), "guid": person.guid} for person in event.persons
        ],
        "links": [],
        "state": "CANCELED" if event.cancelled else "CONFIRMED",
    }


def _rooms(events: Sequence[ScheduleEvent]) -> list[ScheduleRoom]:
    return sorted({e.room for e in events}, key=lambda room: (room.name, room.key))


def _text(parent: ElementTree.Element, tag: str, value: str) -> None:
    ElementTree.SubElement(parent, tag).text = _clean(value)


def _clean(value: str) -> str:
    """XML 1.0 cannot carry most control characters; the input rules refuse them anyway."""
    return _CONTROL.sub("", value)


def _abstract(description: str) -> str:
    """The first paragraph: what apps show in a list."""
    return description.strip().split("\n\n", 1)[0].strip()


def _clock_duration(length: timedelta) -> str:
    minutes = int(length.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _language(tag: str | None) -> str:
    primary = (tag or "").split("-")[0].lower()
    return primary if re.fullmatch(r"[a-z]{2}", primary) else "en"


def _ascii_slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")

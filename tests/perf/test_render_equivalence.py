"""`render_event` writes its lines itself (for speed) with icalendar's property types and
folding: it must give byte for byte what building an icalendar `Event` gives."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Event

from eventhub.calendar import CalendarEvent, EventStatus, render_event
from eventhub.calendar.render import _uri
from eventhub.calendar.text import Text, TextList, clean
from tests.conftest import FIXTURES


def through_icalendar_event(event: CalendarEvent) -> bytes:
    """The reference: the same properties added to an icalendar Event, serialized by it."""
    ZoneInfo(event.timezone)
    status = EventStatus(event.status)
    cancelled = status is EventStatus.CANCELLED
    stamp = event.last_modified.astimezone(UTC).replace(microsecond=0)
    vevent = Event()
    vevent.add("UID", Text(event.uid))
    vevent.add("DTSTAMP", stamp)
    vevent.add("LAST-MODIFIED", stamp)
    vevent.add("SEQUENCE", event.sequence)
    vevent.add("DTSTART", event.starts_local.replace(microsecond=0), parameters={"TZID": event.timezone})
    vevent.add("DTEND", event.ends_local.replace(microsecond=0), parameters={"TZID": event.timezone})
    vevent.add("SUMMARY", Text(event.summary))
    if clean(event.description).strip():
        vevent.add("DESCRIPTION", Text(event.description))
    if event.location and clean(event.location).strip():
        vevent.add("LOCATION", Text(event.location))
    if event.geo is not None:
        vevent.add("GEO", (event.geo[0] + 0.0, event.geo[1] + 0.0))
    if event.categories:
        vevent.add("CATEGORIES", TextList(event.categories))
    vevent.add("STATUS", status.value)
    if event.url:
        vevent.add("URL", _uri(event.url))
    vevent.add("TRANSP", "TRANSPARENT" if cancelled else "OPAQUE")
    data: bytes = vevent.to_ical(sorted=False)
    return data


def event(**fields: object) -> CalendarEvent:
    values: dict[str, object] = {
        "uid": "3f2b8c1e-0000-4000-8000-000000000001@events.example.org",
        "sequence": 0,
        "last_modified": datetime(2026, 11, 27, 9, 0, 12, 345678, tzinfo=UTC),
        "starts_local": datetime(2026, 12, 7, 10, 0),
        "ends_local": datetime(2026, 12, 7, 11, 30),
        "timezone": "Asia/Bishkek",
        "summary": "Workshop",
        "description": "",
        "location": None,
        "geo": None,
        "categories": ("Workshop",),
        "status": EventStatus.CONFIRMED,
        "url": "https://events.example.org/missions/x/sessions/1",
    }
    values.update(fields)
    return CalendarEvent(**values)  # type: ignore[arg-type]


def test_every_session_of_the_bishkek_fixture_renders_as_icalendar_would() -> None:
    data = json.loads((FIXTURES / "bishkek-2026.json").read_text(encoding="utf-8"))
    venues = {v["key"]: v for v in data["venues"]}
    for n, session in enumerate(data["sessions"]):
        venue = venues.get(session.get("venue") or "")
        one = event(
            uid=f"session-{n}@events.example.org",
            sequence=n,
            starts_local=datetime.fromisoformat(session["starts_at"]),
            ends_local=datetime.fromisoformat(session["ends_at"]),
            summary=session["title"],
            description=session["description"],
            location=f"{venue['name']}, {venue['address']}" if venue else session.get("online_url"),
            geo=(venue["latitude"], venue["longitude"]) if venue and venue.get("latitude") is not None else None,
            status=EventStatus.CANCELLED if n % 5 == 0 else EventStatus.CONFIRMED,
        )
        assert render_event(one) == through_icalendar_event(one)


def test_edge_cases_render_as_icalendar_would() -> None:
    cases = [
        event(timezone="UTC"),
        event(timezone="America/Argentina/Buenos_Aires", sequence=2_000_000),
        event(geo=(-0.0, -179.9999999), location="  "),
        event(summary="\ufeffStarts with a byte-order mark", description="\ufeff"),
        event(summary="x" * 74, description="ā" * 40, location="€" * 30),
        event(summary="Line\nbreaks\r\nand \\ back\\slashes; commas, semicolons", description="C:\\New\\folder"),
        event(categories=("Site visit", "a,b;c"), url=None, status="TENTATIVE"),
        event(uid="u" * 200 + "@events.example.org", status=EventStatus.CANCELLED, summary="Cancelled: already"),
        event(last_modified=datetime(2026, 3, 29, 3, 30, tzinfo=ZoneInfo("Europe/Riga")) + timedelta(microseconds=1)),
    ]
    for one in cases:
        assert render_event(one) == through_icalendar_event(one), one


texts = st.text(st.characters(blacklist_categories=["Cs"]), max_size=300)


@settings(max_examples=300, deadline=None)
@given(
    summary=texts.filter(lambda s: s.strip() != ""),
    description=texts,
    location=st.none() | texts,
    geo=st.none() | st.tuples(st.floats(-90, 90), st.floats(-180, 180)),
    sequence=st.integers(0, 2**31 - 1),
    cancelled=st.booleans(),
    categories=st.lists(texts.filter(lambda s: s != ""), max_size=3).map(tuple),
)
def test_any_event_renders_as_icalendar_would(
    summary: str, description: str, location: str | None, geo: tuple[float, float] | None, sequence: int,
    cancelled: bool, categories: tuple[str, ...],
) -> None:
    one = event(
        summary=summary, description=description, location=location, geo=geo, sequence=sequence,
        categories=categories, status=EventStatus.CANCELLED if cancelled else EventStatus.CONFIRMED,
    )
    assert render_event(one) == through_icalendar_event(one)

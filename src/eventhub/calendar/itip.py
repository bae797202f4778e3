"""iTIP messages (RFC 5546) for mail: one event as METHOD:REQUEST or METHOD:CANCEL.

Feeds never name an organizer; an invitation must (RFC 5546 requires ORGANIZER and
ATTENDEE), so this adds both to the same VEVENT the feeds render: same UID, same
SEQUENCE, so a mailed update replaces the entry a client already has.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from icalendar import Calendar, Event, vCalAddress

from eventhub.calendar.model import CalendarEvent
from eventhub.calendar.render import PRODID, vtimezone_bytes, render_event

_END_EVENT = b"END:VEVENT\r\n"


class ItipMethod(StrEnum):
    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


@dataclass(frozen=True, slots=True)
class Party:
    name: str
    email: str


def render_itip(event: CalendarEvent, method: ItipMethod, organizer: Party, attendee: Party) -> bytes:
    header = Calendar()
    header.add("VERSION", "2.0")
    header.add("PRODID", PRODID)
    header.add("CALSCALE", "GREGORIAN")
    header.add("METHOD", method.value)
    head = header.to_ical(sorted=False).removesuffix(b"END:VCALENDAR\r\n")
    zone = vtimezone_bytes(event.timezone, event.starts_local.year, event.ends_local.year)
    body = render_event(event)
    assert body.endswith(_END_EVENT)
    return head + zone + body[: -len(_END_EVENT)] + _parties(method, organizer, attendee) + _END_EVENT + b"END:VCALENDAR\r\n"


def _parties(method: ItipMethod, organizer: Party, attendee: Party) -> bytes:
    holder = Event()
    holder.add("ORGANIZER", vCalAddress(f"mailto:{organizer.email}"), parameters={"CN": organizer.name})
    holder.add(
        "ATTENDEE",
        vCalAddress(f"mailto:{attendee.email}"),
        parameters={
            "CN": attendee.name,
            "ROLE": "REQ-PARTICIPANT",
            # Registration already decided it: no RSVP buttons, the entry is simply added.
            "PARTSTAT": "ACCEPTED" if method == ItipMethod.REQUEST else "DECLINED",
            "RSVP": "FALSE",
        },
    )
    lines = holder.to_ical(sorted=False)
    return lines.removeprefix(b"BEGIN:VEVENT\r\n").removesuffix(b"END:VEVENT\r\n")

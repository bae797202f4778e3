"""A bilateral meeting as calendars show it: in both sides' personal feeds and in the
mail that tells them, with one UID, whoever reads it. Takes plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from eventhub.calendar.events import cancelled_summary
from eventhub.calendar.model import CalendarEvent, EventStatus
from eventhub.i18n import Translator


@dataclass(frozen=True, slots=True)
class MeetingFacts:
    """One side's view of a published meeting: who they meet, when (wall times in the
    mission's zone) and where."""

    uid: str
    sequence: int
    last_modified: datetime
    starts_local: datetime
    ends_local: datetime
    timezone: str
    cancelled: bool
    other_name: str
    other_organisation: str
    other_country: str
    other_offer: str
    other_seek: str
    table: str
    venue: str  # the venue's line (name, address), in the reader's language
    geo: tuple[float, float] | None = None
    message: str = ""  # what the requester wrote


def meeting_uid(uid: str, host: str) -> str:
    return f"meeting-{uid}@{host}"


def meeting_event(meeting: MeetingFacts, *, host: str, translator: Translator) -> CalendarEvent:
    t = translator
    who = (
        f"{meeting.other_name} ({meeting.other_organisation})" if meeting.other_organisation else meeting.other_name
    )
    parts = [t.gettext("Bilateral meeting with %(who)s, %(country)s.", who=who, country=meeting.other_country)]
    if meeting.other_offer.strip():
        parts.append(t.gettext("They offer: %(text)s", text=meeting.other_offer.strip()))
    if meeting.other_seek.strip():
        parts.append(t.gettext("They seek: %(text)s", text=meeting.other_seek.strip()))
    if meeting.message.strip():
        parts.append(t.gettext("The request said: %(text)s", text=meeting.message.strip()))
    return CalendarEvent(
        uid=meeting_uid(meeting.uid, host),
        sequence=meeting.sequence,
        last_modified=meeting.last_modified,
        starts_local=meeting.starts_local,
        ends_local=meeting.ends_local,
        timezone=meeting.timezone,
        summary=cancelled_summary(t.gettext("Meeting: %(who)s", who=who), t) if meeting.cancelled
        else t.gettext("Meeting: %(who)s", who=who),
        description="\n\n".join(parts),
        location=t.gettext("%(table)s, %(venue)s", table=meeting.table, venue=meeting.venue),
        geo=meeting.geo,
        categories=(t.gettext("Bilateral meeting"),),
        status=EventStatus.CANCELLED if meeting.cancelled else EventStatus.CONFIRMED,
        url=None,
    )

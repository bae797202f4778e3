"""What a mail says, as it was true when its event happened.

The outbox row of a seat or session mail keeps these facts (JSON in `outbox_message.facts`),
written in the transaction of the change, so a mail sent late still says what happened
then: a waitlist place stays "#2" even if the person has been promoted since, and the
promotion has its own mail after it. Facts hold no secret: links are derived from the
server key when the mail is composed, as before. Rows written before facts existed
are composed from the state at send time (`current_facts`).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import msgspec

from eventhub.domain.programme import CalendarFacts, RegistrationStatus
from eventhub.domain.time import with_offset, zone


class PlaceNote(msgspec.Struct, frozen=True, omit_defaults=True):
    """A venue as the mail names it (`venue_line` reads it like a venue)."""

    name: str
    address: str = ""
    translations: dict[str, dict[str, str]] = {}


class TimeAndPlace(msgspec.Struct, frozen=True, omit_defaults=True):
    """When and where: wall times carrying the offset they had then (tzdata may change since)."""

    starts_at: datetime
    ends_at: datetime
    timezone: str
    venue: PlaceNote | None = None
    online_url: str | None = None


class SessionNote(msgspec.Struct, frozen=True, omit_defaults=True):
    title: str
    slot: TimeAndPlace
    titles: dict[str, str] = {}  # the title's translations, by language
    cancel_reason: str | None = None


class MeetingNote(msgspec.Struct, frozen=True, omit_defaults=True):
    """A published meeting as its mail tells it: time, table and venue as published then,
    and the calendar revision that goes with them."""

    slot: TimeAndPlace
    table: str
    sequence: int
    published_at: datetime
    cancelled: bool = False
    geo: tuple[float, float] | None = None


class MailFacts(msgspec.Struct, frozen=True, omit_defaults=True):
    """The facts of one seat, session or meeting-plan mail."""

    organiser_name: str = ""  # who the mail comes from, as the mission named them
    status: RegistrationStatus | None = None  # the registration's, right after the event
    waitlist_position: int | None = None
    registration_id: int | None = None  # for the check-in code, derived when sent
    session: SessionNote | None = None
    was: TimeAndPlace | None = None  # a changed session's time and place before the change
    meeting: MeetingNote | None = None  # a scheduled, moved or cancelled meeting, as published
    meeting_was: MeetingNote | None = None  # a moved meeting as its sides knew it before

    def localized_title(self, language: str) -> str:
        assert self.session is not None
        return self.session.titles.get(language) or self.session.title


def encoded(facts: MailFacts) -> dict[str, Any]:
    """The column's value (SQLAlchemy writes it as JSON; JSONB on PostgreSQL)."""
    return msgspec.to_builtins(facts)  # type: ignore[no-any-return]


def decoded(value: Any) -> MailFacts:
    return msgspec.convert(value, MailFacts)


def _aware(wall: datetime, utc: datetime | None, zone_name: str) -> datetime:
    """The wall time with its offset: from the stored UTC instant where there is one (the
    rules it was derived under), else from the zone's current rules."""
    if utc is None:
        return with_offset(wall, zone_name)
    offset = wall - utc.astimezone(timezone.utc).replace(tzinfo=None)
    return wall.replace(tzinfo=timezone(timedelta(seconds=round(offset.total_seconds()))))


def place_note(venue: Any) -> PlaceNote | None:
    """A venue (ORM row, `Place`, or anything with name, address and translations)."""
    if venue is None:
        return None
    translations = {lang: dict(fields) for lang, fields in (venue.translations or {}).items()}
    return PlaceNote(venue.name, venue.address or "", translations)


def time_and_place(session: Any, venue: Any) -> TimeAndPlace:
    """A session's time and place now (an ORM session, or a row with the same columns)."""
    return TimeAndPlace(
        starts_at=_aware(session.starts_local, getattr(session, "starts_at_utc", None), session.timezone),
        ends_at=_aware(session.ends_local, getattr(session, "ends_at_utc", None), session.timezone),
        timezone=session.timezone,
        venue=place_note(venue),
        online_url=session.online_url or None,
    )


def time_and_place_before(before: CalendarFacts, online_url: str | None) -> TimeAndPlace:
    """A session's time and place as a calendar knew it before an edit."""
    return TimeAndPlace(
        starts_at=with_offset(before.starts_local, before.timezone),
        ends_at=with_offset(before.ends_local, before.timezone),
        timezone=before.timezone,
        venue=place_note(before.place),
        online_url=online_url or None,
    )


def session_note(session: Any, venue: Any) -> SessionNote:
    titles = {lang: fields["title"] for lang, fields in (session.translations or {}).items() if fields.get("title")}
    return SessionNote(session.title, time_and_place(session, venue), titles, session.cancel_reason or None)


def meeting_note(meeting: Any, venue: Any, zone_name: str) -> MeetingNote | None:
    """A meeting's published state (an ORM `Meeting`); None if it was never published."""
    if meeting.published_starts_at is None or meeting.published_ends_at is None:
        return None
    tz = zone(zone_name)
    geo = None
    if venue is not None and venue.latitude is not None and venue.longitude is not None:
        geo = (venue.latitude, venue.longitude)
    return MeetingNote(
        slot=TimeAndPlace(starts_at=meeting.published_starts_at.astimezone(tz),
                          ends_at=meeting.published_ends_at.astimezone(tz), timezone=zone_name, venue=place_note(venue)),
        table=meeting.published_table_name or "",
        sequence=meeting.sequence,
        published_at=meeting.published_at or meeting.updated_at,
        cancelled=meeting.published_cancelled,
        geo=geo,
    )


def current_facts(
    *, organiser_name: str, session: Any, registration: Any, waitlist_position: int | None
) -> MailFacts:
    """The facts as they are now: for outbox rows written before facts were kept."""
    return MailFacts(
        organiser_name=organiser_name,
        status=registration.status if registration is not None else None,
        waitlist_position=waitlist_position,
        registration_id=registration.id if registration is not None else None,
        session=session_note(session, session.venue) if session is not None else None,
    )

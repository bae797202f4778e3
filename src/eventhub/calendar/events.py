"""A programme session as calendars show it: in the mission feed, a session's own feed,
an attendee's personal feed and the invitations mail carries, with the same UID everywhere.

Takes plain data: anything shaped like `SessionFacts` (the ORM session satisfies it, and
so does `SessionRecord`, which the feed builds from one plain query row).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from eventhub.calendar.model import CalendarEvent, EventStatus
from eventhub.domain.programme import RegistrationStatus, SessionKind, SessionStatus
from eventhub.domain.translations import FrozenTranslations, Translations, localized
from eventhub.i18n import Translator, translator
from eventhub.i18n.labels import kind_label
from eventhub.richtext import plain_text
from eventhub.urls import Urls


class PersonFacts(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def affiliation(self) -> str: ...


class SpeakerFacts(Protocol):
    @property
    def person(self) -> PersonFacts: ...


class VenueFacts(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def address(self) -> str: ...
    @property
    def latitude(self) -> float | None: ...
    @property
    def longitude(self) -> float | None: ...
    @property
    def translations(self) -> Translations: ...


class SessionFacts(Protocol):
    """What an event is made of."""

    @property
    def id(self) -> int: ...
    @property
    def uid(self) -> str: ...
    @property
    def sequence(self) -> int: ...
    @property
    def updated_at(self) -> datetime: ...
    @property
    def starts_local(self) -> datetime: ...
    @property
    def ends_local(self) -> datetime: ...
    @property
    def timezone(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def online_url(self) -> str | None: ...
    @property
    def kind(self) -> SessionKind: ...
    @property
    def status(self) -> SessionStatus: ...
    @property
    def cancel_reason(self) -> str | None: ...
    @property
    def venue(self) -> VenueFacts | None: ...
    @property
    def speakers(self) -> Sequence[SpeakerFacts]: ...
    @property
    def translations(self) -> Translations: ...


class RegistrationFacts(Protocol):
    @property
    def status(self) -> RegistrationStatus: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...
    @property
    def confirmed_at(self) -> datetime | None: ...
    @property
    def cancelled_at(self) -> datetime | None: ...


def calendar_event(
    session: SessionFacts,
    *,
    urls: Urls,
    host: str,
    slug: str,
    status: EventStatus | None = None,
    summary: str | None = None,
    sequence: int | None = None,
    last_modified: datetime | None = None,
    translator: Translator | None = None,
    link_language: str | None = None,
    notice: str | None = None,
) -> CalendarEvent:
    """A session as calendars show it; the same UID wherever it appears (feeds and mail),
    whatever the language: `translator` gives its texts and picks its content translations
    (none: the original texts with English labels); `link_language` goes into its page's
    URL (none: the page speaks its reader's language); `notice` leads the description."""
    t = translator or _ORIGINAL
    language = t.language if translator is not None else None
    venue = session.venue
    session_url = urls.session(slug, session.id, link_language)
    # Back to draft after a feed showed it: it left the programme, as a cancelled one did.
    cancelled = session.status != SessionStatus.PUBLISHED
    status = status or (EventStatus.CANCELLED if cancelled else EventStatus.CONFIRMED)
    if summary is None:
        summary = localized(session.title, session.translations, "title", language).text
        if status == EventStatus.CANCELLED:
            summary = cancelled_summary(summary, t)
    return CalendarEvent(
        uid=f"{session.uid}@{host}",
        sequence=session.sequence if sequence is None else sequence,
        last_modified=session.updated_at if last_modified is None else last_modified,
        starts_local=session.starts_local,
        ends_local=session.ends_local,
        timezone=session.timezone,
        summary=summary,
        description=_description(session, session_url, t, language, notice),
        location=venue_line(venue, language) if venue else session.online_url,
        geo=(venue.latitude, venue.longitude)
        if venue and venue.latitude is not None and venue.longitude is not None
        else None,
        categories=(kind_label(session.kind, t),),
        status=status,
        url=session_url,
    )


def personal_event(
    registration: RegistrationFacts,
    session: SessionFacts,
    waitlist_position: int | None,
    *,
    urls: Urls,
    host: str,
    slug: str,
    translator: Translator | None = None,
    link_language: str | None = None,
    reminder: timedelta | None = None,
) -> CalendarEvent:
    """A session in its attendee's own feed: confirmed, tentative while waitlisted (the
    place in the title), cancelled when either the session or the registration is; with
    the attendee's `reminder` as an alarm that long before the start."""
    t = translator or _ORIGINAL
    title = localized(session.title, session.translations, "title", t.language if translator else None).text
    notice = None
    # Who ended it reads differently: the organisers' cancellation, or the attendee's own
    # place given up (the session itself goes ahead). Both leave calendars as cancelled.
    if session.status != SessionStatus.PUBLISHED:
        status, summary = EventStatus.CANCELLED, t.gettext("Cancelled by the organisers: %(title)s", title=title)
    elif registration.status == RegistrationStatus.CANCELLED:
        status, summary = EventStatus.CANCELLED, t.gettext("Registration cancelled: %(title)s", title=title)
        notice = t.gettext("Your registration for this session is cancelled. The session itself takes place as planned.")
    elif registration.status == RegistrationStatus.WAITLISTED:
        status, summary = EventStatus.TENTATIVE, t.gettext(
            "Waitlist #%(position)s: %(title)s", position=waitlist_position, title=title
        )
    else:
        status, summary = EventStatus.CONFIRMED, None
    event = calendar_event(
        session,
        urls=urls,
        host=host,
        slug=slug,
        status=status,
        summary=summary,
        notice=notice,
        sequence=session.sequence + registration_revision(registration),
        last_modified=max(session.updated_at, registration.updated_at),
        translator=translator,
        link_language=link_language,
    )
    if reminder is None:
        return event
    return dataclasses.replace(event, alarm_before=reminder, alarm_text=t.gettext("Reminder: %(title)s", title=title))


def cancelled_summary(title: str, t: Translator) -> str:
    """A cancelled event's title says so, in the reader's language: some Outlook versions
    show cancelled items like live ones."""
    return t.gettext("Cancelled: %(title)s", title=title)


def registration_revision(registration: RegistrationFacts) -> int:
    """Promotion and cancellation of a registration are changes too: calendars need a higher SEQUENCE."""
    promoted = registration.confirmed_at is not None and registration.confirmed_at != registration.created_at
    return int(promoted) + int(registration.cancelled_at is not None)


_ORIGINAL = translator(None)  # English labels around the original texts


def venue_line(venue: VenueFacts, language: str | None) -> str:
    """'Technopark, Ibraimov Street 103': each part in `language` where translated."""
    parts = (localized(getattr(venue, field), venue.translations, field, language).text for field in ("name", "address"))
    return ", ".join(p for p in parts if p)


def _description(
    session: SessionFacts, session_url: str, t: Translator, language: str | None, notice: str | None = None
) -> str:
    parts = [notice] if notice else []
    if session.status == SessionStatus.CANCELLED and session.cancel_reason:
        # First: what a subscriber must read. The reason is the organiser's own words, as written.
        parts.append(t.gettext("Cancelled: %(reason)s", reason=session.cancel_reason.strip()))
    description = plain_text(localized(session.description, session.translations, "description", language).text).strip()
    if description:
        parts.append(description)
    if session.speakers:
        people = [
            f"{s.person.name} ({s.person.affiliation})" if s.person.affiliation else s.person.name
            for s in session.speakers
        ]
        parts.append(t.gettext("Speakers: %(people)s", people="; ".join(people)))
    if session.online_url:
        parts.append(t.gettext("Online: %(url)s", url=session.online_url))
    parts.append(t.gettext("Details and registration: %(url)s", url=session_url))
    return "\n\n".join(parts)


# --- plain records: a session read as one row of a plain query ---------------------------------


@dataclass(frozen=True, slots=True)
class PersonRecord:
    name: str
    affiliation: str


@dataclass(frozen=True, slots=True)
class SpeakerRecord:
    person: PersonRecord


@dataclass(frozen=True, slots=True)
class VenueRecord:
    name: str
    address: str
    latitude: float | None
    longitude: float | None
    translations: FrozenTranslations = FrozenTranslations()


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A `SessionFacts` without the ORM: what the feeds build from plain rows."""

    id: int
    uid: str
    sequence: int
    updated_at: datetime
    starts_local: datetime
    ends_local: datetime
    timezone: str
    title: str
    description: str
    online_url: str | None
    kind: SessionKind
    status: SessionStatus
    cancel_reason: str | None
    venue: VenueRecord | None
    speakers: tuple[SpeakerRecord, ...]
    translations: FrozenTranslations = FrozenTranslations()

    @classmethod
    def of_row(
        cls, id: int, uid: str, sequence: int, updated_at: datetime, starts_local: datetime, ends_local: datetime,
        timezone: str, title: str, description: str, online_url: str | None, kind: SessionKind,
        status: SessionStatus, cancel_reason: str | None, venue_id: int | None, venue_name: str | None,
        venue_address: str | None, latitude: float | None, longitude: float | None,
        translations: Translations | None = None, venue_translations: Translations | None = None, *,
        speakers: Sequence[tuple[str, str]],
    ) -> SessionRecord:
        """From the columns in this order (venue columns None without a venue) and the
        speakers' (name, affiliation) pairs."""
        venue = None if venue_id is None else VenueRecord(
            venue_name or "", venue_address or "", latitude, longitude, FrozenTranslations.of(venue_translations)
        )
        return cls(
            id, uid, sequence, updated_at, starts_local, ends_local, timezone, title, description, online_url,
            kind, status, cancel_reason, venue,
            tuple(SpeakerRecord(PersonRecord(name, affiliation)) for name, affiliation in speakers),
            FrozenTranslations.of(translations),
        )

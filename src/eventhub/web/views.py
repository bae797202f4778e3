"""What each page shows, built in one place from service results and the API's Presenter.

Templates only lay these out: times are already in the mission's zone, seat counts come
from the same `SessionOut` the JSON API answers with (the shared `Presenter`), signup
rules from the domain, and every link from `eventhub.urls`, so pages and API never
disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

from markupsafe import Markup

from eventhub.present import Presenter
from eventhub.schemas import MissionOut, SessionOut, SubscribeLinksOut
from eventhub.db.models import Mission
from eventhub.db.services.sessions import SessionView
from eventhub.domain.programme import MissionStatus, SessionKind, SessionStatus
from eventhub.domain.registration import Refusal, refusal, signup_window
from eventhub.domain.time import zone
from eventhub.web.formatting import (
    LANGUAGES,
    city_of,
    clock,
    day_heading,
    mission_dates,
    short_day,
    zone_label,
)
from eventhub.urls import PATHS
from eventhub.web.qr import qr_svg
from eventhub.web.timetable import Timetable, build_timetable

NO_VENUE = (1 << 62, "Online or elsewhere")


# --- sessions ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str
    affiliation: str
    role: str  # speaker | host | moderator


@dataclass(frozen=True, slots=True)
class Availability:
    """Seats and whether one can sign up right now, in words."""

    state: str  # "Registration open", "Full: join the waitlist", "Registration closed", ...
    tone: str  # open | waitlist | closed | cancelled: a CSS class, never the only cue
    seats: str | None  # "8 of 20 seats left", "Full, 3 on the waitlist"; None when nobody signs up
    can_register: bool
    joins_waitlist: bool


@dataclass(frozen=True, slots=True)
class SessionCard:
    id: int
    path: str
    title: str
    kind: SessionKind
    starts: datetime  # in the mission's zone
    ends: datetime
    own_zone_note: str | None  # the session's own wall time when its venue keeps another zone
    venue: str | None
    venue_address: str | None
    venue_id: int | None
    online_url: str | None
    speakers: list[Speaker]
    availability: Availability
    cancelled: bool
    cancel_reason: str | None
    language: str | None
    description: list[str]  # paragraphs
    ics_url: str

    @property
    def time_range(self) -> str:
        return f"{clock(self.starts)}–{clock(self.ends)}"

    @property
    def language_name(self) -> str:
        return LANGUAGES.get((self.language or "").split("-")[0].lower(), self.language or "")

    @property
    def when(self) -> str:
        return f"{short_day(self.starts.date())}, {self.time_range}"

    @property
    def column_key(self) -> tuple[int, str]:
        return (self.venue_id, self.venue) if self.venue_id is not None and self.venue else NO_VENUE


def availability(out: SessionOut, mission_status: MissionStatus, now: datetime) -> Availability:
    if out.status == SessionStatus.CANCELLED:
        return Availability("Cancelled", "cancelled", None, False, False)
    reason = refusal(signup_window(mission_status, out), now)
    # Seat counts matter to someone who can (or soon can) sign up; elsewhere they are noise.
    seats = _seats(out) if reason in (None, Refusal.REGISTRATION_NOT_OPEN_YET) else None
    if reason is None:
        full = out.seats_left == 0
        state = "Full: join the waitlist" if full else "Registration open"
        return Availability(state, "waitlist" if full else "open", seats, True, full)
    if reason == Refusal.REGISTRATION_NOT_NEEDED:
        return Availability("No registration needed", "open", None, False, False)
    if reason == Refusal.REGISTRATION_NOT_OPEN_YET and out.registration_opens_at is not None:
        opens = out.registration_opens_at
        return Availability(
            f"Registration opens {opens.day} {opens:%b} at {clock(opens)}", "closed", seats, False, False
        )
    return Availability(_CLOSED_STATES.get(reason, "Registration closed"), "closed", seats, False, False)


_CLOSED_STATES = {
    Refusal.SESSION_STARTED: "Started: registration closed",
    Refusal.REGISTRATION_WINDOW_ENDED: "Registration has ended",
}


def _seats(out: SessionOut) -> str | None:
    if out.seats_left is None:
        return "No seat limit"
    if out.seats_left > 0:
        return f"{out.seats_left} of {out.capacity} seats left"
    waiting = out.waitlist_length
    return "Full, nobody on the waitlist yet" if waiting == 0 else f"Full, {waiting} on the waitlist"


def session_card(out: SessionOut, mission: Mission, now: datetime) -> SessionCard:
    tz = zone(mission.timezone)
    starts, ends = out.starts_at.astimezone(tz), out.ends_at.astimezone(tz)
    own_note = None
    if out.timezone != mission.timezone:
        own_note = f"{clock(out.starts_at)}–{clock(out.ends_at)} local time in {city_of(out.timezone)}"
    return SessionCard(
        id=out.id,
        path=PATHS.session(out.mission_slug, out.id),
        title=out.title,
        kind=out.kind,
        starts=starts,
        ends=ends,
        own_zone_note=own_note,
        venue=out.venue.name if out.venue else None,
        venue_address=out.venue.address if out.venue else None,
        venue_id=out.venue.id if out.venue else None,
        online_url=out.online_url,
        speakers=[Speaker(s.name, s.affiliation, s.role.value) for s in out.speakers],
        availability=availability(out, mission.status, now),
        cancelled=out.status == SessionStatus.CANCELLED,
        cancel_reason=out.cancel_reason,
        language=out.language,
        description=[p.strip() for p in out.description.split("\n\n") if p.strip()],
        ics_url=out.ics_url,
    )


# --- subscribe boxes --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Subscribe:
    links: SubscribeLinksOut
    qr: Markup
    private: bool  # a personal feed: the page says to keep it to oneself


def subscribe_box(links: SubscribeLinksOut, *, private: bool) -> Subscribe:
    return Subscribe(links, qr_svg(links.https, label="QR code of the calendar feed link"), private)


# --- pages ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MissionSummary:
    path: str
    title: str
    summary: str
    dates: str
    place: str


def mission_list(missions: Sequence[Mission]) -> list[MissionSummary]:
    return [
        MissionSummary(
            path=PATHS.mission(m.slug),
            title=m.title,
            summary=m.summary,
            dates=mission_dates(m),
            place=", ".join(p for p in (m.host_city, m.host_country) if p),
        )
        for m in missions
    ]


@dataclass(frozen=True, slots=True)
class KindChip:
    label: str
    path: str
    current: bool


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    anchor: str
    heading: str
    short: str
    cards: list[SessionCard]
    timetable: Timetable[SessionCard]


@dataclass(frozen=True, slots=True)
class AgendaPage:
    mission: MissionOut
    dates: str
    zone: str
    city: str
    kinds: list[KindChip]
    kind: SessionKind | None
    days: list[Day]
    subscribe: Subscribe


def agenda_page(
    mission: Mission,
    sessions: Sequence[SessionView],
    present: Presenter,
    now: datetime,
    kind: SessionKind | None,
) -> AgendaPage:
    cards = [session_card(present.session(view, mission.slug), mission, now) for view in sessions]
    base = PATHS.mission(mission.slug)
    present_kinds = sorted({c.kind for c in cards}, key=list(SessionKind).index)
    chips = [KindChip("All sessions", base, kind is None)] + [
        KindChip(k.label, f"{base}?kind={k.value}", k == kind) for k in present_kinds
    ]
    shown = [c for c in cards if kind is None or c.kind == kind]
    days = []
    for day, group in groupby(shown, key=lambda c: c.starts.date()):
        day_cards = list(group)
        days.append(
            Day(
                day,
                f"day-{day.isoformat()}",
                day_heading(day),
                short_day(day),
                day_cards,
                build_timetable(day_cards),
            )
        )
    out = present.mission(mission)
    return AgendaPage(
        mission=out,
        dates=mission_dates(mission),
        zone=zone_label(mission.timezone, mission.starts_on),
        city=city_of(mission.timezone),
        kinds=chips,
        kind=kind,
        days=days,
        subscribe=subscribe_box(out.subscribe, private=False),
    )


@dataclass(frozen=True, slots=True)
class SessionPage:
    mission: MissionOut
    session: SessionCard
    day: str
    zone: str
    add_to_calendar: SubscribeLinksOut


def session_page(mission: Mission, view: SessionView, present: Presenter, now: datetime) -> SessionPage:
    out = present.session(view, mission.slug)
    card = session_card(out, mission, now)
    return SessionPage(
        mission=present.mission(mission),
        session=card,
        day=day_heading(card.starts.date()),
        zone=zone_label(mission.timezone, card.starts.date()),
        add_to_calendar=present.subscribe(out.ics_url, out.title),
    )

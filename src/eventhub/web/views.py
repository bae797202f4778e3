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

from eventhub import richtext
from eventhub.present import Presenter
from eventhub.schemas import MissionOut, SessionOut, SubscribeLinksOut
from eventhub.db.models import Mission
from eventhub.db.services.sessions import SessionView
from eventhub.domain.programme import MissionStatus, SessionKind, SessionStatus
from eventhub.db.services.registrations import SessionResult
from eventhub.domain.registration import (
    ATTENDEE_EXISTS,
    Refusal,
    ScheduleWarning,
    SignupStatus,
    WarningKind,
    refusal,
    signup_window,
)
from eventhub.domain.time import zone
from eventhub.domain.translations import localize, localized
from eventhub import i18n
from eventhub.i18n import N_, _, ngettext
from eventhub.i18n.labels import kind_label, role_label
from eventhub.web.formatting import (
    city_of,
    clock,
    day_heading,
    language_name,
    mission_dates,
    short_day,
    zone_label,
)
from eventhub.urls import PATHS
from eventhub.web.qr import qr_svg
from eventhub.web.timetable import Timetable, build_timetable

NO_VENUE_ORDER = 1 << 62  # the column of sessions without a venue comes last


# --- sessions ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str
    affiliation: str
    role: str  # speaker | host | moderator

    @property
    def role_label(self) -> str:
        return role_label(self.role)


@dataclass(frozen=True, slots=True)
class Availability:
    """Seats and whether one can sign up right now, in words."""

    state: str  # "Registration open", "Full: join the waitlist", "Registration closed", ...
    tone: str  # open | waitlist | closed | cancelled: a CSS class, never the only cue
    seats: str | None  # "8 of 20 seats left", "Full, 3 on the waitlist"; None when nobody signs up
    can_register: bool
    joins_waitlist: bool
    no_registration: bool = False  # nobody signs up: just come along


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
    description: Markup  # the organiser's Markdown, rendered and sanitised
    ics_url: str

    @property
    def time_range(self) -> str:
        return f"{clock(self.starts)}–{clock(self.ends)}"

    @property
    def language_name(self) -> str:
        return language_name(self.language)

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def when(self) -> str:
        return f"{short_day(self.starts.date())}, {self.time_range}"

    @property
    def column_key(self) -> tuple[int, str]:
        if self.venue_id is not None and self.venue:
            return (self.venue_id, self.venue)
        return (NO_VENUE_ORDER, _("Online or elsewhere"))


def availability(out: SessionOut, mission_status: MissionStatus, now: datetime) -> Availability:
    if out.status == SessionStatus.CANCELLED:
        return Availability(_("Cancelled"), "cancelled", None, False, False)
    reason = refusal(signup_window(mission_status, out), now)
    # Seat counts matter to someone who can (or soon can) sign up; elsewhere they are noise.
    seats = _seats(out) if reason in (None, Refusal.REGISTRATION_NOT_OPEN_YET) else None
    if reason is None:
        full = out.seats_left == 0
        state = _("Full: join the waitlist") if full else _("Registration open")
        return Availability(state, "waitlist" if full else "open", seats, True, full)
    if reason == Refusal.REGISTRATION_NOT_NEEDED:
        return Availability(_("No registration needed"), "open", None, False, False, no_registration=True)
    if reason == Refusal.REGISTRATION_NOT_OPEN_YET and out.registration_opens_at is not None:
        opens = out.registration_opens_at
        state = _("Registration opens %(date)s at %(time)s", date=i18n.current().day_month(opens), time=clock(opens))
        return Availability(state, "closed", seats, False, False)
    return Availability(_(_CLOSED_STATES.get(reason, N_("Registration closed"))), "closed", seats, False, False)


_CLOSED_STATES = {
    Refusal.SESSION_STARTED: N_("Started: registration closed"),
    Refusal.REGISTRATION_WINDOW_ENDED: N_("Registration has ended"),
}


def _seats(out: SessionOut) -> str | None:
    if out.seats_left is None:
        return _("No seat limit")
    if out.seats_left > 0:
        return seats_left_text(out.seats_left, out.capacity or 0)
    waiting = out.waitlist_length
    if waiting == 0:
        return _("Full, nobody on the waitlist yet")
    return ngettext("Full, %(num)s person on the waitlist", "Full, %(num)s people on the waitlist", waiting)


def seats_left_text(left: int, capacity: int) -> str:
    """'8 of 20 seats left', 'Свободно 8 мест из 20', '8 brīvas vietas no 20'."""
    return ngettext(
        "%(num)s of %(capacity)s seats left",
        "%(num)s of %(capacity)s seats left",
        left,
        capacity=i18n.current().number(capacity),
    )


def session_card(out: SessionOut, mission: Mission, now: datetime) -> SessionCard:
    tz = zone(mission.timezone)
    starts, ends = out.starts_at.astimezone(tz), out.ends_at.astimezone(tz)
    own_note = None
    if out.timezone != mission.timezone:
        own_note = _(
            "%(start)s–%(end)s local time in %(city)s",
            start=clock(out.starts_at),
            end=clock(out.ends_at),
            city=city_of(out.timezone),
        )
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
        description=richtext.to_html(out.description),
        ics_url=out.ics_url,
    )


# --- subscribe boxes --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Subscribe:
    links: SubscribeLinksOut
    qr: Markup
    private: bool  # a personal feed: the page says to keep it to oneself


def subscribe_box(links: SubscribeLinksOut, *, private: bool) -> Subscribe:
    return Subscribe(links, qr_svg(links.https, label=_("QR code of the calendar feed link")), private)


# --- pages ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MissionSummary:
    path: str
    title: str
    summary: str
    dates: str
    place: str


def mission_list(missions: Sequence[Mission]) -> list[MissionSummary]:
    lang = i18n.current().language
    summaries = []
    for m in missions:
        texts = localize({"title": m.title, "summary": m.summary, "host_city": m.host_city}, m.translations, lang)
        summaries.append(
            MissionSummary(
                path=PATHS.mission(m.slug),
                title=texts["title"],
                summary=richtext.plain_text(texts["summary"]),
                dates=mission_dates(m),
                place=", ".join(p for p in (texts["host_city"], m.host_country) if p),
            )
        )
    return summaries


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
class DayLink:
    label: str
    href: str
    current: bool


# Above this many sessions shown, the agenda shows one day at a time (a 300-session
# programme on one page was 555 kB of HTML and slow on a phone: bench/agenda.py); the whole
# programme stays a link away. Smaller programmes read best on one page.
ONE_PAGE_SESSIONS = 60
WHOLE_PROGRAMME = "all"


@dataclass(frozen=True, slots=True)
class AgendaPage:
    mission: MissionOut
    summary: Markup  # the mission's summary, written in the descriptions' Markdown
    dates: str
    zone: str
    city: str
    kinds: list[KindChip]
    kind: SessionKind | None
    days: list[Day]
    """The days shown: all of them, or the one chosen."""
    day_links: list[DayLink]
    """Every day of the programme as a link: to its anchor on one page, else to its own page."""
    whole_programme: DayLink | None
    """When one day is shown, or could be: the link to (or back from) the whole programme."""
    subscribe: Subscribe

    @property
    def can_pick(self) -> bool:
        """Whether any session shown takes registrations (the "my programme" selection)."""
        return any(c.availability.can_register for day in self.days for c in day.cards)


def agenda_page(
    mission: Mission,
    sessions: Sequence[SessionView],
    present: Presenter,
    now: datetime,
    kind: SessionKind | None,
    day: str | None = None,
) -> AgendaPage:
    """`day`: an ISO date (that day alone), `all` (the whole programme), or none: the whole
    programme when it is short, else today's sessions (the first day's, or the next day's)."""
    lang = i18n.current().language
    cards = [session_card(present.session(view, mission.slug, lang), mission, now) for view in sessions]
    base = PATHS.mission(mission.slug)
    present_kinds = sorted({c.kind for c in cards}, key=list(SessionKind).index)
    shown = [c for c in cards if kind is None or c.kind == kind]
    days = []
    for each, group in groupby(shown, key=lambda c: c.starts.date()):
        day_cards = list(group)
        days.append(Day(each, f"day-{each.isoformat()}", day_heading(each), short_day(each), day_cards,
                        build_timetable(day_cards)))
    chosen = _chosen_day(days, day, len(shown), now.astimezone(zone(mission.timezone)).date())

    def link(query: dict[str, str]) -> str:
        return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")

    day_query = {"day": chosen.day.isoformat()} if chosen is not None else (
        {"day": WHOLE_PROGRAMME} if day == WHOLE_PROGRAMME and len(shown) > ONE_PAGE_SESSIONS else {})
    kind_query = {"kind": kind.value} if kind is not None else {}
    chips = [KindChip(_("All sessions"), link(day_query), kind is None)] + [
        KindChip(kind_label(k), link({**day_query, "kind": k.value}), k == kind) for k in present_kinds
    ]
    if chosen is None:
        day_links = [DayLink(d.short, f"#{d.anchor}", False) for d in days]
        whole = (DayLink(_("One day at a time"), link(kind_query), False)
                 if len(shown) > ONE_PAGE_SESSIONS else None)
    else:
        day_links = [DayLink(d.short, link({"day": d.day.isoformat(), **kind_query}), d is chosen) for d in days]
        whole = DayLink(_("The whole programme"), link({"day": WHOLE_PROGRAMME, **kind_query}), False)
    out = present.mission(mission, lang)
    return AgendaPage(
        mission=out,
        summary=richtext.to_html(out.summary),
        dates=mission_dates(mission),
        zone=zone_label(mission.timezone, mission.starts_on),
        city=city_of(mission.timezone),
        kinds=chips,
        kind=kind,
        days=days if chosen is None else [chosen],
        day_links=day_links if len(days) > 1 else [],
        whole_programme=whole if len(days) > 1 else None,
        subscribe=subscribe_box(out.subscribe, private=False),
    )


def _chosen_day(days: list[Day], asked: str | None, shown: int, today: date) -> Day | None:
    """The one day to show, or None for all of them."""
    if asked == WHOLE_PROGRAMME or not days:
        return None
    if asked is not None:
        for d in days:
            if d.day.isoformat() == asked:
                return d
    if shown <= ONE_PAGE_SESSIONS and asked is None:
        return None
    return next((d for d in days if d.day >= today), days[0])


@dataclass(frozen=True, slots=True)
class SessionPage:
    mission: MissionOut
    session: SessionCard
    day: str
    zone: str
    add_to_calendar: SubscribeLinksOut


def session_page(mission: Mission, view: SessionView, present: Presenter, now: datetime) -> SessionPage:
    lang = i18n.current().language
    out = present.session(view, mission.slug, lang)
    card = session_card(out, mission, now)
    return SessionPage(
        mission=present.mission(mission, lang),
        session=card,
        day=day_heading(card.starts.date()),
        zone=zone_label(mission.timezone, card.starts),  # the offset at its start, as its mail writes it
        add_to_calendar=present.subscribe(out.ics_url, out.title),
    )


@dataclass(frozen=True, slots=True)
class ProgrammePage:
    """The sessions picked on the agenda, in programme order, before signing up for them."""

    mission: MissionOut
    chosen: list[SessionCard]

    @property
    def open(self) -> list[SessionCard]:
        return [c for c in self.chosen if c.availability.can_register]


def programme_page(
    mission: Mission, sessions: Sequence[SessionView], chosen: Sequence[int], present: Presenter, now: datetime
) -> ProgrammePage:
    lang = i18n.current().language
    wanted = set(chosen)
    cards = [
        session_card(present.session(view, mission.slug, lang), mission, now)
        for view in sessions
        if view.session.id in wanted
    ]
    return ProgrammePage(present.mission(mission, lang), cards)


def mission_title(mission: Mission) -> str:
    return localized(mission.title, mission.translations, "title", i18n.current().language).text


_REFUSALS = {
    Refusal.SESSION_NOT_FOUND: N_("This session is not in the programme."),
    Refusal.MISSION_NOT_PUBLISHED: N_("This programme is not open for registration."),
    Refusal.SESSION_NOT_PUBLISHED: N_("This session is not in the programme."),
    Refusal.SESSION_CANCELLED: N_("This session is cancelled."),
    Refusal.REGISTRATION_NOT_NEEDED: N_("No registration needed: just come along."),
    Refusal.REGISTRATION_CLOSED: N_("Registration for this session is closed."),
    Refusal.REGISTRATION_NOT_OPEN_YET: N_("Registration for this session has not opened yet."),
    Refusal.REGISTRATION_WINDOW_ENDED: N_("Registration for this session has ended."),
    Refusal.SESSION_STARTED: N_("This session has started: registration is closed."),
}


def refusal_text(code: str | None) -> str:
    """Why one session of a signup took no registration, as the answer page says it."""
    known = code in Refusal.__members__.values()
    return _(_REFUSALS[Refusal(code)] if known else N_("Registration for this session is closed."))


def member_summary(results: Sequence[SessionResult]) -> str:
    """What a delegation member got, in words: seats, waitlist places, or nothing."""
    if results and all(r.code == ATTENDEE_EXISTS for r in results):
        return _("Registered already with this address: we have e-mailed them their own link.")
    confirmed = sum(r.status == SignupStatus.CONFIRMED for r in results)
    waiting = sum(r.status == SignupStatus.WAITLISTED for r in results)
    parts = []
    if confirmed:
        parts.append(ngettext("confirmed in %(num)s session", "confirmed in %(num)s sessions", confirmed))
    if waiting:
        parts.append(ngettext("on the waitlist in %(num)s session", "on the waitlist in %(num)s sessions", waiting))
    return ", ".join(parts) if parts else _("No session took a registration.")


def warning_text(warning: ScheduleWarning) -> str:
    """A registration's clash with the attendee's other sessions, as the answer page says it."""
    if warning.kind == WarningKind.OVERLAP:
        return _("Overlaps “%(title)s”, which you are also registered for.", title=warning.other_title)
    return ngettext(
        "Leaves less than the %(num)s minute needed to travel from or to “%(title)s”.",
        "Leaves less than the %(num)s minutes needed to travel from or to “%(title)s”.",
        warning.travel_minutes or 0,
        title=warning.other_title,
    )

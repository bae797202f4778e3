"""What the programme pages of the back office show, built from service results: the
mission overview, conflicts in words with links, the session list, the travel matrix and
change previews ("3 sessions moved, 1 cancelled; 42 attendees will be mailed").
Templates only lay these out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from eventhub.db.models import Mission, Person, TravelTime, Venue
from eventhub.db.services.attendees import SessionFill
from eventhub.db.services.bulk import ChangeSummary
from eventhub.db.services.sessions import SessionView
from eventhub.domain.programme import ChangeKind, SessionStatus
from eventhub.domain.registration import seats_left
from eventhub.domain.scheduling import ConflictPair, ConflictReason, TravelTimes
from eventhub.domain.time import zone
from eventhub.i18n import N_, _, ngettext
from eventhub.i18n.labels import kind_label
from eventhub.web.charts import FillChart, fill_chart
from eventhub.web.formatting import clock, day_heading, short_day

STATUS_LABELS = {
    SessionStatus.DRAFT: N_("Draft"),
    SessionStatus.PUBLISHED: N_("Published"),
    SessionStatus.CANCELLED: N_("Cancelled"),
}


def status_label(status: SessionStatus | str) -> str:
    return _(STATUS_LABELS[SessionStatus(status)])


class Paths:
    """The back office's addresses for one mission."""

    def __init__(self, slug: str) -> None:
        self.mission = f"/organise/missions/{slug}"

    def page(self, name: str = "") -> str:
        return f"{self.mission}/{name}" if name else self.mission

    def session(self, session_id: int) -> str:
        return f"{self.mission}/sessions/{session_id}"

    def timetable_day(self, day: date) -> str:
        return f"{self.mission}/timetable#day-{day.isoformat()}"


# --- conflicts -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SessionRef:
    id: int
    title: str
    when: str  # "Tue 8 Dec 10:00", or "" when not known
    href: str


@dataclass(frozen=True, slots=True)
class ConflictNote:
    reason: str  # venue | person | travel (a CSS class; `label` says it in words)
    label: str
    detail: str
    sessions: list[SessionRef]


REASON_LABELS = {
    ConflictReason.VENUE: N_("Same venue at the same time"),
    ConflictReason.PERSON: N_("Same person at the same time"),
    ConflictReason.TRAVEL: N_("Not enough travel time"),
}


@dataclass(frozen=True, slots=True)
class Names:
    """Venues and people by id, and where each session's page is."""

    venues: Mapping[int, str]
    people: Mapping[int, str]
    paths: Paths

    @classmethod
    def of(cls, mission: Mission, venues: Iterable[Venue], people: Iterable[Person]) -> Names:
        return cls({v.id: v.name for v in venues}, {p.id: p.name for p in people}, Paths(mission.slug))


def _when(moment_utc: datetime, zone_name: str) -> str:
    local = moment_utc.astimezone(zone(zone_name))
    return f"{short_day(local.date())} {clock(local)}"


def _detail(reason: ConflictReason, venue_id: int | None, person_ids: Sequence[int], minutes: int | None, names: Names) -> str:
    people = ", ".join(names.people.get(pid, str(pid)) for pid in person_ids)
    if reason == ConflictReason.VENUE:
        return _("Both at %(venue)s.", venue=names.venues.get(venue_id or 0, "?"))
    if reason == ConflictReason.PERSON:
        return _("%(people)s cannot be in both.", people=people)
    return _("%(people)s need %(minutes)s minutes to get from one venue to the other.", people=people, minutes=minutes or 0)


def conflict_notes(pairs: Sequence[ConflictPair], names: Names) -> list[ConflictNote]:
    """The mission's current conflicts (`GET .../conflicts`), each with both sessions linked."""
    return [
        ConflictNote(
            pair.reason.value,
            _(REASON_LABELS[pair.reason]),
            _detail(pair.reason, pair.venue_id, pair.person_ids, pair.travel_minutes, names),
            [
                SessionRef(slot.session_id, slot.title, _when(slot.starts_utc, slot.timezone), names.paths.session(slot.session_id))
                for slot in (pair.first, pair.second)
            ],
        )
        for pair in pairs
    ]


def refused_notes(entries: Sequence[Mapping[str, Any]], names: Names) -> list[ConflictNote]:
    """The conflicts a refused save would have had (a 409's `conflicts`), each with the
    other session linked."""
    notes = []
    for entry in entries:
        reason = ConflictReason(entry["reason"])
        other = SessionRef(entry["session_id"], entry["title"], "", names.paths.session(entry["session_id"]))
        detail = _detail(reason, entry.get("venue_id"), entry.get("person_ids") or (), entry.get("travel_minutes"), names)
        notes.append(ConflictNote(reason.value, _(REASON_LABELS[reason]), detail, [other]))
    return notes


# --- what a change means for people ----------------------------------------------------------------


_CHANGE_TEXTS: dict[ChangeKind, Callable[[int], str]] = {
    ChangeKind.PUBLISHED: lambda n: ngettext("%(num)s session published", "%(num)s sessions published", n),
    ChangeKind.MOVED: lambda n: ngettext("%(num)s session moved", "%(num)s sessions moved", n),
    ChangeKind.CANCELLED: lambda n: ngettext("%(num)s session cancelled", "%(num)s sessions cancelled", n),
    ChangeKind.REINSTATED: lambda n: ngettext("%(num)s session on again", "%(num)s sessions on again", n),
    ChangeKind.WITHDRAWN: lambda n: ngettext(
        "%(num)s session withdrawn to draft", "%(num)s sessions withdrawn to draft", n
    ),
    ChangeKind.CHANGED: lambda n: ngettext("%(num)s session changed", "%(num)s sessions changed", n),
}


def change_text(summary: ChangeSummary) -> str:
    """'3 sessions moved, 1 session cancelled; 42 attendees will be mailed.'"""
    parts = [
        text(summary.counts[kind])
        for kind, text in _CHANGE_TEXTS.items()
        if summary.counts.get(kind)
    ]
    if not parts:
        return _("Subscribers and registrants will see no change.")
    if summary.applied:
        mailed = ngettext("%(num)s attendee is being mailed.", "%(num)s attendees are being mailed.", summary.attendees_mailed)
    else:
        mailed = ngettext("%(num)s attendee will be mailed.", "%(num)s attendees will be mailed.", summary.attendees_mailed)
    return f"{', '.join(parts)}; {mailed}"


# --- overview ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayLine:
    day: date
    heading: str
    sessions: int
    drafts: int
    cancelled: int
    href: str


@dataclass(frozen=True, slots=True)
class Overview:
    days: list[DayLine]
    total: int
    published: int
    cancelled: int
    drafts: list[SessionRef]
    conflicts: list[ConflictNote]
    chart: FillChart
    publish_text: str | None  # what publishing the draft mission shows the public; None once published
    drafts_text: str | None  # what publishing the draft sessions would change; None without drafts


def overview(
    mission: Mission,
    sessions: Sequence[SessionView],
    conflicts: list[ConflictNote],
    fills: Sequence[SessionFill],
    publish_preview: ChangeSummary | None,
    drafts_preview: ChangeSummary | None,
) -> Overview:
    paths = Paths(mission.slug)
    by_day: dict[date, Counter[SessionStatus]] = {}
    for view in sessions:
        by_day.setdefault(view.session.starts_local.date(), Counter())[view.session.status] += 1
    days = []
    day = mission.starts_on
    while day <= mission.ends_on:
        counts = by_day.get(day, Counter())
        days.append(DayLine(
            day, day_heading(day), sum(counts.values()), counts[SessionStatus.DRAFT], counts[SessionStatus.CANCELLED],
            paths.timetable_day(day),
        ))
        day += timedelta(days=1)
    statuses = Counter(view.session.status for view in sessions)
    drafts = [ref(view, paths) for view in sessions if view.session.status == SessionStatus.DRAFT]
    return Overview(
        days=days,
        total=len(sessions),
        published=statuses[SessionStatus.PUBLISHED],
        cancelled=statuses[SessionStatus.CANCELLED],
        drafts=drafts,
        conflicts=conflicts,
        chart=fill_chart(fills, lambda sid: f"{paths.session(sid)}/attendees"),
        publish_text=change_text(publish_preview) if publish_preview is not None else None,
        drafts_text=change_text(drafts_preview) if drafts_preview is not None else None,
    )


def ref(view: SessionView, paths: Paths) -> SessionRef:
    s = view.session
    return SessionRef(s.id, s.title, f"{short_day(s.starts_local.date())} {clock(s.starts_local)}", paths.session(s.id))


# --- the session list ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SessionRow:
    id: int
    href: str
    title: str
    kind: str
    day: str
    starts: str  # 10:00
    ends: str
    venue: str
    status: str
    status_label: str
    capacity: int | None
    seats: str  # "12/20, 3 waiting", "5 (no limit)"
    registrations: int  # confirmed and waitlisted: a session with any cannot be deleted


def session_rows(sessions: Sequence[SessionView], paths: Paths) -> list[SessionRow]:
    rows = []
    for view in sessions:
        s, seats = view.session, view.seats
        if s.capacity is None:
            taken = _("%(num)s (no limit)", num=seats.confirmed)
        else:
            taken = f"{seats.confirmed}/{s.capacity}"
            if seats_left(s.capacity, seats.confirmed) == 0:
                taken += " · " + _("full")
        if seats.waitlisted:
            taken += " · " + ngettext("%(num)s waiting", "%(num)s waiting", seats.waitlisted)
        rows.append(SessionRow(
            s.id, paths.session(s.id), s.title, kind_label(s.kind), short_day(s.starts_local.date()),
            clock(s.starts_local), clock(s.ends_local), s.venue.name if s.venue else "", s.status.value,
            status_label(s.status), s.capacity, taken, seats.confirmed + seats.waitlisted,
        ))
    return rows


# --- travel times ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TravelCell:
    name: str  # the form field: minutes-<from>-<to>
    from_name: str
    to_name: str
    value: str
    error: str | None = None


@dataclass(frozen=True, slots=True)
class TravelRow:
    venue: str
    cells: list[TravelCell | None]  # None on the diagonal


@dataclass(frozen=True, slots=True)
class TravelMatrix:
    venues: list[str]
    rows: list[TravelRow]


def cell_name(from_id: int, to_id: int) -> str:
    return f"minutes-{from_id}-{to_id}"


def travel_matrix(
    venues: Sequence[Venue], rows: Sequence[TravelTime], typed: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
) -> TravelMatrix:
    """Every ordered pair of venues; a time given one way shows both ways, as the rule reads it."""
    minutes = TravelTimes((r.from_venue_id, r.to_venue_id, r.minutes) for r in rows)
    errors = errors or {}
    matrix_rows = []
    for a in venues:
        cells: list[TravelCell | None] = []
        for b in venues:
            if a.id == b.id:
                cells.append(None)
                continue
            name = cell_name(a.id, b.id)
            known = minutes.minutes(a.id, b.id)
            value = typed.get(name, "") if typed is not None else (str(known) if known else "")
            cells.append(TravelCell(name, a.name, b.name, value, errors.get(name)))
        matrix_rows.append(TravelRow(a.name, cells))
    return TravelMatrix([v.name for v in venues], matrix_rows)


def travel_entries(venues: Sequence[Venue], minutes_of: Callable[[int, int], int | None]) -> list[tuple[int, int, int]]:
    """The matrix as the API's list: one entry per pair when both ways agree (or one is
    blank), both when they differ; a pair left blank both ways has no travel time."""
    entries = []
    for i, a in enumerate(venues):
        for b in venues[i + 1:]:
            there, back = minutes_of(a.id, b.id), minutes_of(b.id, a.id)
            if there is None and back is None:
                continue
            if there is None or back is None or there == back:
                entries.append((a.id, b.id, there if there is not None else back))  # type: ignore[arg-type]
            else:
                entries += [(a.id, b.id, there), (b.id, a.id, back)]
    return entries


class Option(NamedTuple):
    value: str
    label: str


@dataclass(slots=True)
class Choices:
    """The choices the programme forms offer, from the mission's own records."""

    venues: list[Option] = field(default_factory=list)
    people: list[Option] = field(default_factory=list)

    @classmethod
    def of(cls, venues: Iterable[Venue], people: Iterable[Person]) -> Choices:
        return cls(
            [Option(str(v.id), v.name) for v in venues],
            [Option(str(p.id), f"{p.name}, {p.affiliation}" if p.affiliation else p.name) for p in people],
        )


def mission_days(mission: Mission) -> list[tuple[str, str]]:
    """Each day of the mission as a form value and a short label."""
    days = []
    day = mission.starts_on
    while day <= mission.ends_on:
        days.append((day.isoformat(), short_day(day)))
        day += timedelta(days=1)
    return days

"""What the attendee pages of the back office show — everyone in the mission, one
session's list, the door — built from the attendance services' results. Templates only
lay these out: times are already in the mission's zone, words in the reader's language,
and `can_change` says whether the signed-in organiser gets the buttons (the services
decide again on every POST)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from eventhub import i18n
from eventhub.db.models import Mission, ProgrammeSession
from eventhub.db.services.attendees import Listed, MissionRegistrations, SessionAttendees, SessionFill, distinct_attendees
from eventhub.db.services.checkins import Candidate, CheckInOutcome
from eventhub.domain.programme import RegistrationStatus, SessionStatus
from eventhub.domain.registration import seats_left
from eventhub.domain.time import zone
from eventhub.i18n import _, ngettext
from eventhub.i18n.labels import registration_status_label, session_status_label
from eventhub.web.charts import FillChart, fill_chart
from eventhub.web.formatting import clock, short_day
from eventhub.web.views import seats_left_text


def back_office(slug: str, rest: str = "") -> str:
    """A mission's address in the back office: `back_office(slug, "/check-in")`."""
    return f"/organise/missions/{slug}{rest}"


def attendees_path(slug: str, session_id: int) -> str:
    return back_office(slug, f"/sessions/{session_id}/attendees")


def local_time(instant: datetime | None, mission: Mission) -> str:
    """An instant as organisers on site read it: day and time in the mission's zone."""
    if instant is None:
        return ""
    moment = instant.astimezone(zone(mission.timezone))
    return f"{short_day(moment.date())} {clock(moment)}"


def session_when(session: ProgrammeSession | SessionFill) -> str:
    """When a session starts, on its own wall clock (as the programme prints it)."""
    return f"{short_day(session.starts_local.date())} {clock(session.starts_local)}"


def status_text(item: Listed) -> str:
    """'Confirmed', 'Waitlisted, place 3', 'Cancelled'."""
    if item.registration.status == RegistrationStatus.WAITLISTED and item.waitlist_position:
        return _("Waitlisted, place %(place)s", place=item.waitlist_position)
    return registration_status_label(item.registration.status)


# --- everyone in the mission ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SeatLine:
    """One of a person's registrations, as a line under their name."""

    session_title: str
    session_path: str
    when: str
    status: str  # confirmed | waitlisted | cancelled: a CSS class, never the only cue
    status_text: str
    session_cancelled: bool
    session_status_text: str
    checked_in: str  # "" or when


@dataclass(frozen=True, slots=True)
class PersonRow:
    name: str
    email: str
    organisation: str
    lines: list[SeatLine]


@dataclass(frozen=True, slots=True)
class RegistrationsPage:
    search: str
    people: list[PersonRow]
    summary: str
    chart: FillChart
    csv_path: str
    xlsx_path: str


def registrations_page(export: MissionRegistrations, search: str, fills: Sequence[SessionFill]) -> RegistrationsPage:
    mission = export.mission
    people = [
        PersonRow(attendee.name, attendee.email, attendee.organisation, [_seat_line(mission, i) for i in items])
        for attendee, items in distinct_attendees(export.items)
    ]
    registrations = len(export.items)
    summary = (
        ngettext("%(num)s person", "%(num)s people", len(people))
        + ", "
        + ngettext("%(num)s registration", "%(num)s registrations", registrations)
    )
    if search.strip():
        summary = _("Found for “%(search)s”: %(summary)s", search=search.strip(), summary=summary)
    exports = back_office(mission.slug, "/registrations")
    return RegistrationsPage(
        search=search,
        people=people,
        summary=summary,
        chart=fill_chart(fills, link=lambda session_id: attendees_path(mission.slug, session_id)),
        csv_path=exports + ".csv",
        xlsx_path=exports + ".xlsx",
    )


def _seat_line(mission: Mission, item: Listed) -> SeatLine:
    session = item.session
    return SeatLine(
        session_title=session.title,
        session_path=attendees_path(mission.slug, session.id),
        when=session_when(session),
        status=item.registration.status.value,
        status_text=status_text(item),
        session_cancelled=session.status == SessionStatus.CANCELLED,
        session_status_text=session_status_label(session.status),
        checked_in=local_time(item.checked_in_at, mission),
    )


# --- one session ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttendeeRow:
    registration_id: int
    name: str
    email: str
    organisation: str
    status_text: str
    registered: str
    checked_in: str
    place: int | None  # on the waitlist


@dataclass(frozen=True, slots=True)
class MoveTarget:
    session_id: int
    label: str  # "Tue 8 Dec 10:00 · Export clinic (full)"


@dataclass(frozen=True, slots=True)
class SessionAttendeesPage:
    slug: str
    session_id: int
    title: str
    when: str
    status_text: str
    cancelled: bool
    seats: str  # "3 of 20 seats left", "Full", "No seat limit"
    counts: str  # "17 confirmed, 4 on the waitlist, 2 checked in"
    chart: FillChart
    confirmed: list[AttendeeRow]
    waitlist: list[AttendeeRow]  # in queue order
    cancelled_rows: list[AttendeeRow]
    move_targets: list[MoveTarget]
    can_change: bool
    path: str
    action_base: str  # POST .../registrations/{id}/<action>

    @property
    def head(self) -> AttendeeRow | None:
        return self.waitlist[0] if self.waitlist else None


def session_attendees_page(
    view: SessionAttendees, fills: Sequence[SessionFill], *, can_change: bool
) -> SessionAttendeesPage:
    mission, session = view.mission, view.session
    own = [f for f in fills if f.session_id == session.id]
    return SessionAttendeesPage(
        slug=mission.slug,
        session_id=session.id,
        title=session.title,
        when=session_when(session),
        status_text=session_status_label(session.status),
        cancelled=session.status == SessionStatus.CANCELLED,
        seats=seats_text(session.capacity, len(view.confirmed)),
        counts=", ".join((
            ngettext("%(num)s confirmed", "%(num)s confirmed", len(view.confirmed)),
            ngettext("%(num)s on the waitlist", "%(num)s on the waitlist", len(view.waitlist)),
            ngettext("%(num)s checked in", "%(num)s checked in", view.checked_in),
        )),
        chart=fill_chart(own),
        confirmed=[_attendee_row(mission, i) for i in view.confirmed],
        waitlist=[_attendee_row(mission, i) for i in view.waitlist],
        cancelled_rows=[_attendee_row(mission, i) for i in view.cancelled],
        move_targets=[
            MoveTarget(f.session_id, _target_label(f))
            for f in fills if f.session_id != session.id and f.status != SessionStatus.CANCELLED
        ],
        can_change=can_change and session.status != SessionStatus.CANCELLED,
        path=attendees_path(mission.slug, session.id),
        action_base=back_office(mission.slug, "/registrations"),
    )


def attendees_notice(
    page: SessionAttendeesPage, done: str, who: int | None, to: int | None, raised: bool
) -> str | None:
    """What the last by-hand change did, after its redirect (read back from the list)."""
    rows = {r.registration_id: r for r in (*page.confirmed, *page.waitlist, *page.cancelled_rows)}
    row = rows.get(who) if who is not None else None
    if row is None:
        return None
    if done == "promoted":
        text = _("%(name)s has a seat now, ahead of the waitlist, and is told by e-mail.", name=row.name)
        return text + (" " + _("The session was full: its capacity went up by one.") if raised else "")
    if done == "added":
        return _("%(name)s is added (%(status)s) and gets their links by e-mail.", name=row.name, status=row.status_text)
    if done == "cancelled":
        return _("The registration of %(name)s is cancelled; they are told by e-mail.", name=row.name)
    if done == "moved":
        title = next((t.label for t in page.move_targets if t.session_id == to), "")
        return _("%(name)s moved to %(title)s and is told by e-mail; a seat they freed here went to the waitlist.",
                 name=row.name, title=title)
    return None


def seats_text(capacity: int | None, confirmed: int) -> str:
    left = seats_left(capacity, confirmed)
    if left is None:
        return _("No seat limit")
    if left == 0:
        return _("Full")
    return seats_left_text(left, capacity or 0)


def _target_label(fill: SessionFill) -> str:
    label = f"{session_when(fill)} · {fill.title}"
    return label + " " + _("(full)") if seats_left(fill.capacity, fill.confirmed) == 0 else label


def _attendee_row(mission: Mission, item: Listed) -> AttendeeRow:
    return AttendeeRow(
        registration_id=item.registration.id,
        name=item.attendee.name,
        email=item.attendee.email,
        organisation=item.attendee.organisation,
        status_text=status_text(item),
        registered=local_time(item.registration.created_at, mission),
        checked_in=local_time(item.checked_in_at, mission),
        place=item.waitlist_position,
    )


# --- the door ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SessionChoice:
    session_id: int
    label: str
    selected: bool


@dataclass(frozen=True, slots=True)
class DoorPerson:
    """Someone found at the door: only the confirmed and not yet checked in get a button."""

    registration_id: int
    name: str
    organisation: str
    state: str  # checked-in | confirmed | waitlisted | cancelled (a CSS class; state_text says it)
    state_text: str
    code: str | None  # for the check-in button


@dataclass(frozen=True, slots=True)
class DoorAnswer:
    """What the last check-in said, in a sentence the door can read at a glance."""

    tone: str  # done | warning | refused
    heading: str
    detail: str


@dataclass(frozen=True, slots=True)
class Attendance:
    title: str
    when: str
    session_path: str
    checked_in: int
    confirmed: int
    text: str  # "12 of 20 checked in"
    current: bool


@dataclass(frozen=True, slots=True)
class CheckInPage:
    slug: str
    path: str
    sessions: list[SessionChoice]
    session_id: int | None
    session_title: str
    query: str
    found: list[DoorPerson] | None  # None: nothing searched yet
    answer: DoorAnswer | None
    attendance: list[Attendance]
    can_check_in: bool


def door_answer(outcome: CheckInOutcome, item: Listed, first: datetime | None, mission: Mission) -> DoorAnswer:
    name = item.attendee.name
    if outcome == CheckInOutcome.CHECKED_IN:
        return DoorAnswer("done", _("%(name)s is checked in.", name=name), _(
            "Checked in at %(time)s.", time=local_time(first, mission)))
    if outcome == CheckInOutcome.ALREADY_CHECKED_IN:
        return DoorAnswer("warning", _("%(name)s was checked in already.", name=name), _(
            "The first check-in was at %(time)s. Nothing was changed.", time=local_time(first, mission)))
    if outcome == CheckInOutcome.OTHER_SESSION:
        return DoorAnswer("refused", _("This code is for another session."), _(
            "%(name)s is registered for “%(title)s” (%(when)s), not for this one.",
            name=name, title=item.session.title, when=session_when(item.session)))
    if item.registration.status == RegistrationStatus.WAITLISTED:
        return DoorAnswer("refused", _("%(name)s is on the waitlist, not confirmed.", name=name), _(
            "Place %(place)s on the waitlist: they have no seat in this session.", place=item.waitlist_position or "?"))
    return DoorAnswer("refused", _("The registration of %(name)s is cancelled.", name=name), _(
        "They have no seat in this session."))


def door_person(candidate: Candidate, mission: Mission, *, can_check_in: bool) -> DoorPerson:
    item = candidate.listed
    status = item.registration.status
    code = None
    if item.checked_in_at is not None:
        state, text = "checked-in", _("Checked in at %(time)s", time=local_time(item.checked_in_at, mission))
    elif status == RegistrationStatus.CONFIRMED:
        state, text = "confirmed", _("Confirmed, not checked in yet")
        code = candidate.code if can_check_in else None
    else:
        state, text = status.value, status_text(item)
    return DoorPerson(item.registration.id, item.attendee.name, item.attendee.organisation, state, text, code)


def check_in_page(
    mission: Mission,
    fills: Sequence[SessionFill],
    session_id: int | None,
    *,
    query: str = "",
    found: Sequence[Candidate] | None = None,
    answer: DoorAnswer | None = None,
    can_check_in: bool,
) -> CheckInPage:
    open_sessions = [f for f in fills if f.status != SessionStatus.CANCELLED]
    chosen = next((f for f in open_sessions if f.session_id == session_id), None)
    return CheckInPage(
        slug=mission.slug,
        path=back_office(mission.slug, "/check-in"),
        sessions=[SessionChoice(f.session_id, f"{session_when(f)} · {f.title}", f is chosen) for f in open_sessions],
        session_id=chosen.session_id if chosen else None,
        session_title=chosen.title if chosen else "",
        query=query,
        found=None if found is None else [door_person(c, mission, can_check_in=can_check_in) for c in found],
        answer=answer,
        attendance=[_attendance(mission, f, f is chosen) for f in open_sessions],
        can_check_in=can_check_in,
    )


def _attendance(mission: Mission, fill: SessionFill, current: bool) -> Attendance:
    return Attendance(
        title=fill.title,
        when=session_when(fill),
        session_path=attendees_path(mission.slug, fill.session_id),
        checked_in=fill.checked_in,
        confirmed=fill.confirmed,
        text=_("%(checked_in)s of %(confirmed)s", checked_in=i18n.current().number(fill.checked_in),
               confirmed=i18n.current().number(fill.confirmed)),
        current=current,
    )

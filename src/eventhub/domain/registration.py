"""Who may sign up for a session, who gets a seat, and who moves up the waitlist.

Plain data in, plain decisions out; the service applies them under a lock on the session.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from eventhub.domain.errors import InvalidInput, StateConflict
from eventhub.domain.programme import MissionStatus, RegistrationMode, RegistrationStatus, SessionStatus
from eventhub.domain.scheduling import ConflictReason, Slot, TravelTimes, conflicts_with


class Refusal(StrEnum):
    """Stable reason codes for a session that cannot be registered for."""

    SESSION_NOT_FOUND = "session_not_found"
    MISSION_NOT_PUBLISHED = "mission_not_published"
    SESSION_NOT_PUBLISHED = "session_not_published"
    SESSION_CANCELLED = "session_cancelled"
    REGISTRATION_NOT_NEEDED = "registration_not_needed"
    REGISTRATION_CLOSED = "registration_closed"
    REGISTRATION_NOT_OPEN_YET = "registration_not_open_yet"
    REGISTRATION_WINDOW_ENDED = "registration_window_ended"
    SESSION_STARTED = "session_started"


class SignupStatus(StrEnum):
    """What one session of a signup came to: a registration's status, or refused (nothing stored)."""

    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    REFUSED = "refused"


ALREADY_REGISTERED = "already_registered"  # the code of a result that repeats an existing registration
ATTENDEE_EXISTS = "attendee_exists"  # a delegation member whose address is registered already (they get their link)
MAX_DELEGATION_MEMBERS = 50


def check_delegation(head_email: str | None, member_emails: Sequence[str | None]) -> None:
    """A delegation names each address once, the head's included (addresses compare
    case-insensitively); members without an address are as many as there are."""
    seen = {head_email.strip().casefold()} if head_email else set()
    for position, email in enumerate(member_emails):
        if not email:
            continue
        key = email.strip().casefold()
        if key in seen:
            raise InvalidInput(
                f"Member {position + 1} repeats an address of this delegation: each person needs their own.",
                code="duplicate_member_email",
                field=f"members[{position}].email",
                position=position,
            )
        seen.add(key)


def may_change_member(starts_at: datetime, now: datetime) -> bool:
    """A head may remove or swap a member in a session only until it starts."""
    return now < starts_at


@dataclass(frozen=True, slots=True)
class SignupWindow:
    """What decides whether a session takes registrations right now."""

    mission_status: MissionStatus
    session_status: SessionStatus
    mode: RegistrationMode
    opens_at: datetime | None
    closes_at: datetime | None
    starts_at: datetime


class SignupFields(Protocol):
    """What a session says about its signups, under the names the model, the locked row
    and the API body all use."""

    @property
    def status(self) -> SessionStatus: ...
    @property
    def registration(self) -> RegistrationMode: ...
    @property
    def registration_opens_at(self) -> datetime | None: ...
    @property
    def registration_closes_at(self) -> datetime | None: ...
    @property
    def starts_at_utc(self) -> datetime: ...


def signup_window(mission_status: MissionStatus, session: SignupFields) -> SignupWindow:
    """The signup window of a session of a mission in `mission_status`."""
    return SignupWindow(
        mission_status=mission_status,
        session_status=session.status,
        mode=session.registration,
        opens_at=session.registration_opens_at,
        closes_at=session.registration_closes_at,
        starts_at=session.starts_at_utc,
    )


def refusal(window: SignupWindow, now: datetime) -> Refusal | None:
    """Why registration is refused at `now`, or None when it is open."""
    if window.mission_status != MissionStatus.PUBLISHED:
        return Refusal.MISSION_NOT_PUBLISHED
    if window.session_status == SessionStatus.CANCELLED:
        return Refusal.SESSION_CANCELLED
    if window.session_status != SessionStatus.PUBLISHED:
        return Refusal.SESSION_NOT_PUBLISHED
    if window.mode == RegistrationMode.NONE:
        return Refusal.REGISTRATION_NOT_NEEDED
    if window.mode == RegistrationMode.CLOSED:
        return Refusal.REGISTRATION_CLOSED
    if now >= window.starts_at:  # registration always closes when the session starts
        return Refusal.SESSION_STARTED
    if window.opens_at is not None and now < window.opens_at:
        return Refusal.REGISTRATION_NOT_OPEN_YET
    if window.closes_at is not None and now >= window.closes_at:
        return Refusal.REGISTRATION_WINDOW_ENDED
    return None


def seats_left(capacity: int | None, confirmed: int) -> int | None:
    """Free seats (never negative), or None when the session has no seat limit."""
    return None if capacity is None else max(capacity - confirmed, 0)


@dataclass(frozen=True, slots=True)
class Seat:
    """A newcomer's registration as decided: its status and, when waitlisted, its place."""

    status: RegistrationStatus
    waitlist_position: int | None


def seat_for_newcomer(capacity: int | None, confirmed: int, waiting: int) -> Seat:
    """Confirmed while seats remain, otherwise the end of the waitlist: behind the
    `waiting` registrations already in it (places are 1-based and follow signup order)."""
    if seats_left(capacity, confirmed) != 0:
        return Seat(RegistrationStatus.CONFIRMED, None)
    return Seat(RegistrationStatus.WAITLISTED, waiting + 1)


def waitlist_places(waiting: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Each waitlisted registration's place in its session's queue (registration id ->
    1-based place), given every waitlisted (registration id, session id) of those sessions:
    signup order, which is id order, so places are always gap-free. The one computation of
    a waitlist position; a newcomer's is decided with its seat (`seat_for_newcomer`)."""
    places: dict[int, int] = {}
    queued: dict[int, int] = {}
    for registration_id, session_id in sorted(waiting):
        queued[session_id] = queued.get(session_id, 0) + 1
        places[registration_id] = queued[session_id]
    return places


def to_promote(capacity: int | None, confirmed: int, waitlist: Sequence[int]) -> list[int]:
    """The head of the waitlist (ids in queue order) that the free seats admit."""
    free = seats_left(capacity, confirmed)
    return list(waitlist) if free is None else list(waitlist[:free])


def capacity_to_seat_one_more(capacity: int | None, confirmed: int) -> int | None:
    """The capacity once an organiser seats a waitlisted person by hand: unchanged while
    a seat is free, else one seat more (an explicit override, never a silent overbooking)."""
    if seats_left(capacity, confirmed) != 0:
        return capacity
    return confirmed + 1


def check_new_capacity(capacity: int | None, confirmed: int) -> None:
    """Capacity never drops below the confirmed count: nobody is silently demoted."""
    if capacity is not None and capacity < confirmed:
        raise StateConflict(
            f"{confirmed} people are confirmed; capacity cannot go below that.",
            code="capacity_below_confirmed",
            confirmed=confirmed,
        )


class WarningKind(StrEnum):
    OVERLAP = "overlap"
    TRAVEL = "travel"


@dataclass(frozen=True, slots=True)
class ScheduleWarning:
    kind: WarningKind
    session_id: int  # the newly registered session
    other_session_id: int
    other_title: str
    travel_minutes: int | None = None


def schedule_warnings(
    new: Sequence[Slot], already: Sequence[Slot], travel: TravelTimes
) -> list[ScheduleWarning]:
    """Overlaps and too-short travel between newly registered sessions and the attendee's others.

    The attendee is treated as one person in every slot, so the programme's own
    person and travel rules give the answer.
    """
    attendee = frozenset({0})
    own = {s.session_id: _as_attendee(s, attendee) for s in [*already, *new]}
    warnings: list[ScheduleWarning] = []
    seen: set[frozenset[int]] = set()
    for slot in new:
        others = [s for sid, s in own.items() if sid != slot.session_id]
        for pair in conflicts_with(own[slot.session_id], others, travel):
            if pair.reason == ConflictReason.VENUE:
                continue
            other = pair.other_than(slot.session_id)
            key = frozenset({slot.session_id, other.session_id})
            if key in seen:
                continue
            seen.add(key)
            kind = WarningKind.OVERLAP if pair.reason == ConflictReason.PERSON else WarningKind.TRAVEL
            warnings.append(ScheduleWarning(kind, slot.session_id, other.session_id, other.title, pair.travel_minutes))
    return warnings


def _as_attendee(slot: Slot, attendee: frozenset[int]) -> Slot:
    return Slot(slot.session_id, slot.title, slot.starts_utc, slot.ends_utc, slot.venue_id, attendee, slot.timezone)

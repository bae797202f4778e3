"""What organisers do with attendees by hand — seat a waitlisted person ahead of the
queue, add someone, move someone to another session — and what they see of them: a
session's list, everyone in the mission, fill rates and the export.

Seats move only through the ledger (`seats`), under the locks of the sessions involved,
so these changes race safely with public signups and cancellations."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from eventhub.db.database import Database
from eventhub.db.models import Attendee, CheckIn, Mission, ProgrammeSession, Registration
from eventhub.domain.permissions import Action
from eventhub.db.services.access import Clock, Organiser, managed_mission
from eventhub.db.services.history import record_change
from eventhub.db.services.registrations import email_key
from eventhub.db.services.seats import (
    LockedSession,
    Promotion,
    claim_seat,
    confirmed_count,
    lock_session,
    lock_sessions,
    promote_now,
    release_seat,
)
from eventhub.domain.errors import NotFound, StateConflict
from eventhub.domain.programme import RegistrationStatus, SessionStatus
from eventhub.domain.registration import seats_left, waitlist_places
from eventhub.domain.tokens import feed_token_for, manage_token_for, new_token_salt, token_digest


@dataclass(frozen=True, slots=True)
class AttendeeDetails:
    name: str
    email: str
    organisation: str = ""


@dataclass(frozen=True, slots=True)
class Listed:
    """One registration as organisers see it."""

    registration: Registration
    session: ProgrammeSession
    attendee: Attendee
    waitlist_position: int | None
    checked_in_at: datetime | None


@dataclass(frozen=True, slots=True)
class Seated:
    """Someone an organiser put into a session (added, or moved there)."""

    listed: Listed
    new_attendee: bool


@dataclass(frozen=True, slots=True)
class Moved:
    left: Registration  # the registration in the session they left, now cancelled
    seated: Seated
    promoted: list[Registration]  # who took the seat they freed


@dataclass(frozen=True, slots=True)
class SessionAttendees:
    mission: Mission
    session: ProgrammeSession
    confirmed: list[Listed]
    waitlist: list[Listed]  # in queue order
    cancelled: list[Listed]

    @property
    def checked_in(self) -> int:
        return sum(1 for item in self.confirmed if item.checked_in_at is not None)


@dataclass(frozen=True, slots=True)
class SessionFill:
    session_id: int
    title: str
    starts_local: datetime
    status: SessionStatus
    capacity: int | None
    confirmed: int
    waitlisted: int
    checked_in: int


@dataclass(frozen=True, slots=True)
class MissionRegistrations:
    mission: Mission
    items: list[Listed]


def session_not_found(session_id: int) -> NotFound:
    return NotFound(f"No session {session_id} in this mission.", code="session_not_found")


def registration_not_found(registration_id: int) -> NotFound:
    return NotFound(f"No registration {registration_id} in this mission.", code="registration_not_found")


class Attendance:
    def __init__(self, database: Database, clock: Clock, secret_key: str) -> None:
        self._database = database
        self._clock = clock
        self._secret_key = secret_key

    # --- by hand ---------------------------------------------------------------------------------

    async def promote(self, slug: str, registration_id: int, organiser: Organiser | None) -> Promotion:
        """Seat this waitlisted person now, ahead of the queue (one seat more if full)."""
        now = self._clock()
        async with self._database.write() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.MANAGE_ATTENDEES)
            registration, locked = await _locked_registration(db, mission, registration_id)
            promotion = await promote_now(db, locked, registration, now)
            await _record_promotion(db, organiser, mission, promotion, now)
            return promotion

    async def add(
        self, slug: str, session_id: int, details: AttendeeDetails, organiser: Organiser | None
    ) -> Seated:
        """Register someone by hand: confirmed while seats remain, else on the waitlist (the
        organiser may then promote them). Their mail carries their manage and feed links.
        The signup window does not apply: organisers add people after it closed."""
        now = self._clock()
        async with self._database.write() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.MANAGE_ATTENDEES)
            attendee, new = await self._attendee(db, mission, details, now)
            locked = await lock_session(db, session_id, mission.id)
            if locked is None:
                raise session_not_found(session_id)
            return Seated(await _seat(db, mission, locked, attendee, now), new)

    async def move(
        self, slug: str, registration_id: int, to_session_id: int, organiser: Organiser | None,
        *, allow_waitlist: bool = False,
    ) -> Moved:
        """Move someone to another session in one transaction: their seat here goes to the
        head of this waitlist, and they take a seat there (the waitlist only if allowed)."""
        now = self._clock()
        async with self._database.write() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.MANAGE_ATTENDEES)
            registration = await _registration_in(db, mission, registration_id)
            if registration.session_id == to_session_id:
                raise StateConflict("They are registered for this session already.", code="same_session")
            locks = await lock_sessions(db, [registration.session_id, to_session_id], mission.id)
            if to_session_id not in locks:
                raise session_not_found(to_session_id)
            await db.refresh(registration)
            if registration.status == RegistrationStatus.CANCELLED:
                raise StateConflict("This registration is cancelled.", code="registration_cancelled")
            target = locks[to_session_id]
            if seats_left(target.session.capacity, await confirmed_count(db, target)) == 0 and not allow_waitlist:
                raise StateConflict(
                    "The other session is full: they would join its waitlist.",
                    code="session_full", capacity=target.session.capacity,
                )
            attendee = await db.get_one(Attendee, registration.attendee_id)
            promoted = await release_seat(db, locks[registration.session_id], registration, now)
            listed = await _seat(db, mission, target, attendee, now)
            return Moved(registration, Seated(listed, False), promoted)

    async def _attendee(
        self, db: AsyncSession, mission: Mission, details: AttendeeDetails, now: datetime
    ) -> tuple[Attendee, bool]:
        """The mission's attendee with this address, or a new one (the unique key decides a
        race with a public signup of the same address)."""
        key = email_key(details.email)
        query = select(Attendee).where(Attendee.mission_id == mission.id, Attendee.email_key == key)
        found = await db.scalar(query)
        if found is not None:
            return found, False
        salt = new_token_salt()
        manage = manage_token_for(self._secret_key, salt, 0)
        attendee = Attendee(
            mission_id=mission.id, name=details.name.strip(), email=details.email.strip(), email_key=key,
            organisation=details.organisation.strip(), token_salt=salt,
            manage_token_hash=token_digest(manage), feed_token_hash=token_digest(feed_token_for(manage, 0)),
            manage_generation=0, feed_generation=0, created_at=now, updated_at=now,
        )
        try:
            async with db.begin_nested():
                db.add(attendee)
        except IntegrityError:  # registered themselves a moment ago
            return (await db.scalars(query)).one(), False
        return attendee, True

    # --- what organisers see ---------------------------------------------------------------------

    async def session_attendees(self, slug: str, session_id: int, organiser: Organiser | None) -> SessionAttendees:
        async with self._database.read() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.VIEW_ATTENDEES)
            session = await db.scalar(
                select(ProgrammeSession).where(ProgrammeSession.id == session_id, ProgrammeSession.mission_id == mission.id)
            )
            if session is None:
                raise session_not_found(session_id)
            items = await listed(db, mission.id, session_id)
        by_status: dict[RegistrationStatus, list[Listed]] = {s: [] for s in RegistrationStatus}
        for item in items:
            by_status[item.registration.status].append(item)
        waitlist = sorted(by_status[RegistrationStatus.WAITLISTED], key=lambda i: i.waitlist_position or 0)
        return SessionAttendees(
            mission, session, by_status[RegistrationStatus.CONFIRMED], waitlist, by_status[RegistrationStatus.CANCELLED]
        )

    async def registrations(
        self, slug: str, organiser: Organiser | None, search: str | None = None
    ) -> MissionRegistrations:
        """Every registration of the mission (the export's rows), or those of the attendees
        whose name, address or organisation contains `search`."""
        async with self._database.read() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.VIEW_ATTENDEES)
            items = await listed(db, mission.id)
        if search and search.strip():
            items = [i for i in items if matches(i, search)]
        return MissionRegistrations(mission, items)

    async def fill_rates(self, slug: str, organiser: Organiser | None) -> list[SessionFill]:
        """Seats taken per session (not drafts), in programme order, for the overview's chart."""
        async with self._database.read() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.VIEW)
            checked_in = (
                select(CheckIn.session_id, func.count().label("n")).group_by(CheckIn.session_id).subquery()
            )
            rows = await db.execute(
                select(ProgrammeSession, func.coalesce(checked_in.c.n, 0))
                .outerjoin(checked_in, checked_in.c.session_id == ProgrammeSession.id)
                .where(ProgrammeSession.mission_id == mission.id, ProgrammeSession.status != SessionStatus.DRAFT)
                .order_by(ProgrammeSession.starts_at_utc, ProgrammeSession.id)
            )
            return [
                SessionFill(s.id, s.title, s.starts_local, s.status, s.capacity, s.confirmed_count,
                            s.waitlisted_count, int(n))
                for s, n in rows
            ]


# --- helpers -----------------------------------------------------------------------------------------


async def _registration_in(db: AsyncSession, mission: Mission, registration_id: int) -> Registration:
    registration = await db.scalar(
        select(Registration)
        .join(ProgrammeSession, ProgrammeSession.id == Registration.session_id)
        .where(Registration.id == registration_id, ProgrammeSession.mission_id == mission.id)
    )
    if registration is None:
        raise registration_not_found(registration_id)
    return registration


async def _locked_registration(
    db: AsyncSession, mission: Mission, registration_id: int
) -> tuple[Registration, LockedSession]:
    """A registration of the mission, read again under its session's lock."""
    registration = await _registration_in(db, mission, registration_id)
    locked = await lock_session(db, registration.session_id, mission.id)
    if locked is None:  # the session went away in between
        raise registration_not_found(registration_id)
    await db.refresh(registration)
    return registration, locked


async def _record_promotion(
    db: AsyncSession, organiser: Organiser | None, mission: Mission, promotion: Promotion, now: datetime
) -> None:
    """The history says a seat was given by hand: an override when it passed anyone over
    or raised the capacity, with who was seated, who was passed over, and the capacity."""
    registration = promotion.registration
    ids = [registration.id, *promotion.ahead]
    found: dict[int, str] = {registration_id: name for registration_id, name in await db.execute(
        select(Registration.id, Attendee.name)
        .join(Attendee, Attendee.id == Registration.attendee_id)
        .where(Registration.id.in_(ids))
    )}
    fields: dict[str, list[object]] = {
        "attendee": [None, found[registration.id]],
        "status": [RegistrationStatus.WAITLISTED, registration.status],
        "waitlist_position": [promotion.passed_over + 1, None],
        "override": [None, bool(promotion.ahead) or promotion.capacity_raised],
        "passed_over": [None, [found[i] for i in promotion.ahead]],
    }
    if promotion.capacity_raised:
        fields["capacity"] = [promotion.capacity_before, promotion.capacity_after]
    await record_change(db, organiser, mission, subject="registration", subject_id=registration.id,
                        change="promoted", session_id=registration.session_id, about_attendees=True, at=now,
                        fields=fields)


def _check_can_seat(locked: LockedSession) -> None:
    if locked.session.status == SessionStatus.CANCELLED:
        raise StateConflict("The session is cancelled.", code="session_cancelled")


async def _live_registration(db: AsyncSession, session_id: int, attendee_id: int) -> Registration | None:
    return await db.scalar(
        select(Registration).where(
            Registration.session_id == session_id,
            Registration.attendee_id == attendee_id,
            Registration.status != RegistrationStatus.CANCELLED,
        )
    )


async def _seat(db: AsyncSession, mission: Mission, locked: LockedSession, attendee: Attendee, now: datetime) -> Listed:
    """Claim a seat (or the waitlist) for the attendee in a locked session."""
    _check_can_seat(locked)
    existing = await _live_registration(db, locked.session.id, attendee.id)
    if existing is not None:
        raise StateConflict(
            f"{attendee.name} is registered for this session already ({existing.status.value}).",
            code="already_registered", registration_id=existing.id,
        )
    claim = await claim_seat(db, locked, attendee.id, now)
    registration = await _live_registration(db, locked.session.id, attendee.id)
    assert registration is not None
    # The seat is a Core insert, which the history does not see by itself.
    await record_change(db, None, mission, subject="registration", subject_id=registration.id, change="created",
                        session_id=locked.session.id, about_attendees=True, at=now,
                        fields={"attendee": [None, attendee.name], "status": [None, registration.status]})
    return Listed(registration, locked.session, attendee, claim.waitlist_position, None)


async def listed(db: AsyncSession, mission_id: int, session_id: int | None = None) -> list[Listed]:
    """Every registration of the mission (or of one of its sessions): whole queues, so
    their waitlist places are numbered from this one statement's snapshot (a second
    query, on PostgreSQL, could see a promotion the first did not)."""
    where = [ProgrammeSession.mission_id == mission_id]
    if session_id is not None:
        where.append(Registration.session_id == session_id)
    rows = list(await db.execute(
        select(Registration, ProgrammeSession, Attendee, CheckIn.checked_in_at)
        .join(ProgrammeSession, ProgrammeSession.id == Registration.session_id)
        .join(Attendee, Attendee.id == Registration.attendee_id)
        .outerjoin(CheckIn, CheckIn.registration_id == Registration.id)
        .where(*where)
        .order_by(ProgrammeSession.starts_at_utc, ProgrammeSession.id, Registration.id)
    ))
    places = waitlist_places((r.id, r.session_id) for r, *_ in rows if r.status == RegistrationStatus.WAITLISTED)
    return [Listed(r, s, a, places.get(r.id), checked) for r, s, a, checked in rows]


def matches(item: Listed, search: str) -> bool:
    """Whether the attendee's name, address or organisation contains the search text."""
    wanted = searchable(search)
    return bool(wanted) and any(
        wanted in searchable(text) for text in (item.attendee.name, item.attendee.email, item.attendee.organisation)
    )


def searchable(text: str) -> str:
    """Text as a search compares it: case-folded, without accents (Racina finds Raciņa)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


def distinct_attendees(items: Iterable[Listed]) -> list[tuple[Attendee, list[Listed]]]:
    """Registrations grouped by attendee, attendees by name."""
    grouped: dict[int, tuple[Attendee, list[Listed]]] = {}
    for item in items:
        grouped.setdefault(item.attendee.id, (item.attendee, []))[1].append(item)
    return sorted(grouped.values(), key=lambda pair: (pair[0].name.casefold(), pair[0].id))

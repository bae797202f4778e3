"""The seat ledger: the only code that confirms a seat or moves the waitlist.

Every function takes a `LockedSession`, which only `lock_session` and `lock_for_signup`
make, inside a write transaction: a row lock on PostgreSQL (`FOR UPDATE`, bounded by
lock_timeout), the database write lock on SQLite (`BEGIN IMMEDIATE`). So the count, the
decision and the insert or promotion see no concurrent change, whatever the number of
processes.

Signing up is the hot path (a popular workshop opens to a rush): the attendee is written
before the lock, the lock statement reads the queue's counts with the session row (kept
there by triggers), and the registration with its outbox row is one more statement on
PostgreSQL (two on SQLite): prebuilt Core statements, no ORM work inside the lock.
Signups of one process for the same session queue in asyncio first (`signup_turns`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import lazyload

from eventhub.db.database import Turns
from eventhub.db.mail_facts import MailFacts, session_note
from eventhub.db.models import Mission, ProgrammeSession, Registration, Venue
from eventhub.db.services.outbox import OUTBOX, enqueue, insert_messages, message_row
from eventhub.domain.mail import MailKind
from eventhub.domain.errors import StateConflict
from eventhub.domain.programme import Place, RegistrationStatus, SessionStatus
from eventhub.domain.registration import (
    Seat,
    capacity_to_seat_one_more,
    check_new_capacity,
    seat_for_newcomer,
    to_promote,
    waitlist_places,
)

_LOCK_KEY = object()
_SESSION = ProgrammeSession.__table__
_MISSION = Mission.__table__
_VENUE = Venue.__table__
_REGISTRATION = Registration.__table__


@dataclass(frozen=True, slots=True)
class LockedSession:
    # The ORM ProgrammeSession, or the row of `lock_for_signup`; the ledger reads only
    # id, mission_id, status and capacity of it.
    session: Any
    _key: object = field(repr=False)
    # [confirmed, waiting] as read by `lock_for_signup`, counted on by each claim under
    # the same lock (a delegation takes several seats in one transaction).
    queue: list[int] | None = None

    def __post_init__(self) -> None:
        if self._key is not _LOCK_KEY:
            raise TypeError("LockedSession comes only from lock_session() or lock_for_signup()")


@dataclass(frozen=True, slots=True)
class Promotion:
    """A waitlisted person an organiser seated by hand, ahead of the queue."""

    registration: Registration
    capacity_before: int | None
    capacity_after: int | None
    ahead: tuple[int, ...]  # registration ids of those who were ahead of them on the waitlist, in order

    @property
    def passed_over(self) -> int:
        return len(self.ahead)

    @property
    def capacity_raised(self) -> bool:
        return self.capacity_after != self.capacity_before


async def lock_session(db: AsyncSession, session_id: int, mission_id: int | None = None) -> LockedSession | None:
    """Lock a session and load it as an ORM object (for organisers' edits and cancellations)."""
    query = (
        select(ProgrammeSession)
        .where(ProgrammeSession.id == session_id)
        # The seat path never reads venue or speakers: leave them unloaded.
        .options(lazyload(ProgrammeSession.venue), lazyload(ProgrammeSession.speakers))
        .with_for_update(of=ProgrammeSession)
    )
    if mission_id is not None:
        query = query.where(ProgrammeSession.mission_id == mission_id)
    session = await db.scalar(query)
    return None if session is None else LockedSession(session, _LOCK_KEY)


# What signing up reads of a session and its mission (found by slug): the ledger's fields
# with the queue's counts, the signup window, what schedule warnings show, and what the
# mail will say (its time and place, as of this lock). On
# PostgreSQL a wait for the row lock ends by reading the row's newest version, so the
# counts (kept in the row by triggers) are current; on SQLite the write lock has been
# held since BEGIN IMMEDIATE.
_LOCK_FOR_SIGNUP = (
    select(
        _SESSION.c.id, _SESSION.c.mission_id, _SESSION.c.status, _SESSION.c.capacity, _SESSION.c.registration,
        _SESSION.c.registration_opens_at, _SESSION.c.registration_closes_at, _SESSION.c.starts_at_utc,
        _SESSION.c.ends_at_utc, _SESSION.c.venue_id, _SESSION.c.title, _SESSION.c.timezone,
        _SESSION.c.confirmed_count, _SESSION.c.waitlisted_count,
        _SESSION.c.starts_local, _SESSION.c.ends_local, _SESSION.c.online_url, _SESSION.c.translations,
        _SESSION.c.cancel_reason,
        _MISSION.c.status.label("mission_status"), _MISSION.c.title.label("mission_title"),
        _MISSION.c.organiser_name,
        _VENUE.c.name.label("venue_name"), _VENUE.c.address.label("venue_address"),
        _VENUE.c.translations.label("venue_translations"),
    )
    .join_from(_SESSION, _MISSION, _MISSION.c.id == _SESSION.c.mission_id)
    .outerjoin(_VENUE, _VENUE.c.id == _SESSION.c.venue_id)
    .where(_SESSION.c.id == bindparam("session_id"), _MISSION.c.slug == bindparam("slug"))
    .with_for_update(of=_SESSION)
)


_SIGNUP_TURNS = Turns()


def signup_turns(session_ids: Iterable[int], timeout_seconds: float) -> AbstractAsyncContextManager[None]:
    """Signups of this process for the same sessions take turns before their transaction
    (see `Turns`): in a rush on one session they would all wait for its row lock anyway."""
    deadline = asyncio.get_running_loop().time() + timeout_seconds
    return _SIGNUP_TURNS.take(sorted(set(session_ids)), deadline)


async def lock_sessions(db: AsyncSession, session_ids: Iterable[int], mission_id: int) -> dict[int, LockedSession]:
    """Lock several sessions of a mission, always in id order (two movers never deadlock);
    the ones that do not exist are missing from the answer."""
    locked = {}
    for session_id in sorted(set(session_ids)):
        found = await lock_session(db, session_id, mission_id)
        if found is not None:
            locked[session_id] = found
    return locked


async def lock_for_signup(db: AsyncSession, slug: str, session_id: int) -> LockedSession | None:
    """Lock a session of the mission `slug` for one claim, reading plain columns: the
    session's, its mission's (`mission_status`, `mission_title`) and the queue's counts."""
    row = (await db.execute(_LOCK_FOR_SIGNUP, {"session_id": session_id, "slug": slug})).first()
    if row is None:
        return None
    return LockedSession(row, _LOCK_KEY, queue=[row.confirmed_count, row.waitlisted_count])


@dataclass(frozen=True, slots=True)
class SeatCount:
    confirmed: int = 0
    waitlisted: int = 0


async def seat_counts(db: AsyncSession, session_ids: Iterable[int]) -> dict[int, SeatCount]:
    """Confirmed and waitlisted registrations per session, as the sessions' rows count them:
    the one source of both counts (triggers keep them in the statement that changes a
    registration, so they are current inside a transaction too)."""
    ids = list(session_ids)
    if not ids:
        return {}
    rows = await db.execute(
        select(_SESSION.c.id, _SESSION.c.confirmed_count, _SESSION.c.waitlisted_count).where(_SESSION.c.id.in_(ids))
    )
    return {session_id: SeatCount(confirmed, waitlisted) for session_id, confirmed, waitlisted in rows}


async def confirmed_count(db: AsyncSession, locked: LockedSession) -> int:
    """The locked session's confirmed count, read again (the ORM row may hold an older one)."""
    return (await seat_counts(db, [locked.session.id])).get(locked.session.id, SeatCount()).confirmed


async def claim_seat(db: AsyncSession, locked: LockedSession, attendee_id: int, now: datetime) -> Seat:
    """A new registration: confirmed while seats remain, else at the end of the waitlist.

    `lock_for_signup` read the queue's counts, so a waitlisted newcomer's place is known
    without asking again: everyone waiting is ahead of the newest registration (claims
    after the first under that lock count on from there). Under
    `lock_session` (an organiser adding or moving someone) they are read here."""
    if locked.queue is not None:
        confirmed, waiting = locked.queue
    else:
        counts = (await seat_counts(db, [locked.session.id])).get(locked.session.id, SeatCount())
        confirmed, waiting = counts.confirmed, counts.waitlisted
    seat = seat_for_newcomer(locked.session.capacity, confirmed, waiting)
    status = seat.status
    if locked.queue is not None:
        locked.queue[0 if status == RegistrationStatus.CONFIRMED else 1] += 1
    registration = {
        "session_id": locked.session.id,
        "attendee_id": attendee_id,
        "status": status,
        "confirmed_at": now if status == RegistrationStatus.CONFIRMED else None,
        "cancelled_at": None,
        "created_at": now,
        "updated_at": now,
    }
    facts = await _facts(db, locked, status, seat.waitlist_position)
    mail = message_row(MailKind.REGISTERED, locked.session.mission_id, attendee_id, locked.session.id, now, facts=facts)
    await _insert_with_mail(db, registration, mail)
    return seat


def _prefixed_insert(table: Any, prefix: str) -> Any:
    """An INSERT whose parameters carry a prefix, so that two can share one statement."""
    return insert(table).values({c.name: bindparam(prefix + c.name, type_=c.type) for c in table.c if c.name != "id"})


# PostgreSQL writes the registration and its mail in one statement (one round trip
# inside the lock); SQLite has no data-modifying WITH, so it takes two.
_NEW_REGISTRATION = _prefixed_insert(_REGISTRATION, "r_").returning(_REGISTRATION.c.id).cte("new_registration")
_INSERT_WITH_MAIL = select(_NEW_REGISTRATION.c.id).add_cte(_prefixed_insert(OUTBOX, "m_").cte("new_mail"))
_INSERT_REGISTRATION = insert(_REGISTRATION)


async def _insert_with_mail(db: AsyncSession, registration: dict[str, Any], mail: dict[str, Any]) -> None:
    """Insert a registration and the outbox row that tells its attendee."""
    if db.get_bind().dialect.name == "postgresql":
        params = {**{"r_" + k: v for k, v in registration.items()}, **{"m_" + k: v for k, v in mail.items()}}
        await db.execute(_INSERT_WITH_MAIL, params)
        return
    await db.execute(_INSERT_REGISTRATION, registration)
    await insert_messages(db, mail)


async def release_seat(
    db: AsyncSession, locked: LockedSession, registration: Registration, now: datetime
) -> list[Registration]:
    """Cancel a registration; a freed seat goes to the head of the waitlist at once."""
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.updated_at = now
    await _tell(db, MailKind.REGISTRATION_CANCELLED, locked, registration, now)
    await db.flush()
    return await promote_waitlist(db, locked, now) if was_confirmed else []


async def change_capacity(
    db: AsyncSession, locked: LockedSession, capacity: int | None, now: datetime
) -> list[Registration]:
    """Set a new capacity (never below the confirmed count) and fill the new seats."""
    check_new_capacity(capacity, await confirmed_count(db, locked))
    locked.session.capacity = capacity
    await db.flush()
    return await promote_waitlist(db, locked, now)


async def promote_waitlist(db: AsyncSession, locked: LockedSession, now: datetime) -> list[Registration]:
    """Move the head of the waitlist into free seats, first come first served."""
    if locked.session.status == SessionStatus.CANCELLED:
        return []
    waiting = list(await db.scalars(
        select(Registration)
        .where(Registration.session_id == locked.session.id, Registration.status == RegistrationStatus.WAITLISTED)
        .order_by(Registration.id)
    ))
    chosen = set(to_promote(locked.session.capacity, await confirmed_count(db, locked), [r.id for r in waiting]))
    promoted = [r for r in waiting if r.id in chosen]
    if promoted:
        await db.execute(
            update(Registration)
            .where(Registration.id.in_(chosen))
            .values(status=RegistrationStatus.CONFIRMED, confirmed_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        for registration in promoted:
            registration.status = RegistrationStatus.CONFIRMED
            registration.confirmed_at = now
            registration.updated_at = now
            await _tell(db, MailKind.PROMOTED, locked, registration, now)
    return promoted


async def promote_now(db: AsyncSession, locked: LockedSession, registration: Registration, now: datetime) -> Promotion:
    """Seat a waitlisted person now, ahead of the queue (an organiser's explicit override):
    in a free seat, else in one seat more, so the capacity is never exceeded but raised
    in the open. Everyone else keeps their place in the queue."""
    if registration.session_id != locked.session.id:
        raise TypeError("promote_now needs the lock of the registration's session")
    if registration.status != RegistrationStatus.WAITLISTED:
        raise StateConflict(
            f"This registration is {registration.status.value}, not on the waitlist.",
            code="not_waitlisted",
            registration_status=registration.status.value,
        )
    if locked.session.status == SessionStatus.CANCELLED:
        raise StateConflict("The session is cancelled.", code="session_cancelled")
    ahead = tuple(await db.scalars(
        select(Registration.id)
        .where(
            Registration.session_id == locked.session.id,
            Registration.status == RegistrationStatus.WAITLISTED,
            Registration.id < registration.id,
        )
        .order_by(Registration.id)
    ))
    before = locked.session.capacity
    after = capacity_to_seat_one_more(before, await confirmed_count(db, locked))
    locked.session.capacity = after
    registration.status = RegistrationStatus.CONFIRMED
    registration.confirmed_at = now
    registration.updated_at = now
    await _tell(db, MailKind.PROMOTED, locked, registration, now)
    await db.flush()
    return Promotion(registration, before, after, ahead)


async def waitlist_positions(db: AsyncSession, registrations: Iterable[Registration]) -> dict[int, int]:
    """Queue places of the waitlisted among `registrations` (registration id -> 1-based
    place), in one query however many there are: it reads the queues of their sessions
    and `waitlist_places` numbers them. A caller that has read whole queues itself (the
    export) numbers them directly, in its own snapshot."""
    wanted = {r.id: r.session_id for r in registrations if r.status == RegistrationStatus.WAITLISTED}
    if not wanted:
        return {}
    queues = await db.execute(
        select(Registration.id, Registration.session_id).where(
            Registration.session_id.in_(set(wanted.values())),
            Registration.status == RegistrationStatus.WAITLISTED,
        )
    )
    places = waitlist_places((registration_id, session_id) for registration_id, session_id in queues)
    return {registration_id: places[registration_id] for registration_id in wanted if registration_id in places}


async def _tell(
    db: AsyncSession, kind: MailKind, locked: LockedSession, registration: Registration, now: datetime
) -> None:
    """Mail the attendee about their seat, in the transaction that moved it, saying where it is now."""
    facts = await _facts(db, locked, registration.status, None, registration.id)
    await enqueue(db, kind, mission_id=locked.session.mission_id, attendee_id=registration.attendee_id,
                  session_id=locked.session.id, now=now, facts=facts)


async def _facts(
    db: AsyncSession, locked: LockedSession, status: RegistrationStatus, position: int | None,
    registration_id: int | None = None,
) -> MailFacts:
    """What a seat mail says, read under the lock: nobody can move the session meanwhile.
    The row of `lock_for_signup` carries it; for an ORM session the venue and mission are
    usually in the identity map already (`get` asks the database only if not)."""
    session = locked.session
    if isinstance(session, ProgrammeSession):
        venue = await db.get(Venue, session.venue_id) if session.venue_id is not None else None
        organiser = (await db.get_one(Mission, session.mission_id)).organiser_name
    else:
        venue = (Place(session.venue_name, session.venue_address, session.venue_translations or {})
                 if session.venue_id is not None else None)
        organiser = session.organiser_name
    return MailFacts(organiser_name=organiser or "", status=status, waitlist_position=position,
                     registration_id=registration_id, session=session_note(session, venue))

"""The seat ledger: the only code that confirms a seat or moves the waitlist.

Every function takes a `LockedSession`, which only `lock_session` makes, inside a write
transaction: a row lock on PostgreSQL (`FOR UPDATE`, bounded by lock_timeout), the
database write lock on SQLite (`BEGIN IMMEDIATE`). So the count, the decision and the
insert or promotion see no concurrent change, whatever the number of processes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import lazyload

from eventhub.db.models import ProgrammeSession, Registration
from eventhub.db.services.outbox import enqueue
from eventhub.domain.mail import MailKind
from eventhub.domain.programme import RegistrationStatus, SessionStatus
from eventhub.domain.registration import check_new_capacity, seat_for_newcomer, to_promote

_LOCK_KEY = object()
_PLACES = "eventhub.seats.places"  # key in the database session's info: registration id -> queue place


@dataclass(frozen=True, slots=True)
class LockedSession:
    session: ProgrammeSession
    _key: object = field(repr=False)

    def __post_init__(self) -> None:
        if self._key is not _LOCK_KEY:
            raise TypeError("LockedSession comes only from lock_session()")


async def lock_session(db: AsyncSession, session_id: int, mission_id: int | None = None) -> LockedSession | None:
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


async def confirmed_count(db: AsyncSession, locked: LockedSession) -> int:
    return await _count(db, locked.session.id, RegistrationStatus.CONFIRMED)


async def claim_seat(db: AsyncSession, locked: LockedSession, attendee_id: int, now: datetime) -> Registration:
    """A new registration: confirmed while seats remain, else at the end of the waitlist.

    One query counts both the confirmed and the waiting, so a waitlisted newcomer's place
    is known without asking again (see `waitlist_position`)."""
    confirmed, waiting = await _queue_counts(db, locked.session.id)
    status = seat_for_newcomer(locked.session.capacity, confirmed)
    registration = Registration(
        session_id=locked.session.id,
        attendee_id=attendee_id,
        status=status,
        confirmed_at=now if status == RegistrationStatus.CONFIRMED else None,
        created_at=now,
        updated_at=now,
    )
    db.add(registration)
    _tell(db, MailKind.REGISTERED, locked, attendee_id, now)
    await db.flush()
    if status == RegistrationStatus.WAITLISTED:
        # The newest registration of a locked session: everyone waiting is ahead of it.
        _known_places(db)[registration.id] = waiting + 1
    return registration


async def release_seat(
    db: AsyncSession, locked: LockedSession, registration: Registration, now: datetime
) -> list[Registration]:
    """Cancel a registration; a freed seat goes to the head of the waitlist at once."""
    _forget_places(db)
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.updated_at = now
    _tell(db, MailKind.REGISTRATION_CANCELLED, locked, registration.attendee_id, now)
    await db.flush()
    return await promote_waitlist(db, locked, now) if was_confirmed else []


async def change_capacity(
    db: AsyncSession, locked: LockedSession, capacity: int | None, now: datetime
) -> list[Registration]:
    """Set a new capacity (never below the confirmed count) and fill the new seats."""
    _forget_places(db)
    check_new_capacity(capacity, await confirmed_count(db, locked))
    locked.session.capacity = capacity
    await db.flush()
    return await promote_waitlist(db, locked, now)


async def promote_waitlist(db: AsyncSession, locked: LockedSession, now: datetime) -> list[Registration]:
    """Move the head of the waitlist into free seats, first come first served."""
    _forget_places(db)
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
            _tell(db, MailKind.PROMOTED, locked, registration.attendee_id, now)
    return promoted


async def waitlist_position(db: AsyncSession, registration: Registration) -> int | None:
    """1-based place in the queue (derived from id order, so always gap-free)."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    known = db.info.get(_PLACES)
    if known is not None and registration.id in known:
        return int(known[registration.id])
    ahead = await db.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.session_id == registration.session_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            Registration.id < registration.id,
        )
    )
    return int(ahead or 0) + 1


async def waitlist_positions(db: AsyncSession, registrations: Iterable[Registration]) -> dict[int, int]:
    """Queue places of many registrations at once (registration id -> 1-based place), in one
    query however many there are; the same numbers as `waitlist_position`."""
    waiting = {r.id: r.session_id for r in registrations if r.status == RegistrationStatus.WAITLISTED}
    if not waiting:
        return {}
    place = (
        func.row_number()
        .over(partition_by=Registration.session_id, order_by=Registration.id)
        .label("place")
    )
    queues = (
        select(Registration.id, place)
        .where(
            Registration.session_id.in_(set(waiting.values())),
            Registration.status == RegistrationStatus.WAITLISTED,
        )
        .subquery()
    )
    rows = await db.execute(select(queues.c.id, queues.c.place).where(queues.c.id.in_(list(waiting))))
    return {registration_id: int(position) for registration_id, position in rows}


async def _queue_counts(db: AsyncSession, session_id: int) -> tuple[int, int]:
    """(confirmed, waitlisted) registrations of a session, in one query (an index-only scan)."""
    rows = await db.execute(
        select(Registration.status, func.count())
        .where(
            Registration.session_id == session_id,
            Registration.status.in_((RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)),
        )
        .group_by(Registration.status)
    )
    counts = {status: int(count) for status, count in rows}
    return counts.get(RegistrationStatus.CONFIRMED, 0), counts.get(RegistrationStatus.WAITLISTED, 0)


def _known_places(db: AsyncSession) -> dict[int, int]:
    """Queue places learnt in this transaction while the session's lock is held; anything
    that moves a queue forgets them (`_forget_places`)."""
    places: dict[int, int] = db.info.setdefault(_PLACES, {})
    return places


def _forget_places(db: AsyncSession) -> None:
    db.info.pop(_PLACES, None)


async def _count(db: AsyncSession, session_id: int, status: RegistrationStatus) -> int:
    count = await db.scalar(
        select(func.count()).select_from(Registration).where(
            Registration.session_id == session_id, Registration.status == status
        )
    )
    return int(count or 0)


def _tell(db: AsyncSession, kind: MailKind, locked: LockedSession, attendee_id: int, now: datetime) -> None:
    """Mail the attendee about their seat, in the transaction that moved it."""
    enqueue(db, kind, mission_id=locked.session.mission_id, attendee_id=attendee_id, session_id=locked.session.id, now=now)

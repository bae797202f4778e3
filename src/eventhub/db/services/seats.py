"""The seat ledger: the only code that confirms a seat or moves the waitlist.

Every function takes a `LockedSession`, which only `lock_session` makes, inside a write
transaction: a row lock on PostgreSQL (`FOR UPDATE`, bounded by lock_timeout), the
database write lock on SQLite (`BEGIN IMMEDIATE`). So the count, the decision and the
insert or promotion see no concurrent change, whatever the number of processes.
"""

from __future__ import annotations

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
    """A new registration: confirmed while seats remain, else at the end of the waitlist."""
    status = seat_for_newcomer(locked.session.capacity, await confirmed_count(db, locked))
    registration = Registration(
        session_id=locked.session.id,
        attendee_id=attendee_id,
        status=status,
        confirmed_at=now if status == RegistrationStatus.CONFIRMED else None,
        created_at=now,
        updated_at=now,
    )
    db.add(registration)
    enqueue(
        db, MailKind.REGISTERED,
        mission_id=locked.session.mission_id, attendee_id=attendee_id, session_id=locked.session.id, now=now,
    )
    await db.flush()
    return registration


async def release_seat(
    db: AsyncSession, locked: LockedSession, registration: Registration, now: datetime
) -> list[Registration]:
    """Cancel a registration; a freed seat goes to the head of the waitlist at once."""
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.updated_at = now
    enqueue(
        db, MailKind.REGISTRATION_CANCELLED,
        mission_id=locked.session.mission_id, attendee_id=registration.attendee_id,
        session_id=locked.session.id, now=now,
    )
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
            enqueue(
                db, MailKind.PROMOTED,
                mission_id=locked.session.mission_id, attendee_id=registration.attendee_id,
                session_id=locked.session.id, now=now,
            )
    return promoted


async def waitlist_position(db: AsyncSession, registration: Registration) -> int | None:
    """1-based place in the queue (derived from id order, so always gap-free)."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
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


async def _count(db: AsyncSession, session_id: int, status: RegistrationStatus) -> int:
    count = await db.scalar(
        select(func.count()).select_from(Registration).where(
            Registration.session_id == session_id, Registration.status == status
        )
    )
    return int(count or 0)

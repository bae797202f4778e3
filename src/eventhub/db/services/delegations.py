"""A head of delegation looks after their members: sees them with their registrations (and
the links of those without an address), removes one, or swaps one for someone else,
each until the session concerned starts. Adding members is a group registration with
the head's manage token (`Registrations.register_group`). Seats move only through the
seat ledger (`seats`), under the session's lock, as for any cancellation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from eventhub.db.database import Database
from eventhub.db.mail_facts import MailFacts, session_note
from eventhub.db.models import Attendee, Mission, ProgrammeSession, Registration
from eventhub.db.services.access import Clock
from eventhub.db.services.outbox import enqueue
from eventhub.db.services.registrations import (
    AttendeeView,
    attendee_by_manage_token,
    attendee_view,
    email_key,
)
from eventhub.db.services.seats import lock_session, release_seat, waitlist_positions
from eventhub.domain.errors import NotFound, StateConflict
from eventhub.domain.mail import MailKind
from eventhub.domain.programme import RegistrationStatus
from eventhub.domain.registration import may_change_member
from eventhub.domain.tokens import feed_token_for, manage_token_for, token_digest


@dataclass(frozen=True, slots=True)
class Member:
    view: AttendeeView
    # A member without an address: the head keeps their links (derived, never stored).
    manage_token: str | None
    feed_token: str | None


class Delegations:
    def __init__(self, database: Database, clock: Clock, secret_key: str) -> None:
        self._database = database
        self._clock = clock
        self._secret_key = secret_key

    async def members(self, head_token: str) -> list[Member]:
        async with self._database.read() as db:
            head = await attendee_by_manage_token(db, head_token)
            rows = await db.scalars(
                select(Attendee).where(Attendee.delegation_head_id == head.id).order_by(Attendee.id)
            )
            members = []
            for member in rows:
                view = await attendee_view(db, member, self._secret_key)
                manage = feed = None
                if not member.email:
                    manage = manage_token_for(self._secret_key, member.token_salt, member.manage_generation)
                    feed = feed_token_for(manage, member.feed_generation)
                members.append(Member(view, manage, feed))
            return members

    async def remove(self, head_token: str, member_id: int) -> None:
        """Cancel the member's places in the sessions that have not started (each freed
        seat goes to that waitlist's head at once); with none left, they leave the delegation."""
        now = self._clock()
        async with self._database.write() as db:
            member = await _member(db, head_token, member_id)
            live = await _live(db, member.id)
            changeable = [(r, s) for r, s in live if may_change_member(s.starts_at_utc, now)]
            if live and not changeable:
                raise _started()
            for registration, session in sorted(changeable, key=lambda pair: pair[1].id):
                locked = await lock_session(db, session.id, member.mission_id)
                await db.refresh(registration)
                if locked is not None and registration.status != RegistrationStatus.CANCELLED:
                    await release_seat(db, locked, registration, now)
            if len(changeable) == len(live):
                member.delegation_head_id = None
                member.updated_at = now

    async def swap(self, head_token: str, member_id: int, name: str, email: str | None) -> None:
        """Someone else takes the member's places, seats and waitlist places as they are.
        The old person's links stop working at once (new tokens); the new person hears
        of each place (by mail to their address, else to the head)."""
        now = self._clock()
        async with self._database.write() as db:
            member = await _member(db, head_token, member_id)
            live = await _live(db, member.id)
            if any(not may_change_member(s.starts_at_utc, now) for _, s in live):
                raise _started()
            key = email_key(email) if email else None
            if key is not None and key != member.email_key and await db.scalar(
                select(Attendee.id).where(Attendee.mission_id == member.mission_id, Attendee.email_key == key)
            ):
                raise StateConflict("This address is registered for the mission already.", code="attendee_exists")
            member.name, member.email, member.email_key = name.strip(), (email or "").strip(), key
            member.manage_generation += 1
            manage = manage_token_for(self._secret_key, member.token_salt, member.manage_generation)
            member.manage_token_hash = token_digest(manage)
            member.feed_token_hash = token_digest(feed_token_for(manage, member.feed_generation))
            member.updated_at = now
            try:
                await db.flush()
            except IntegrityError as error:  # the address was registered a moment ago
                raise StateConflict("This address is registered for the mission already.", code="attendee_exists") from error
            places = await waitlist_positions(db, [registration for registration, _ in live])
            organiser = (await db.get_one(Mission, member.mission_id)).organiser_name or ""
            for registration, session in live:
                registration.updated_at = now  # their calendar entry changes hands
                facts = MailFacts(organiser_name=organiser, status=registration.status,
                                  waitlist_position=places.get(registration.id), registration_id=registration.id,
                                  session=session_note(session, session.venue))
                await enqueue(db, MailKind.REGISTERED, mission_id=member.mission_id, attendee_id=member.id,
                              session_id=session.id, now=now, facts=facts)


async def _member(db: AsyncSession, head_token: str, member_id: int) -> Attendee:
    head = await attendee_by_manage_token(db, head_token)
    member = await db.scalar(
        select(Attendee).where(Attendee.id == member_id, Attendee.delegation_head_id == head.id).with_for_update()
    )
    if member is None:  # not theirs, or no such attendee: the same answer
        raise NotFound(f"No member {member_id} in your delegation.", code="member_not_found")
    return member


async def _live(db: AsyncSession, attendee_id: int) -> list[tuple[Registration, ProgrammeSession]]:
    rows = await db.execute(
        select(Registration, ProgrammeSession)
        .join(ProgrammeSession, ProgrammeSession.id == Registration.session_id)
        .where(Registration.attendee_id == attendee_id, Registration.status != RegistrationStatus.CANCELLED)
        .order_by(ProgrammeSession.id)
    )
    return [(r, s) for r, s in rows]


def _started() -> StateConflict:
    return StateConflict("A session of this member has started: their place there stays as it is.",
                         code="session_started")

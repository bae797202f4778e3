"""The sending side of the outbox: senders claim due messages under a lease (SKIP LOCKED
on PostgreSQL, the write lock on SQLite), read what to compose, and mark them sent or
due again later."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, literal, or_, select, update

from eventhub.db.database import Database
from eventhub.db.mail_facts import MailFacts, current_facts, decoded
from eventhub.db.models import Attendee, Mission, OrganiserMessage, OutboxMessage, ProgrammeSession, Registration
from eventhub.domain.permissions import Action
from eventhub.db.services.access import Clock, Organiser, managed_mission
from eventhub.db.services.meetings import MeetingMail, meeting_mail
from eventhub.db.services.seats import waitlist_positions
from eventhub.domain.errors import NotFound, StateConflict
from eventhub.domain.mail import LEASE, MailStatus, gives_up, retry_delay


@dataclass(frozen=True, slots=True)
class Delivery:
    """Everything a message is composed from: its facts as of the change that caused it
    (`facts`), and the rows that links, the calendar part and the recipient come from,
    read at send time."""

    message: OutboxMessage
    attendee: Attendee
    mission: Mission
    session: ProgrammeSession | None
    registration: Registration | None
    organiser_message: OrganiserMessage | None = None  # what organisers wrote, for that kind
    # Whom it goes to: the attendee, or for a delegation member without an address their head.
    recipient: Attendee | None = None
    meeting: MeetingMail | None = None  # the meeting request a meeting mail is about
    facts: MailFacts = MailFacts()  # what it says (see db.mail_facts)


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """A message as the outbox page lists it."""

    message: OutboxMessage
    attendee: Attendee
    subject: str | None  # what organisers wrote; other kinds are composed when sent


@dataclass(frozen=True, slots=True)
class OutboxReport:
    counts: dict[str, int]
    failures: list[OutboxMessage]


class Outbox:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    async def claim(self, limit: int = 20) -> list[int]:
        """Take up to `limit` due messages for this sender; others skip them until the lease ends."""
        now = self._clock()
        due = (
            select(OutboxMessage.id)
            .where(
                or_(
                    OutboxMessage.status == MailStatus.PENDING,
                    # a sender died mid-send: its lease ran out, the message is due again
                    (OutboxMessage.status == MailStatus.SENDING) & (OutboxMessage.lease_until < now),
                ),
                OutboxMessage.next_attempt_at <= now,
            )
            .order_by(OutboxMessage.id)
        )
        async with self._database.read() as db:  # the common case, nothing due, takes no write lock
            if await db.scalar(due.limit(1)) is None:
                return []
        async with self._database.write() as db:
            ids = list(await db.scalars(due.limit(limit).with_for_update(skip_locked=True)))
            if ids:
                await db.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_(ids))
                    .values(
                        status=MailStatus.SENDING,
                        lease_until=now + LEASE,
                        attempts=OutboxMessage.attempts + literal(1),
                        updated_at=now,
                    )
                )
        return ids

    async def delivery(self, message_id: int) -> Delivery | None:
        async with self._database.read() as db:
            message = await db.get(OutboxMessage, message_id)
            if message is None:
                return None
            attendee = await db.get_one(Attendee, message.attendee_id)
            mission = await db.get_one(Mission, message.mission_id)
            facts = decoded(message.facts) if message.facts is not None else None
            session = registration = position = None
            if message.session_id is not None:
                session = await db.scalar(select(ProgrammeSession).where(ProgrammeSession.id == message.session_id))
                if facts is not None and facts.registration_id is not None:
                    registration = await db.get(Registration, facts.registration_id)
                else:
                    registration = await db.scalar(
                        select(Registration)
                        .where(Registration.session_id == message.session_id, Registration.attendee_id == attendee.id)
                        .order_by(Registration.id.desc())
                        .limit(1)
                    )
                if registration is not None and facts is None:
                    position = (await waitlist_positions(db, [registration])).get(registration.id)
            if facts is None:  # written before facts were kept, or a kind that keeps none
                facts = current_facts(organiser_name=mission.organiser_name or "", session=session,
                                      registration=registration, waitlist_position=position)
            written = None
            if message.organiser_message_id is not None:
                written = await db.get_one(OrganiserMessage, message.organiser_message_id)
            recipient = attendee
            if not attendee.email and attendee.delegation_head_id is not None:
                recipient = await db.get(Attendee, attendee.delegation_head_id) or attendee
            meeting = None
            if message.meeting_request_id is not None:
                meeting = await meeting_mail(db, message.meeting_request_id, attendee, self._clock())
            return Delivery(message, attendee, mission, session, registration, written, recipient, meeting, facts)

    async def mark_sent(self, message_id: int) -> None:
        now = self._clock()
        async with self._database.write() as db:
            await db.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id)
                .values(status=MailStatus.SENT, sent_at=now, lease_until=None, last_error=None, updated_at=now)
            )

    async def mark_failed(self, message_id: int, error: str) -> None:
        now = self._clock()
        async with self._database.write() as db:
            message = await db.get_one(OutboxMessage, message_id)
            message.last_error = error[:2000]
            message.lease_until = None
            message.updated_at = now
            if gives_up(message.attempts):
                message.status = MailStatus.FAILED
            else:
                message.status = MailStatus.PENDING
                message.next_attempt_at = now + retry_delay(message.attempts)

    async def report(self, slug: str, organiser: Organiser | None) -> OutboxReport:
        async with self._database.read() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.VIEW_ATTENDEES)
            rows = await db.execute(
                select(OutboxMessage.status, func.count())
                .where(OutboxMessage.mission_id == mission.id)
                .group_by(OutboxMessage.status)
            )
            counts = {status.value: 0 for status in MailStatus} | {str(s): n for s, n in rows}
            failures: Sequence[OutboxMessage] = list(await db.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.mission_id == mission.id, OutboxMessage.last_error.is_not(None))
                .where(OutboxMessage.status != MailStatus.SENT)
                .order_by(OutboxMessage.id)
                .limit(100)
            ))
        return OutboxReport(counts, list(failures))

    async def entries(self, slug: str, organiser: Organiser | None, *, failed_only: bool = False,
                      limit: int = 200) -> list[OutboxEntry]:
        """The mission's mail, newest first: to whom, what kind, and how it went."""
        async with self._database.read() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.VIEW_ATTENDEES)
            query = (
                select(OutboxMessage, Attendee, OrganiserMessage.subject)
                .join(Attendee, Attendee.id == OutboxMessage.attendee_id)
                .outerjoin(OrganiserMessage, OrganiserMessage.id == OutboxMessage.organiser_message_id)
                .where(OutboxMessage.mission_id == mission.id)
                .order_by(OutboxMessage.id.desc())
                .limit(limit)
            )
            if failed_only:
                query = query.where(OutboxMessage.last_error.is_not(None), OutboxMessage.status != MailStatus.SENT)
            return [OutboxEntry(m, a, subject) for m, a, subject in await db.execute(query)]

    async def retry(self, slug: str, message_id: int, organiser: Organiser | None) -> OutboxMessage:
        """Send a message that failed (or waits for its next try) again now, with a fresh
        set of attempts. A message sent already is never sent twice."""
        now = self._clock()
        async with self._database.write() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.WRITE_TO_ATTENDEES)
            message = await db.scalar(
                select(OutboxMessage)
                .where(OutboxMessage.id == message_id, OutboxMessage.mission_id == mission.id)
                .with_for_update()
            )
            if message is None:
                raise NotFound(f"No message {message_id} in this mission's outbox.", code="message_not_found")
            if message.status in (MailStatus.SENT, MailStatus.SENDING):
                raise StateConflict(f"This message is {message.status.value}.", code=f"message_{message.status.value}")
            message.status = MailStatus.PENDING
            message.attempts = 0
            message.next_attempt_at = now
            message.updated_at = now
        return message

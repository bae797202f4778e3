"""Messages organisers write to attendees: to the confirmed (optionally also the
waitlisted) attendees of one session or of the whole mission. The message is kept, and
the outbox gets one row per recipient in the same transaction, never two (a unique key)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from eventhub.db.database import Database
from eventhub.db.models import Mission, OrganiserMessage, ProgrammeSession, Registration
from eventhub.domain.permissions import Action
from eventhub.db.services.access import Clock, Organiser, managed_mission
from eventhub.db.services.attendees import session_not_found
from eventhub.db.services.outbox import insert_messages, message_row
from eventhub.domain.errors import StateConflict
from eventhub.domain.mail import MailKind, check_message
from eventhub.domain.programme import RegistrationStatus, SessionStatus


@dataclass(frozen=True, slots=True)
class Audience:
    session_id: int | None = None  # None: the whole mission
    include_waitlisted: bool = False


@dataclass(frozen=True, slots=True)
class MessageDraft:
    subject: str
    body: str
    audience: Audience


class Messages:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    async def count(self, slug: str, audience: Audience, organiser: Organiser | None) -> int:
        """How many people a message to this audience would reach (the preview)."""
        async with self._database.read() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.WRITE_TO_ATTENDEES)
            return len(await _recipients(db, mission, audience))

    async def send(self, slug: str, draft: MessageDraft, organiser: Organiser | None) -> OrganiserMessage:
        check_message(draft.subject, draft.body)
        now = self._clock()
        async with self._database.write() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.WRITE_TO_ATTENDEES)
            recipients = await _recipients(db, mission, draft.audience)
            if not recipients:
                raise StateConflict("Nobody would receive this message.", code="no_recipients")
            message = OrganiserMessage(
                mission_id=mission.id, session_id=draft.audience.session_id, subject=draft.subject.strip(),
                body=draft.body.replace("\r\n", "\n").strip(), include_waitlisted=draft.audience.include_waitlisted,
                recipients=len(recipients), sent_by=organiser.name if organiser else "", created_at=now,
            )
            db.add(message)
            await db.flush()
            await insert_messages(db, [
                message_row(MailKind.ORGANISER_MESSAGE, mission.id, attendee_id, draft.audience.session_id, now,
                            organiser_message_id=message.id)
                for attendee_id in recipients
            ])
        return message

    async def sent(self, slug: str, organiser: Organiser | None) -> list[OrganiserMessage]:
        """The mission's messages, newest first."""
        async with self._database.read() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.VIEW_ATTENDEES)
            return list(await db.scalars(
                select(OrganiserMessage)
                .where(OrganiserMessage.mission_id == mission.id)
                .order_by(OrganiserMessage.id.desc())
            ))


async def _recipients(db: AsyncSession, mission: Mission, audience: Audience) -> list[int]:
    """Attendee ids, each once: live registrations of the session, or of the mission's
    sessions that still take place."""
    statuses = [RegistrationStatus.CONFIRMED]
    if audience.include_waitlisted:
        statuses.append(RegistrationStatus.WAITLISTED)
    where: list[Any] = [ProgrammeSession.mission_id == mission.id, Registration.status.in_(statuses)]
    if audience.session_id is not None:
        exists = await db.scalar(select(ProgrammeSession.id).where(
            ProgrammeSession.id == audience.session_id, ProgrammeSession.mission_id == mission.id
        ))
        if exists is None:
            raise session_not_found(audience.session_id)
        where.append(Registration.session_id == audience.session_id)
    else:
        where.append(ProgrammeSession.status != SessionStatus.CANCELLED)
    rows = await db.scalars(
        select(Registration.attendee_id)
        .join(ProgrammeSession, ProgrammeSession.id == Registration.session_id)
        .where(*where)
        .distinct()
        .order_by(Registration.attendee_id)
    )
    return list(rows)

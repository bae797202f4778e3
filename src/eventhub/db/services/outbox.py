"""Writing to the mail outbox, always inside the transaction of the change that causes
the mail: if the change commits, the mail will go; if it rolls back, so does the mail."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from eventhub.db.models import OutboxMessage, ProgrammeSession, Registration
from eventhub.domain.mail import MailKind, MailStatus
from eventhub.domain.programme import RegistrationStatus


def enqueue(
    db: AsyncSession, kind: MailKind, *, mission_id: int, attendee_id: int, session_id: int | None, now: datetime
) -> None:
    db.add(OutboxMessage(
        mission_id=mission_id,
        attendee_id=attendee_id,
        session_id=session_id,
        kind=kind,
        status=MailStatus.PENDING,
        message_key=str(uuid.uuid4()),
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
    ))


async def enqueue_for_registrants(db: AsyncSession, kind: MailKind, session: ProgrammeSession, now: datetime) -> None:
    """One message to everyone with a live registration for the session (one statement)."""
    await db.flush()
    rows = await db.execute(
        select(Registration.attendee_id).where(
            Registration.session_id == session.id, Registration.status != RegistrationStatus.CANCELLED
        )
    )
    for (attendee_id,) in rows:
        enqueue(db, kind, mission_id=session.mission_id, attendee_id=attendee_id, session_id=session.id, now=now)

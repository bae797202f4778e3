"""Writing to the mail outbox, always inside the transaction of the change that causes
the mail: if the change commits, the mail will go; if it rolls back, so does the mail."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from eventhub.db.models import OutboxMessage, ProgrammeSession, Registration
from eventhub.domain.mail import MailKind, MailStatus
from eventhub.domain.programme import RegistrationStatus


OUTBOX = OutboxMessage.__table__
_INSERT_MESSAGE = insert(OUTBOX)


async def enqueue(
    db: AsyncSession, kind: MailKind, *, mission_id: int, attendee_id: int, session_id: int | None, now: datetime
) -> None:
    """One message, inserted at once (a plain statement: it runs inside the seat lock)."""
    await insert_messages(db, message_row(kind, mission_id, attendee_id, session_id, now))


async def insert_messages(db: AsyncSession, rows: dict[str, Any] | list[dict[str, Any]]) -> None:
    await db.execute(_INSERT_MESSAGE, rows)


def message_row(
    kind: MailKind, mission_id: int, attendee_id: int, session_id: int | None, now: datetime,
    organiser_message_id: int | None = None, meeting_request_id: int | None = None,
) -> dict[str, Any]:
    """The outbox row of one message, by column."""
    return {
        "mission_id": mission_id,
        "attendee_id": attendee_id,
        "session_id": session_id,
        "kind": kind,
        "status": MailStatus.PENDING,
        "message_key": str(uuid.uuid4()),
        "attempts": 0,
        "next_attempt_at": now,
        "lease_until": None,
        "last_error": None,
        "sent_at": None,
        "organiser_message_id": organiser_message_id,
        "meeting_request_id": meeting_request_id,
        "created_at": now,
        "updated_at": now,
    }


async def enqueue_for_registrants(db: AsyncSession, kind: MailKind, session: ProgrammeSession, now: datetime) -> None:
    """One message to everyone with a live registration for the session (one statement)."""
    await db.flush()
    rows = await db.execute(
        select(Registration.attendee_id).where(
            Registration.session_id == session.id, Registration.status != RegistrationStatus.CANCELLED
        )
    )
    messages = [message_row(kind, session.mission_id, attendee_id, session.id, now) for (attendee_id,) in rows]
    if messages:
        await insert_messages(db, messages)

"""Writing to the mail outbox, always inside the transaction of the change that causes
the mail: if the change commits, the mail will go; if it rolls back, so does the mail."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from eventhub.db.mail_facts import MailFacts, TimeAndPlace, encoded, session_note, time_and_place_before
from eventhub.db.models import Mission, OutboxMessage, ProgrammeSession, Registration
from eventhub.domain.mail import MailKind, MailStatus
from eventhub.domain.programme import CalendarFacts, RegistrationStatus
from eventhub.domain.registration import waitlist_places


OUTBOX = OutboxMessage.__table__
_INSERT_MESSAGE = insert(OUTBOX)


async def enqueue(
    db: AsyncSession, kind: MailKind, *, mission_id: int, attendee_id: int, session_id: int | None, now: datetime,
    facts: MailFacts | None = None,
) -> None:
    """One message, inserted at once (a plain statement: it runs inside the seat lock)."""
    await insert_messages(db, message_row(kind, mission_id, attendee_id, session_id, now, facts=facts))


async def insert_messages(db: AsyncSession, rows: dict[str, Any] | list[dict[str, Any]]) -> None:
    await db.execute(_INSERT_MESSAGE, rows)


def message_row(
    kind: MailKind, mission_id: int, attendee_id: int, session_id: int | None, now: datetime,
    organiser_message_id: int | None = None, meeting_request_id: int | None = None, facts: MailFacts | None = None,
) -> dict[str, Any]:
    """The outbox row of one message, by column; `facts`, what it will say (see db.mail_facts)."""
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
        "facts": encoded(facts) if facts is not None else None,
        "created_at": now,
        "updated_at": now,
    }


async def enqueue_for_registrants(
    db: AsyncSession, kind: MailKind, session: ProgrammeSession, now: datetime, *,
    was: CalendarFacts | TimeAndPlace | None = None,
) -> None:
    """One message to everyone with a live registration for the session (one statement),
    each with their own status and place as they are now; `was`, the session before a change."""
    await db.flush()
    rows = (await db.execute(
        select(Registration.id, Registration.attendee_id, Registration.status).where(
            Registration.session_id == session.id, Registration.status != RegistrationStatus.CANCELLED
        )
    )).all()
    if not rows:
        return
    places = waitlist_places((r.id, session.id) for r in rows if r.status == RegistrationStatus.WAITLISTED)
    mission = await db.get_one(Mission, session.mission_id)
    note = session_note(session, session.venue)
    before = time_and_place_before(was, session.online_url) if isinstance(was, CalendarFacts) else was
    await insert_messages(db, [
        message_row(kind, session.mission_id, r.attendee_id, session.id, now, facts=MailFacts(
            organiser_name=mission.organiser_name or "", status=r.status, waitlist_position=places.get(r.id),
            registration_id=r.id, session=note, was=before,
        ))
        for r in rows
    ])

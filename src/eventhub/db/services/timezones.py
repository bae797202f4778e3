"""Keeping the UTC index true when time zone rules change.

Sessions are stored as wall-clock time plus zone; the UTC columns are derived. After a
tzdata update (a country drops daylight saving time, say) a future session keeps its
wall-clock time and moves in absolute time: this recomputes the index, and since
calendars already holding the old instant must move the entry, it raises SEQUENCE and
tells the registrants, like any other change.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select

from eventhub.db.database import Database
from eventhub.db.models import Mission, ProgrammeSession
from eventhub.db.services.access import Clock, touch
from eventhub.db.mail_facts import time_and_place
from eventhub.db.services.outbox import enqueue_for_registrants
from eventhub.domain.errors import InvalidInput
from eventhub.domain.mail import MailKind
from eventhub.domain.programme import SessionStatus
from eventhub.domain.time import instant_of

logger = logging.getLogger("eventhub")


async def refresh_utc_index(database: Database, clock: Clock) -> int:
    """Recompute the UTC instants of sessions that have not ended; returns how many moved."""
    now: datetime = clock()
    moved = 0
    async with database.write() as db:
        sessions = list(await db.scalars(select(ProgrammeSession).where(ProgrammeSession.ends_at_utc >= now)))
        missions: set[int] = set()
        for session in sessions:
            try:
                starts = instant_of(session.starts_local, session.timezone)
                ends = instant_of(session.ends_local, session.timezone)
            except InvalidInput:  # the zone left tzdata: keep the last known instants, refresh the rest
                logger.warning("session %d: time zone %r is not in tzdata; its UTC index is kept",
                               session.id, session.timezone)
                continue
            if (starts, ends) == (session.starts_at_utc, session.ends_at_utc):
                continue
            was = time_and_place(session, session.venue)  # the offsets under the old rules
            session.starts_at_utc, session.ends_at_utc = starts, ends
            session.sequence += 1
            session.updated_at = now
            if session.status == SessionStatus.PUBLISHED:
                await enqueue_for_registrants(db, MailKind.SESSION_CHANGED, session, now, was=was)
            missions.add(session.mission_id)
            moved += 1
        for mission in await db.scalars(select(Mission).where(Mission.id.in_(missions))):
            touch(mission, now)
    return moved

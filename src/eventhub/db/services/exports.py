"""The public programme of a published mission for conference apps (schedule.xml/.json):
one read, mapped to the plain objects `eventhub.calendar.schedule` renders."""

from __future__ import annotations

from sqlalchemy import select

from eventhub import __version__
from eventhub.calendar.schedule import Schedule, ScheduleEvent, SchedulePerson, ScheduleRoom
from eventhub.db.database import Database
from eventhub.db.models import Mission, ProgrammeSession, Venue
from eventhub.db.services.access import mission_not_found
from eventhub.domain.programme import MissionStatus, SessionStatus

_PUBLIC = (SessionStatus.PUBLISHED, SessionStatus.CANCELLED)


class ScheduleExports:
    def __init__(self, database: Database, public_base: str) -> None:
        self._database = database
        self._base = public_base

    async def schedule(self, slug: str) -> Schedule:
        async with self._database.read() as db:
            mission = await db.scalar(select(Mission).where(Mission.slug == slug))
            if mission is None or mission.status != MissionStatus.PUBLISHED:
                raise mission_not_found(slug)
            sessions = list(await db.scalars(
                select(ProgrammeSession)
                .where(ProgrammeSession.mission_id == mission.id, ProgrammeSession.status.in_(_PUBLIC))
                .order_by(ProgrammeSession.starts_at_utc, ProgrammeSession.id)
            ))
        agenda = f"{self._base}/missions/{mission.slug}"
        return Schedule(
            acronym_source=mission.slug,
            title=mission.title,
            summary=mission.summary,
            timezone=mission.timezone,
            starts_on=mission.starts_on,
            ends_on=mission.ends_on,
            url=agenda,
            feed_url=f"{agenda}/schedule",
            version=str(mission.version),
            generator_version=__version__,
            events=tuple(self._event(agenda, session) for session in sessions),
        )

    def _event(self, agenda: str, session: ProgrammeSession) -> ScheduleEvent:
        return ScheduleEvent(
            id=session.id,
            guid=session.uid,
            title=session.title,
            kind=session.kind.value,
            kind_label=session.kind.label,
            starts_local=session.starts_local,
            ends_local=session.ends_local,
            timezone=session.timezone,
            room=_room(agenda, session.venue),
            description=session.description.strip(),
            language=session.language,
            persons=tuple(
                SchedulePerson(s.person_id, f"{agenda}/people/{s.person_id}", s.person.name, s.role.value)
                for s in session.speakers
            ),
            url=f"{agenda}/sessions/{session.id}",
            cancelled=session.status == SessionStatus.CANCELLED,
        )


def _room(agenda: str, venue: Venue | None) -> ScheduleRoom:
    if venue is None:
        return ScheduleRoom(f"{agenda}/online", "Online")
    return ScheduleRoom(f"{agenda}/venues/{venue.id}", venue.name, venue.capacity)

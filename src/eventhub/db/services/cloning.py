"""A mission copied to new dates: organisers run similar visits every year.

The copy has the venues, people, travel times and sessions of the original, every date
moved by the same whole number of days (wall-clock times kept, so 10:00 stays 10:00 even
across a change of daylight saving time), as a draft, and nobody registered. Cancelled
sessions stay behind: they were cancelled for the old dates' reasons.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import exists, select

from eventhub.db.database import Database
from eventhub.db.models import Mission, Person, ProgrammeSession, SessionSpeaker, TravelTime, Venue
from eventhub.domain.permissions import Action, authorize
from eventhub.db.services.access import Clock, Organiser, managed_mission, require_organiser
from eventhub.db.services.sessions import UidFactory
from eventhub.domain.errors import InvalidInput, StateConflict
from eventhub.domain.programme import MissionStatus, SessionStatus
from eventhub.domain.time import to_utc

_MISSION_FIELDS = (
    "title", "summary", "host_city", "host_country", "timezone", "organiser_name", "contact_email", "funding_note",
)
_VENUE_FIELDS = ("name", "address", "capacity", "latitude", "longitude", "timezone")
_PERSON_FIELDS = ("name", "affiliation", "role_title", "email")
_SESSION_FIELDS = (
    "title", "kind", "description", "timezone", "online_url", "capacity", "registration", "language", "status",
)


class MissionCopies:
    def __init__(self, database: Database, clock: Clock, new_uid: UidFactory) -> None:
        self._database = database
        self._clock = clock
        self._new_uid = new_uid

    async def clone(self, slug: str, new_slug: str, starts_on: date, organiser: Organiser | None) -> Mission:
        authorize(require_organiser(organiser), Action.CREATE_MISSION, None)
        now = self._clock()
        async with self._database.write() as db:
            source = await managed_mission(db, slug, organiser)
            if await db.scalar(select(exists().where(Mission.slug == new_slug))):
                raise StateConflict(f"A mission {new_slug!r} already exists.", code="slug_taken")
            shift = timedelta(days=(starts_on - source.starts_on).days)
            copy = Mission(
                slug=new_slug,
                **{name: getattr(source, name) for name in _MISSION_FIELDS},
                starts_on=source.starts_on + shift,
                ends_on=source.ends_on + shift,
                status=MissionStatus.DRAFT,
                version=1,
                created_at=now,
                updated_at=now,
            )
            db.add(copy)
            await db.flush()

            venues: dict[int, Venue] = {}
            for venue in await db.scalars(select(Venue).where(Venue.mission_id == source.id).order_by(Venue.id)):
                venues[venue.id] = Venue(mission_id=copy.id, **{n: getattr(venue, n) for n in _VENUE_FIELDS})
            people: dict[int, Person] = {}
            for person in await db.scalars(select(Person).where(Person.mission_id == source.id).order_by(Person.id)):
                people[person.id] = Person(mission_id=copy.id, **{n: getattr(person, n) for n in _PERSON_FIELDS})
            db.add_all([*venues.values(), *people.values()])
            await db.flush()

            travel = await db.scalars(select(TravelTime).where(TravelTime.mission_id == source.id))
            db.add_all([
                TravelTime(
                    mission_id=copy.id, from_venue_id=venues[t.from_venue_id].id,
                    to_venue_id=venues[t.to_venue_id].id, minutes=t.minutes,
                )
                for t in travel
            ])
            sessions = await db.scalars(
                select(ProgrammeSession)
                .where(ProgrammeSession.mission_id == source.id, ProgrammeSession.status != SessionStatus.CANCELLED)
                .order_by(ProgrammeSession.starts_at_utc, ProgrammeSession.id)
            )
            for session in sessions:
                db.add(self._copy_session(session, copy, shift, venues, people, now))
            await db.flush()
        return copy

    def _copy_session(
        self,
        session: ProgrammeSession,
        mission: Mission,
        shift: timedelta,
        venues: dict[int, Venue],
        people: dict[int, Person],
        now: datetime,
    ) -> ProgrammeSession:
        starts, ends = session.starts_local + shift, session.ends_local + shift
        try:
            # Wall-clock times are the truth; a shifted time in a daylight-saving gap is refused by name.
            starts_utc, ends_utc = to_utc(starts, session.timezone), to_utc(ends, session.timezone, field="ends_at")
        except InvalidInput as error:
            raise InvalidInput(
                f"Session {session.title!r} on the new dates: {error.detail}", code=error.code, field="starts_on"
            ) from None
        copy = ProgrammeSession(
            mission_id=mission.id,
            uid=self._new_uid(),
            **{name: getattr(session, name) for name in _SESSION_FIELDS},
            starts_local=starts,
            ends_local=ends,
            starts_at_utc=starts_utc,
            ends_at_utc=ends_utc,
            venue_id=venues[session.venue_id].id if session.venue_id is not None else None,
            registration_opens_at=_moved(session.registration_opens_at, shift),
            registration_closes_at=_moved(session.registration_closes_at, shift),
            sequence=0,
            cancel_reason=None,
            created_at=now,
            updated_at=now,
        )
        copy.speakers = [
            SessionSpeaker(person_id=people[s.person_id].id, role=s.role, position=s.position) for s in session.speakers
        ]
        return copy


def _moved(instant: datetime | None, shift: timedelta) -> datetime | None:
    return None if instant is None else instant + shift


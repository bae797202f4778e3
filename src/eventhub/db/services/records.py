"""Venues and people: small records owned by a mission, changed by its organisers.

The rows are read and written by advanced-alchemy's repository services; what is ours is
the mission around them (who may change it, its version for the feeds) and the rules
beyond the schema (a venue's name is unique in its mission, its sessions follow its zone,
a record in use is not deleted).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Generic, TypeVar

from advanced_alchemy.extensions.litestar import repository, service
from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from eventhub.db.database import Database
from eventhub.db.models import Mission, Person, ProgrammeSession, SessionSpeaker, Venue
from eventhub.db.services.access import Clock, Organiser, managed_mission, touch, visible_mission
from eventhub.db.services.sessions import calendar_facts, move_to_zone, record_calendar_change
from eventhub.domain.errors import NotFound, StateConflict
from eventhub.domain.programme import CalendarFacts
from eventhub.domain.time import check_zone_name
from eventhub.domain.translations import VENUE_FIELDS, clean_translations

Record = TypeVar("Record", Venue, Person)


class VenueRecords(service.SQLAlchemyAsyncRepositoryService[Venue]):
    class Repo(repository.SQLAlchemyAsyncRepository[Venue]):
        model_type = Venue

    repository_type = Repo


class PersonRecords(service.SQLAlchemyAsyncRepositoryService[Person]):
    class Repo(repository.SQLAlchemyAsyncRepository[Person]):
        model_type = Person

    repository_type = Repo


class MissionRecords(Generic[Record]):
    records: type[service.SQLAlchemyAsyncRepositoryService[Any]]
    noun: str

    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    def _service(self, db: AsyncSession) -> service.SQLAlchemyAsyncRepositoryService[Record]:
        # SQLAlchemy's own errors pass through: the transaction maps lock timeouts and lost
        # connections (db/database.py), and nothing here needs a refresh after a write.
        return self.records(session=db, wrap_exceptions=False, auto_refresh=False)

    async def list(self, slug: str, organiser: Organiser | None) -> tuple[Mission, list[Record]]:
        """The mission (its zone, who manages it) and its records, in one read."""
        async with self._database.read() as db:
            mission = await visible_mission(db, slug, organiser)
            records = self._service(db)
            found = await records.get_many(mission_id=mission.id, order_by=records.model_type.id.asc())
            return mission, list(found)

    async def create(self, slug: str, fields: Mapping[str, Any], organiser: Organiser | None) -> Record:
        async with self._database.write() as db:
            mission = await managed_mission(db, slug, organiser, lock=True)
            fields = self._normalise(mission, fields)
            await self._check(db, mission, fields, None)
            record = await self._service(db).create({**fields, "mission_id": mission.id})
            touch(mission, self._clock())
        return record

    async def update(
        self, slug: str, record_id: int, changes: Mapping[str, Any], organiser: Organiser | None
    ) -> Record:
        now = self._clock()
        async with self._database.write() as db:
            mission = await managed_mission(db, slug, organiser, lock=True)
            records = self._service(db)
            record = await self._get(records, mission, record_id)
            changes = self._normalise(mission, changes)
            await self._check(db, mission, changes, record)
            snapshot = await self._before_update(db, record)
            record = await records.update(dict(changes), item_id=record.id)
            await self._after_update(db, mission, record, snapshot, now)
            touch(mission, now)
        return record

    async def delete(self, slug: str, record_id: int, organiser: Organiser | None) -> None:
        async with self._database.write() as db:
            mission = await managed_mission(db, slug, organiser, lock=True)
            records = self._service(db)
            record = await self._get(records, mission, record_id)
            if await db.scalar(select(self._in_use(record))):
                raise StateConflict(
                    f"This {self.noun} is used by sessions; change those sessions first.",
                    code=f"{self.noun}_in_use",
                )
            await records.delete(record.id)
            touch(mission, self._clock())

    async def _get(
        self, records: service.SQLAlchemyAsyncRepositoryService[Record], mission: Mission, record_id: int
    ) -> Record:
        record = await records.get_one_or_none(id=record_id, mission_id=mission.id)
        if record is None:
            raise NotFound(f"No {self.noun} {record_id} in this mission.", code=f"{self.noun}_not_found")
        return record

    def _normalise(self, mission: Mission, fields: Mapping[str, Any]) -> Mapping[str, Any]:
        """The fields as they are stored; as sent by default."""
        return fields

    async def _check(
        self, db: AsyncSession, mission: Mission, fields: Mapping[str, Any], record: Record | None
    ) -> None:
        """Rules beyond the schema; nothing by default."""

    async def _before_update(self, db: AsyncSession, record: Record) -> Any:
        """What `_after_update` needs to know of the record's state before the change."""
        return None

    async def _after_update(
        self, db: AsyncSession, mission: Mission, record: Record, snapshot: Any, now: datetime
    ) -> None:
        """Consequences of an update for the sessions; nothing by default."""

    def _in_use(self, record: Record) -> Any:
        raise NotImplementedError


class Venues(MissionRecords[Venue]):
    records = VenueRecords
    noun = "venue"

    def _normalise(self, mission: Mission, fields: Mapping[str, Any]) -> Mapping[str, Any]:
        if "translations" not in fields:
            return fields
        offered = mission.content_languages
        return {**fields, "translations": clean_translations(fields["translations"] or {}, fields=VENUE_FIELDS, offered=offered)}

    async def _check(
        self, db: AsyncSession, mission: Mission, fields: Mapping[str, Any], record: Venue | None
    ) -> None:
        if fields.get("timezone"):
            check_zone_name(fields["timezone"])
        if "name" in fields:
            clash = [Venue.mission_id == mission.id, Venue.name == fields["name"]]
            if record is not None:
                clash.append(Venue.id != record.id)
            if await self._service(db).exists(*clash):
                raise StateConflict(f"A venue named {fields['name']!r} already exists.", code="venue_name_taken")

    async def _before_update(self, db: AsyncSession, record: Venue) -> dict[ProgrammeSession, CalendarFacts]:
        sessions = await db.scalars(select(ProgrammeSession).where(ProgrammeSession.venue_id == record.id))
        return {session: calendar_facts(session) for session in sessions}

    async def _after_update(
        self, db: AsyncSession, mission: Mission, record: Venue, snapshot: Any, now: datetime
    ) -> None:
        """Sessions here follow the venue: its zone (wall times kept), and its name in calendars."""
        for session, before in snapshot.items():
            move_to_zone(session, record.timezone or mission.timezone)
            await record_calendar_change(db, session, before, now)

    def _in_use(self, record: Venue) -> Any:
        return exists().where(ProgrammeSession.venue_id == record.id)


class People(MissionRecords[Person]):
    records = PersonRecords
    noun = "person"

    def _in_use(self, record: Person) -> Any:
        return exists().where(SessionSpeaker.person_id == record.id)

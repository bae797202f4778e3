"""Travel minutes between a mission's venues: read by anyone, replaced whole by organisers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from eventhub.db.database import Database
from eventhub.db.models import TravelTime, Venue
from eventhub.db.services.access import Clock, Organiser, managed_mission, touch, visible_mission
from eventhub.domain.errors import InvalidInput
from eventhub.domain.scheduling import TravelTimes

TravelEntry = tuple[int, int, int]  # from_venue_id, to_venue_id, minutes


class TravelTimesService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    async def get(self, slug: str, organiser: Organiser | None) -> list[TravelTime]:
        async with self._database.read() as db:
            mission = await visible_mission(db, slug, organiser)
            query = select(TravelTime).where(TravelTime.mission_id == mission.id).order_by(TravelTime.id)
            return list(await db.scalars(query))

    async def replace(self, slug: str, entries: Sequence[TravelEntry], organiser: Organiser | None) -> list[TravelTime]:
        async with self._database.write() as db:
            mission = await managed_mission(db, slug, organiser, lock=True)
            venue_ids = set(await db.scalars(select(Venue.id).where(Venue.mission_id == mission.id)))
            _check_entries(entries, venue_ids)
            await db.execute(delete(TravelTime).where(TravelTime.mission_id == mission.id))
            rows = [
                TravelTime(mission_id=mission.id, from_venue_id=a, to_venue_id=b, minutes=minutes)
                for a, b, minutes in entries
            ]
            db.add_all(rows)
            touch(mission, self._clock())
        return rows


async def mission_travel_times(db: AsyncSession, mission_id: int) -> TravelTimes:
    """The mission's travel minutes as the scheduling rules read them (one query)."""
    rows = await db.execute(
        select(TravelTime.from_venue_id, TravelTime.to_venue_id, TravelTime.minutes).where(TravelTime.mission_id == mission_id)
    )
    return TravelTimes(tuple(row) for row in rows)


def _check_entries(entries: Sequence[TravelEntry], venue_ids: set[int]) -> None:
    seen: set[tuple[int, int]] = set()
    for index, (from_id, to_id, _minutes) in enumerate(entries):
        for venue_id in (from_id, to_id):
            if venue_id not in venue_ids:
                raise InvalidInput(
                    f"No venue {venue_id} in this mission.", code="unknown_venue", field=f"{index}"
                )
        if from_id == to_id:
            raise InvalidInput("A travel time joins two different venues.", code="same_venue", field=f"{index}")
        if (from_id, to_id) in seen:
            raise InvalidInput(
                f"Venues {from_id} → {to_id} are listed twice.", code="duplicate_travel_time", field=f"{index}"
            )
        seen.add((from_id, to_id))

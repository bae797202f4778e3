"""The services an app instance runs with, built once from settings and a clock."""

from __future__ import annotations

from dataclasses import dataclass

from eventhub.db.database import Database
from eventhub.db.services.access import Clock
from eventhub.db.services.missions import Missions
from eventhub.db.services.organisers import OrganiserTokens
from eventhub.db.services.records import People, Venues
from eventhub.db.services.sessions import Sessions
from eventhub.db.services.travel import TravelTimesService
from eventhub.settings import Settings


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    database: Database
    clock: Clock
    organiser_tokens: OrganiserTokens
    missions: Missions
    venues: Venues
    people: People
    sessions: Sessions
    travel_times: TravelTimesService

    @classmethod
    def build(cls, settings: Settings, database: Database, clock: Clock) -> Services:
        return cls(
            settings=settings,
            database=database,
            clock=clock,
            organiser_tokens=OrganiserTokens(database, clock),
            missions=Missions(database, clock),
            venues=Venues(database, clock),
            people=People(database, clock),
            sessions=Sessions(database, clock),
            travel_times=TravelTimesService(database, clock),
        )

"""Missions: the public list, one mission, and the organiser's changes to it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from eventhub.db.database import Database
from eventhub.db.models import Mission, ProgrammeSession
from eventhub.domain.permissions import Action, authorize
from eventhub.db.services.access import Clock, Organiser, act_as, managed_mission, require_organiser, touch, visible_mission
from eventhub.db.services.registrations import mission_has_registrations
from eventhub.db.services.sessions import rezone
from eventhub.domain.errors import InvalidInput, StateConflict
from eventhub.domain.programme import MissionStatus, check_mission_dates, within_mission_dates
from eventhub.domain.time import check_zone_name
from eventhub.domain.translations import MISSION_FIELDS, check_content_languages, clean_translations


class Missions:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    async def list(self, organiser: Organiser | None) -> list[Mission]:
        """Published missions, plus every mission the caller's token manages."""
        query = select(Mission).order_by(Mission.starts_on, Mission.slug)
        async with self._database.read() as db:
            missions = list(await db.scalars(query))
        return [
            m for m in missions
            if m.status == MissionStatus.PUBLISHED or (organiser is not None and organiser.is_member(m.id))
        ]

    async def authorized(self, slug: str, organiser: Organiser, action: Action) -> Mission:
        """The mission if `organiser` may do `action` in it (the back office's check, the
        same as every service's). A mission they cannot even see is a 404."""
        async with self._database.read() as db:
            mission = await visible_mission(db, slug, organiser)
            authorize(organiser, action, mission.id)
            return mission

    async def get(self, slug: str, organiser: Organiser | None) -> Mission:
        async with self._database.read() as db:
            return await visible_mission(db, slug, organiser)

    async def create(self, fields: Mapping[str, Any], organiser: Organiser | None) -> Mission:
        organiser = require_organiser(organiser)
        authorize(organiser, Action.CREATE_MISSION, None)
        _check_fields(fields)
        fields = {**fields, **_languages(fields, {})}
        now = self._clock()
        async with self._database.write() as db:
            if await db.scalar(select(exists().where(Mission.slug == fields["slug"]))):
                raise StateConflict(f"A mission {fields['slug']!r} already exists.", code="slug_taken")
            act_as(db, organiser, None)  # the new mission's history starts with its creation
            mission = Mission(**fields, version=1, created_at=now, updated_at=now)
            db.add(mission)
        return mission

    async def update(self, slug: str, changes: Mapping[str, Any], organiser: Organiser | None) -> Mission:
        async with self._database.write() as db:
            mission = await managed_mission(db, slug, organiser, lock=True)
            merged = {
                "timezone": mission.timezone, "starts_on": mission.starts_on, "ends_on": mission.ends_on, **changes
            }
            _check_fields(merged)
            changes = {**changes, **_languages(changes, {
                "default_language": mission.default_language,
                "content_languages": mission.content_languages,
                "translations": mission.translations,
            })}
            zone_changed = "timezone" in changes and changes["timezone"] != mission.timezone
            for name, value in changes.items():
                setattr(mission, name, value)
            if "starts_on" in changes or "ends_on" in changes:
                await _check_sessions_within(db, mission)
            if zone_changed:
                await _rezone_sessions(db, mission, self._clock)
            touch(mission, self._clock())
        return mission

    async def delete(self, slug: str, organiser: Organiser | None) -> None:
        async with self._database.write() as db:
            mission = await managed_mission(db, slug, organiser, lock=True, action=Action.DELETE_MISSION)
            if await mission_has_registrations(db, mission.id):
                raise StateConflict(
                    "This mission has registrations; archive it instead of deleting it.",
                    code="mission_has_registrations",
                )
            await db.delete(mission)


def _check_fields(fields: Mapping[str, Any]) -> None:
    if "timezone" in fields:
        check_zone_name(fields["timezone"])
    starts_on: date | None = fields.get("starts_on")
    ends_on: date | None = fields.get("ends_on")
    if starts_on is not None and ends_on is not None:
        check_mission_dates(starts_on, ends_on)


def _languages(fields: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """The mission's language fields as stored, when any of them is written: the content
    languages other than the default, and translations only in those (SPEC "Languages")."""
    if not {"default_language", "content_languages", "translations"} & set(fields):
        return {}
    merged = {"default_language": "en", "content_languages": [], "translations": {}, **current, **fields}
    offered = check_content_languages(merged["default_language"], merged["content_languages"])
    translations = clean_translations(merged["translations"] or {}, fields=MISSION_FIELDS, offered=offered)
    return {"default_language": merged["default_language"], "content_languages": offered, "translations": translations}


async def _check_sessions_within(db: AsyncSession, mission: Mission) -> None:
    sessions = await db.scalars(select(ProgrammeSession).where(ProgrammeSession.mission_id == mission.id))
    for session in sessions:
        if not within_mission_dates(session.starts_local, session.ends_local, mission.starts_on, mission.ends_on):
            raise InvalidInput(
                f"Session {session.id} ({session.title!r}) would fall outside the new dates.",
                code="sessions_outside_dates",
                field="starts_on",
            )


async def _rezone_sessions(db: AsyncSession, mission: Mission, clock: Clock) -> None:
    """Sessions without a venue zone follow the mission's zone, keeping their wall-clock times."""
    sessions = await db.scalars(
        select(ProgrammeSession).where(ProgrammeSession.mission_id == mission.id)
    )
    for session in sessions:
        if session.venue is None or session.venue.timezone is None:
            await rezone(db, session, mission.timezone, clock())

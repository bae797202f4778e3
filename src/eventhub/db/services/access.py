"""Who may see and change a mission, and the lookups every service starts with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from eventhub.db.models import Mission
from eventhub.domain.errors import AuthenticationRequired, Forbidden, NotFound
from eventhub.domain.programme import MissionStatus

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class Organiser:
    """An authenticated organiser token: scoped to one mission, or to all when mission_id is None."""

    token_id: int
    name: str
    mission_id: int | None

    def may_manage(self, mission_id: int) -> bool:
        return self.mission_id is None or self.mission_id == mission_id


def require_organiser(organiser: Organiser | None) -> Organiser:
    if organiser is None:
        raise AuthenticationRequired("This call needs an organiser token: 'Authorization: Bearer <token>'.")
    return organiser


def may_see_drafts(mission: Mission, organiser: Organiser | None) -> bool:
    return organiser is not None and organiser.may_manage(mission.id)


def may_see_email(mission: Mission, organiser: Organiser | None) -> bool:
    """Whether a person's e-mail address may be shown: only to the mission's organisers
    (those who may see its drafts), on pages and in the API alike; the public sees names
    and affiliations."""
    return may_see_drafts(mission, organiser)


def mission_not_found(slug: str) -> NotFound:
    return NotFound(f"No mission {slug!r}.", code="mission_not_found")


async def visible_mission(db: AsyncSession, slug: str, organiser: Organiser | None) -> Mission:
    """The mission if the caller may read it: published, or managed by the caller's token."""
    mission = await db.scalar(select(Mission).where(Mission.slug == slug))
    if mission is None:
        raise mission_not_found(slug)
    if mission.status != MissionStatus.PUBLISHED and not may_see_drafts(mission, organiser):
        raise mission_not_found(slug)
    return mission


async def managed_mission(
    db: AsyncSession, slug: str, organiser: Organiser | None, *, lock: bool = False
) -> Mission:
    """The mission if the caller's token may change it (401 without, 403 for another mission)."""
    organiser = require_organiser(organiser)
    query = select(Mission).where(Mission.slug == slug)
    if lock:
        query = query.with_for_update()
    mission = await db.scalar(query)
    if mission is None:
        raise mission_not_found(slug)
    if not organiser.may_manage(mission.id):
        raise Forbidden(f"This token is not for mission {slug!r}.", code="wrong_mission")
    return mission


def touch(mission: Mission, now: datetime) -> None:
    """Record that the mission or its programme changed (feeds key their caches on this)."""
    mission.version += 1
    mission.updated_at = now

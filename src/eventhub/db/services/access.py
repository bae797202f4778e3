"""Who may see and change a mission, and the lookups every service starts with."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from eventhub.db.models import Mission
from eventhub.domain.errors import AuthenticationRequired, NotFound
from eventhub.domain.permissions import Action, Role, authorize
from eventhub.domain.programme import MissionStatus

Clock = Callable[[], datetime]

_NO_ROLES: Mapping[int, Role] = MappingProxyType({})


@dataclass(frozen=True, slots=True, kw_only=True)
class Organiser:
    """Who makes an organiser call: a signed-in account, or an API token (an account's or
    the installation's). `roles` maps mission ids to the role held there; `all_missions`
    makes them owner everywhere (and lets them create missions). `name` is what the
    history shows."""

    name: str
    token_id: int | None = None
    account_id: int | None = None
    all_missions: bool = False
    roles: Mapping[int, Role] = field(default_factory=lambda: _NO_ROLES)

    def role_in(self, mission_id: int) -> Role | None:
        return Role.OWNER if self.all_missions else self.roles.get(mission_id)

    def is_member(self, mission_id: int) -> bool:
        """Any role in the mission: they see its drafts and its attendees."""
        return self.role_in(mission_id) is not None

    @property
    def mission_ids(self) -> frozenset[int]:
        return frozenset(self.roles)


def require_organiser(organiser: Organiser | None) -> Organiser:
    if organiser is None:
        raise AuthenticationRequired("This call needs an organiser token: 'Authorization: Bearer <token>'.")
    return organiser


def may_see_drafts(mission: Mission, organiser: Organiser | None) -> bool:
    return organiser is not None and organiser.is_member(mission.id)


def may_see_email(mission: Mission, organiser: Organiser | None) -> bool:
    """Whether a person's e-mail address may be shown: only to the mission's organisers
    (those who may see its drafts), on pages and in the API alike; the public sees names
    and affiliations."""
    return may_see_drafts(mission, organiser)


def mission_not_found(slug: str) -> NotFound:
    return NotFound(f"No mission {slug!r}.", code="mission_not_found")


async def visible_mission(db: AsyncSession, slug: str, organiser: Organiser | None) -> Mission:
    """The mission if the caller may read it: published, or one the caller is an organiser of."""
    mission = await db.scalar(select(Mission).where(Mission.slug == slug))
    if mission is None:
        raise mission_not_found(slug)
    if mission.status != MissionStatus.PUBLISHED and not may_see_drafts(mission, organiser):
        raise mission_not_found(slug)
    return mission


async def managed_mission(
    db: AsyncSession,
    slug: str,
    organiser: Organiser | None,
    *,
    lock: bool = False,
    action: Action = Action.EDIT_PROGRAMME,
) -> Mission:
    """The mission if the caller may do `action` in it (401 without credentials, 403 for
    another mission or a role that does not allow it)."""
    organiser = require_organiser(organiser)
    query = select(Mission).where(Mission.slug == slug)
    if lock:
        query = query.with_for_update()
    mission = await db.scalar(query)
    if mission is None:
        raise mission_not_found(slug)
    authorize(organiser, action, mission.id)
    act_as(db, organiser, mission.id)
    return mission


ACTING = "eventhub.acting"


@dataclass(frozen=True, slots=True)
class Acting:
    organiser: Organiser
    mission_id: int | None


def act_as(db: AsyncSession, organiser: Organiser, mission_id: int | None) -> None:
    """Name who makes this transaction's writes: `db.services.history` records every
    change that follows in the organiser's name (managed_mission does it for every service)."""
    db.info[ACTING] = Acting(organiser, mission_id)


def touch(mission: Mission, now: datetime) -> None:
    """Record that the mission or its programme changed (feeds key their caches on this)."""
    mission.version += 1
    mission.updated_at = now

"""Who may do what in a mission: roles, actions, and the one function that decides.

Pages and the JSON API alike reach it through `db.services.access.managed_mission`, so a
role's limits hold on every route. Plain Python: no HTTP, no database.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from eventhub.domain.errors import Forbidden


class Role(StrEnum):
    OWNER = "owner"
    EDITOR = "editor"
    VIEWER = "viewer"


class Action(StrEnum):
    VIEW = "mission.view"  # drafts, conflicts, the outbox, the history
    VIEW_ATTENDEES = "attendees.view"
    EXPORT = "attendees.export"
    EDIT_PROGRAMME = "programme.edit"  # the mission, venues, people, sessions, travel, imports
    MANAGE_ATTENDEES = "registrations.manage"  # promote, move, add, cancel, check in
    WRITE_TO_ATTENDEES = "attendees.mail"
    MANAGE_MEETINGS = "meetings.manage"
    MANAGE_TEAM = "team.manage"
    MANAGE_TOKENS = "tokens.manage"
    DELETE_MISSION = "mission.delete"
    CREATE_MISSION = "missions.create"  # only an organiser of all missions


_READ = frozenset({Action.VIEW, Action.VIEW_ATTENDEES, Action.EXPORT})
_EDIT = _READ | {Action.EDIT_PROGRAMME, Action.MANAGE_ATTENDEES, Action.WRITE_TO_ATTENDEES, Action.MANAGE_MEETINGS}
_OWN = _EDIT | {Action.MANAGE_TEAM, Action.MANAGE_TOKENS, Action.DELETE_MISSION}

ALLOWED: dict[Role, frozenset[Action]] = {Role.VIEWER: _READ, Role.EDITOR: _EDIT, Role.OWNER: _OWN}

# Roles from the least to the most: a token never acts above its account's role.
_RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.OWNER: 2}


def lesser(a: Role, b: Role) -> Role:
    return a if _RANK[a] <= _RANK[b] else b


def outranks(a: Role, b: Role) -> bool:
    """Whether `a` may do everything `b` may (and so hand `b` to someone)."""
    return _RANK[a] >= _RANK[b]


class Principal(Protocol):
    """Who is asking: `access.Organiser` (an account or a token)."""

    @property
    def all_missions(self) -> bool: ...

    def role_in(self, mission_id: int) -> Role | None: ...


def may(organiser: Principal, action: Action, mission_id: int | None) -> bool:
    if organiser.all_missions:
        return True
    if action == Action.CREATE_MISSION or mission_id is None:
        return False
    role = organiser.role_in(mission_id)
    return role is not None and action in ALLOWED[role]


def authorize(organiser: Principal, action: Action, mission_id: int | None) -> None:
    """The one authorization decision: returns, or raises Forbidden (403)."""
    if may(organiser, action, mission_id):
        return
    if action == Action.CREATE_MISSION:
        raise Forbidden("Only an organiser of all missions may create missions.", code="token_scoped_to_mission")
    if mission_id is None or organiser.role_in(mission_id) is None:
        raise Forbidden("You are not an organiser of this mission.", code="wrong_mission")
    raise Forbidden(
        f"Your role in this mission ({organiser.role_in(mission_id)}) does not allow this.", code="role_forbids"
    )

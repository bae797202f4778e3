"""The one authorization function: what each role may do, and nothing more."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from eventhub.db.services.access import Organiser
from eventhub.domain.errors import Forbidden
from eventhub.domain.permissions import Action, Role, authorize, lesser, may

MISSION, OTHER = 1, 2


def member(role: Role) -> Organiser:
    return Organiser(name=f"a {role}", roles=MappingProxyType({MISSION: role}))


READS = {Action.VIEW, Action.VIEW_ATTENDEES, Action.EXPORT}
EDITS = {Action.EDIT_PROGRAMME, Action.MANAGE_ATTENDEES, Action.WRITE_TO_ATTENDEES, Action.MANAGE_MEETINGS}
OWNS = {Action.MANAGE_TEAM, Action.MANAGE_TOKENS, Action.DELETE_MISSION}


@pytest.mark.parametrize(("role", "allowed"), [
    (Role.VIEWER, READS), (Role.EDITOR, READS | EDITS), (Role.OWNER, READS | EDITS | OWNS),
])
def test_each_role_may_do_exactly_its_actions_in_its_own_mission(role: Role, allowed: set[Action]) -> None:
    organiser = member(role)
    for action in Action:
        expected = action in allowed
        assert may(organiser, action, MISSION) is expected, (role, action)
        assert may(organiser, action, OTHER) is False, (role, action)


def test_a_viewers_write_is_refused_with_a_code_that_names_the_role() -> None:
    with pytest.raises(Forbidden) as refused:
        authorize(member(Role.VIEWER), Action.EDIT_PROGRAMME, MISSION)
    assert refused.value.code == "role_forbids"
    with pytest.raises(Forbidden) as stranger:
        authorize(member(Role.OWNER), Action.VIEW, OTHER)
    assert stranger.value.code == "wrong_mission"


def test_only_an_organiser_of_all_missions_creates_missions() -> None:
    everywhere = Organiser(name="head office", all_missions=True)
    authorize(everywhere, Action.CREATE_MISSION, None)
    for action in Action:
        authorize(everywhere, action, OTHER)
    with pytest.raises(Forbidden):
        authorize(member(Role.OWNER), Action.CREATE_MISSION, None)


def test_a_token_acts_at_most_with_the_lesser_role() -> None:
    assert lesser(Role.OWNER, Role.VIEWER) == Role.VIEWER
    assert lesser(Role.EDITOR, Role.OWNER) == Role.EDITOR

"""/organise/missions/{slug}/team: members and roles, invitations by mail; and the
invitation link's page, where the invited person joins (a new account or theirs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from eventhub import i18n
from eventhub.db.services.access import Organiser
from eventhub.domain.errors import InvalidInput, StateConflict
from eventhub.domain.permissions import Action, Role, may
from eventhub.i18n import _
from eventhub.services import Services
from eventhub.web.forms import FormState, PostedForm
from eventhub.web.organise.accounts import start_session
from eventhub.web.organise.guard import HOME_PATH, mission_for
from eventhub.web.organise.refusals import field_message

ROLES = [Role.OWNER, Role.EDITOR, Role.VIEWER]


@dataclass(slots=True)
class InviteForm:
    email: str = ""
    role: str = ""


@dataclass(slots=True)
class RoleForm:
    role: str = ""


@dataclass(slots=True)
class JoinForm:
    name: str = ""
    password: str = ""


InviteBody = PostedForm[InviteForm]
RoleBody = PostedForm[RoleForm]
JoinBody = PostedForm[JoinForm]


def _role(value: str) -> Role | None:
    try:
        return Role(value)
    except ValueError:
        return None


class TeamPages(Controller):
    path = "/organise/missions/{slug:str}/team"
    include_in_schema = False

    @get("/", name="organise_team")
    async def team(self, slug: FromPath[str], signed_in: NamedDependency[Organiser],
                   services: NamedDependency[Services]) -> Template:
        return await _team_page(services, slug, signed_in, FormState())

    @post("/invitations", name="organise_team_invite")
    async def invite(self, slug: FromPath[str], data: InviteBody, signed_in: NamedDependency[Organiser],
                     services: NamedDependency[Services]) -> Response[Any]:
        await mission_for(services, slug, signed_in, Action.MANAGE_TEAM)
        role = _role(data.role)
        values = {"email": data.email.strip(), "role": data.role}
        if role is None:
            return await _team_page(services, slug, signed_in, FormState(values, {"role": _("Choose a role.")}), 422)
        try:
            await services.team.invite(slug, data.email, role, signed_in, language=i18n.current().language)
        except (InvalidInput, StateConflict) as refused:
            name, message = field_message(refused)
            return await _team_page(services, slug, signed_in, FormState(values, {name or "email": message}), 422)
        return Redirect(f"/organise/missions/{slug}/team", status_code=303)

    @post("/{account_id:int}/role", name="organise_team_role")
    async def change_role(self, slug: FromPath[str], account_id: FromPath[int], data: RoleBody,
                          signed_in: NamedDependency[Organiser], services: NamedDependency[Services]) -> Response[Any]:
        await mission_for(services, slug, signed_in, Action.MANAGE_TEAM)
        role = _role(data.role)
        if role is None:
            return await _team_page(services, slug, signed_in, FormState({}, {"": _("Choose a role.")}), 422)
        try:
            await services.team.change_role(slug, account_id, role, signed_in)
        except StateConflict as refused:
            return await _team_page(services, slug, signed_in, FormState({}, {"": field_message(refused)[1]}), 409)
        return Redirect(f"/organise/missions/{slug}/team", status_code=303)

    @post("/{account_id:int}/remove", name="organise_team_remove")
    async def remove(self, slug: FromPath[str], account_id: FromPath[int], signed_in: NamedDependency[Organiser],
                     services: NamedDependency[Services]) -> Response[Any]:
        await mission_for(services, slug, signed_in, Action.MANAGE_TEAM)
        try:
            await services.team.remove(slug, account_id, signed_in)
        except StateConflict as refused:
            return await _team_page(services, slug, signed_in, FormState({}, {"": field_message(refused)[1]}), 409)
        return Redirect(f"/organise/missions/{slug}/team", status_code=303)


async def _team_page(services: Services, slug: str, signed_in: Organiser, form: FormState, status: int = 200) -> Template:
    mission = await mission_for(services, slug, signed_in, Action.VIEW)
    team = await services.team.team(slug, signed_in)
    return Template("organise/team.html", status_code=status, context={
        "signed_in": signed_in, "mission": mission, "section": "team", "team": team, "form": form,
        "roles": ROLES, "may_manage": may(signed_in, Action.MANAGE_TEAM, mission.id),
    })


class InvitationPages(Controller):
    path = "/organise/invitations/{token:str}"
    include_in_schema = False

    @get("/", name="organise_invitation")
    async def show(self, token: FromPath[str], services: NamedDependency[Services]) -> Template:
        return await _invitation_page(services, token, FormState())

    @post("/", name="organise_invitation_accept")
    async def accept(self, request: Request[Any, Any, Any], token: FromPath[str], data: JoinBody,
                     services: NamedDependency[Services]) -> Response[Any]:
        try:
            account = await services.team.accept(token, name=data.name, password=data.password)
        except InvalidInput as refused:
            name, message = field_message(refused)
            return await _invitation_page(services, token, FormState({"name": data.name.strip()}, {name: message}), 422)
        return await start_session(services, account.id, HOME_PATH)


async def _invitation_page(services: Services, token: str, form: FormState, status: int = 200) -> Template:
    invitation = await services.team.invitation(token)
    return Template("organise/invitation.html", status_code=status, context={
        "invitation": invitation, "form": form, "token": token,
    })

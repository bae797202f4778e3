"""/organise/missions/{slug}/tokens: the mission's API tokens (name, scope, role, created,
last used), a new one shown once, revoking."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from eventhub.db.services.access import Organiser
from eventhub.domain.permissions import Action, Role, lesser, may
from eventhub.i18n import _
from eventhub.services import Services
from eventhub.web.forms import FormState, PostedForm
from eventhub.web.organise.guard import mission_for

NAME_MAX = 120


@dataclass(slots=True)
class TokenForm:
    name: str = ""
    role: str = ""


TokenBody = PostedForm[TokenForm]


class TokenPages(Controller):
    path = "/organise/missions/{slug:str}/tokens"
    include_in_schema = False

    @get("/", name="organise_tokens")
    async def tokens(self, slug: FromPath[str], signed_in: NamedDependency[Organiser],
                     services: NamedDependency[Services]) -> Template:
        return await _tokens_page(services, slug, signed_in, FormState())

    @post("/", name="organise_tokens_create", status_code=201)
    async def create(self, slug: FromPath[str], data: TokenBody, signed_in: NamedDependency[Organiser],
                     services: NamedDependency[Services]) -> Response[Any]:
        mission = await mission_for(services, slug, signed_in, Action.MANAGE_TOKENS)
        name = data.name.strip()
        values = {"name": name, "role": data.role}
        errors = {}
        if not name or len(name) > NAME_MAX or any(ord(c) < 32 for c in name):
            errors["name"] = _("Name the token (at most %(max)s characters), e.g. what uses it.", max=NAME_MAX)
        try:
            role = Role(data.role)
        except ValueError:
            errors["role"] = _("Choose a role.")
        if errors:
            return await _tokens_page(services, slug, signed_in, FormState(values, errors), 422)
        # Never above the creator's own role; an account's token follows the account.
        own = signed_in.role_in(mission.id) or Role.VIEWER
        secret = await services.organiser_tokens.create(
            name, slug, role=lesser(role, own), account_id=signed_in.account_id, by=signed_in,
        )
        # Shown once, on this answer: it is stored only as a digest.
        return await _tokens_page(services, slug, signed_in, FormState(), 201, created=secret)

    @post("/{token_id:int}/revoke", name="organise_tokens_revoke")
    async def revoke(self, slug: FromPath[str], token_id: FromPath[int], signed_in: NamedDependency[Organiser],
                     services: NamedDependency[Services]) -> Response[Any]:
        await mission_for(services, slug, signed_in, Action.MANAGE_TOKENS)
        await services.organiser_tokens.revoke(token_id, mission_slug=slug, by=signed_in)
        return Redirect(f"/organise/missions/{slug}/tokens", status_code=303)


async def _tokens_page(services: Services, slug: str, signed_in: Organiser, form: FormState, status: int = 200,
                       created: str | None = None) -> Template:
    mission = await mission_for(services, slug, signed_in, Action.VIEW)
    tokens = await services.organiser_tokens.list(mission_slug=slug)
    return Template("organise/tokens.html", status_code=status, context={
        "signed_in": signed_in, "mission": mission, "section": "tokens", "tokens": tokens, "form": form,
        "created": created, "roles": [Role.OWNER, Role.EDITOR, Role.VIEWER],
        "may_manage": may(signed_in, Action.MANAGE_TOKENS, mission.id),
    }, headers={"Cache-Control": "no-store"})

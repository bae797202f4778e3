"""Delegation registration by page: a head registers named members for sessions in one
form (the same `register_group` as the API), and looks after them from their manage page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from eventhub.db.services.registrations import (
    AllSessionsRefused,
    GroupOutcome,
    GroupRequest,
    MemberRequest,
    Outcome,
    SignupRequest,
)
from eventhub.domain.errors import StateConflict
from eventhub.domain.programme import RegistrationStatus
from eventhub.domain.registration import MAX_DELEGATION_MEMBERS
from eventhub.i18n import _
from eventhub.present import Presenter
from eventhub.ratelimit import enforce_registration_rate_limit
from eventhub.services import Services
from eventhub.urls import PATHS
from eventhub.web import returning, views
from eventhub.web.forms import DelegationForm, FormState, validate_delegation, validate_member, PostedForm
from eventhub.web.language import settle
from eventhub.web.pages import manage_page, registered_before, to_answer

DelegationBody = PostedForm[DelegationForm]
ROWS = 5  # member rows a new form shows


@dataclass(slots=True)
class MemberForm:
    name: str = ""
    email: str = ""


MemberBody = PostedForm[MemberForm]


class DelegationPages(Controller):
    path = "/missions/{slug:str}/delegation"
    include_in_schema = False

    @get("/", name="delegation")
    async def show(
        self,
        slug: FromPath[str],
        services: NamedDependency[Services],
        present: NamedDependency[Presenter],
        rows: FromQuery[int] = ROWS,
    ) -> Template:
        return await _delegation_template(services, present, slug, FormState(), rows)

    @post("/", name="register_delegation")
    async def register(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        data: DelegationBody,
        services: NamedDependency[Services],
        present: NamedDependency[Presenter],
    ) -> Response[Any]:
        await enforce_registration_rate_limit(request)
        group, form, rows = validate_delegation(data)
        if group is None:
            return await _delegation_template(services, present, slug, form, rows, data.chosen, status=422)
        try:
            outcome = await services.registrations.register_group(
                slug, group, None, remembered=returning.remembered(request)
            )
        except AllSessionsRefused:
            closed = FormState(form.values, {"": _("None of these sessions takes registrations any more.")})
            return await _delegation_template(services, present, slug, closed, rows, data.chosen, status=409)
        return _answer(services, present, outcome, group, slug, returning.remembered(request))


class DelegationManagement(Controller):
    """The head's manage page forms: add, remove and swap members."""

    path = "/manage/{token:str}/delegation"
    include_in_schema = False

    @post("/", name="add_member")
    async def add(
        self,
        request: Request[Any, Any, Any],
        token: FromPath[str],
        data: MemberBody,
        services: NamedDependency[Services],
        present: NamedDependency[Presenter],
    ) -> Response[Any]:
        """One more member, for the head's own sessions (those they still hold a place in)."""
        await enforce_registration_rate_limit(request)
        member, form = _member(data, ADD)
        view = await services.registrations.me(token)
        sessions = [r.session.id for r in view.registrations if r.registration.status != RegistrationStatus.CANCELLED]
        if member is not None and not sessions:
            form = FormState(form.values, {"": _("You hold no place in a session that a member could join.")})
        if member is None or not sessions:
            return await manage_page(request, token, services, present, member_forms={ADD: form}, status=422)
        head = SignupRequest(None, None, None, sessions)
        group = GroupRequest(head, [member])
        outcome = await services.registrations.register_group(view.mission.slug, group, token)
        return _answer(services, present, outcome, group, view.mission.slug, token)

    @post("/{member_id:int}/remove", name="remove_member")
    async def remove(self, token: FromPath[str], member_id: FromPath[int], services: NamedDependency[Services]) -> Redirect:
        await services.delegations.remove(token, member_id)
        return Redirect(f"{PATHS.manage(token)}?member_removed=true#delegation-heading", status_code=303)

    @post("/{member_id:int}/swap", name="swap_member")
    async def swap(
        self,
        request: Request[Any, Any, Any],
        token: FromPath[str],
        member_id: FromPath[int],
        data: MemberBody,
        services: NamedDependency[Services],
        present: NamedDependency[Presenter],
    ) -> Response[Any]:
        prefix = f"swap-{member_id}"
        member, form = _member(data, prefix)
        status = 422
        if member is not None:
            try:
                await services.delegations.swap(token, member_id, member.name, member.email)
            except StateConflict as refused:
                form, status = FormState(form.values, _swap_refusal(refused, prefix)), 409
            else:
                return Redirect(f"{PATHS.manage(token)}?member_swapped=true#delegation-heading", status_code=303)
        return await manage_page(request, token, services, present, member_forms={prefix: form}, status=status)


ADD = "add-member"  # the add form's field prefix; a swap form's is swap-<member id>


def _member(data: MemberForm, prefix: str) -> tuple[MemberRequest | None, FormState]:
    """The member a small manage-page form names, or None; the form as typed, with its errors."""
    name, email = data.name.strip(), data.email.strip()
    errors: dict[str, str] = {}
    member = validate_member(name, email, prefix, errors)
    return member, FormState({f"{prefix}-name": name, f"{prefix}-email": email}, errors)


def _swap_refusal(refused: StateConflict, prefix: str) -> dict[str, str]:
    if refused.code == "attendee_exists":
        return {f"{prefix}-email": _("This address is registered for the mission already.")}
    if refused.code == "session_started":
        return {"": _("A session of this member has started: their place there stays as it is.")}
    return {"": refused.detail}


def _answer(
    services: Services, present: Presenter, outcome: GroupOutcome, group: GroupRequest, slug: str,
    remembered: str | None,
) -> Redirect:
    head = outcome.head
    if head.outcome == Outcome.EXISTING_ADDRESS:
        return registered_before(services, slug, group.head.session_ids)
    token = head.manage_token or remembered
    assert token is not None
    members = [(m.name, views.member_summary(m.results)) for m in outcome.members]
    return to_answer(services, present, head, token, slug, members=members)


async def _delegation_template(
    services: Services, present: Presenter, slug: str, form: FormState, rows: int, chosen: Sequence[int] = (),
    *, status: int = 200,
) -> Template:
    mission, sessions = await services.sessions.list(slug, None)
    settle(mission.default_language)
    page = views.programme_page(mission, sessions, [s.session.id for s in sessions], present, services.clock())
    shown = min(max(rows, ROWS), MAX_DELEGATION_MEMBERS)
    context = {
        "page": page, "form": form, "rows": shown, "more_rows": min(shown + ROWS, MAX_DELEGATION_MEMBERS),
        "max_rows": MAX_DELEGATION_MEMBERS, "chosen": set(chosen), "path": f"{PATHS.mission(slug)}/delegation",
        "mission_path": PATHS.mission(slug),
    }
    return Template("delegation.html", context=context, status_code=status)

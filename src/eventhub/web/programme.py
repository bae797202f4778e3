"""Several sessions at once: the agenda's "my programme" selection, the page for an
address registered before, and sending the manage link again.

The agenda's checkboxes send a plain GET to the programme page (so the agenda carries no
form token and stays one page for everyone); that page lists the choice and asks for
name and address, and its POST signs up for all of them through the same `sign_up` as a
session page.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from eventhub.db.services.registrations import AllSessionsRefused
from eventhub.i18n import _
from eventhub.present import Presenter
from eventhub.ratelimit import enforce_registration_rate_limit
from eventhub.services import Services
from eventhub.urls import PATHS
from eventhub.web import views
from eventhub.web.forms import EmailForm, FormState, ProgrammeForm, email_error, validate, PostedForm
from eventhub.web.language import settle
from eventhub.web.pages import sign_up

ProgrammeBody = PostedForm[ProgrammeForm]
EmailBody = PostedForm[EmailForm]
# The programme page may show a returning attendee's own name and address: nobody else's cache keeps it.
_PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


class ProgrammeSelection(Controller):
    path = "/missions/{slug:str}"
    include_in_schema = False

    @get("/programme", name="programme")
    async def show(
        self,
        slug: FromPath[str],
        services: NamedDependency[Services],
        present: NamedDependency[Presenter],
        session_ids: FromQuery[list[str] | None] = None,
    ) -> Template:
        chosen = ProgrammeForm(session_ids=session_ids or []).chosen
        form = FormState() if chosen else FormState(errors={"sessions": _("Choose at least one session.")})
        return await _programme_template(services, present, slug, chosen, form)

    @post("/programme", name="register_programme")
    async def register(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        data: ProgrammeBody,
        services: NamedDependency[Services],
        present: NamedDependency[Presenter],
    ) -> Response[Any]:
        await enforce_registration_rate_limit(request)
        chosen = data.chosen
        signup, form = validate(data, chosen)
        if signup is None:
            return await _programme_template(services, present, slug, chosen, form, status=422)
        try:
            return await sign_up(request, services, present, slug, signup)
        except AllSessionsRefused:
            closed = FormState(form.values, {"": _("None of these sessions takes registrations any more.")})
            return await _programme_template(services, present, slug, chosen, closed, status=409)

    @get("/registered-before", name="registered_before")
    async def registered_before(self, slug: FromPath[str], services: NamedDependency[Services]) -> Template:
        mission = await services.missions.get(slug, None)
        settle(mission.default_language)
        return Template("registered_before.html", context=_links(slug), headers=_PRIVATE)

    @get("/resend-link", name="resend_link")
    async def resend_form(
        self, slug: FromPath[str], services: NamedDependency[Services], sent: FromQuery[bool] = False
    ) -> Template:
        return await _resend_template(services, slug, FormState(), sent=sent)

    @post("/resend-link", name="resend_link_send")
    async def resend(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        data: EmailBody,
        services: NamedDependency[Services],
    ) -> Response[Any]:
        """The same answer whether or not the address is registered: nothing to probe."""
        await enforce_registration_rate_limit(request)
        email = data.email.strip()
        problem = email_error(email)
        if problem is not None:
            return await _resend_template(services, slug, FormState({"email": email}, {"email": problem}), status=422)
        await services.registrations.resend_manage_link(slug, email)
        return Redirect(f"{PATHS.mission(slug)}/resend-link?sent=true", status_code=303)


async def _programme_template(
    services: Services, present: Presenter, slug: str, chosen: list[int], form: FormState, *, status: int = 200
) -> Template:
    mission, sessions = await services.sessions.list(slug, None)
    settle(mission.default_language)
    page = views.programme_page(mission, sessions, chosen, present, services.clock())
    return Template(
        "programme.html", context={"page": page, "form": form, **_links(slug)}, status_code=status, headers=_PRIVATE
    )


async def _resend_template(
    services: Services, slug: str, form: FormState, *, sent: bool = False, status: int = 200
) -> Template:
    mission = await services.missions.get(slug, None)
    settle(mission.default_language)
    context = {"form": form, "sent": sent, "mission_title": views.mission_title(mission), **_links(slug)}
    return Template("resend_link.html", context=context, status_code=status)


def _links(slug: str) -> dict[str, str]:
    base = PATHS.mission(slug)
    return {"mission_path": base, "resend_path": f"{base}/resend-link", "programme_path": f"{base}/programme"}

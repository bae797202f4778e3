"""Attendees in the back office: everyone in the mission (searchable, downloadable), and
one session's list with the by-hand changes — cancel, promote, add, move. Every change
is a call to the same attendance service as the JSON API's, with the signed-in organiser
(so the same rules, the same mail, the same 403 for a viewer)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from eventhub import exports
from eventhub.db.services.access import Organiser
from eventhub.domain.errors import StateConflict
from eventhub.domain.permissions import Action, may
from eventhub.i18n import _
from eventhub.services import Services
from eventhub.web.forms import FormState, PostedForm
from eventhub.web.organise.attendance_forms import AddAttendeeForm, MoveForm, add_attendee, move_target, refusal_text
from eventhub.web.organise.attendance_views import attendees_notice, registrations_page, session_attendees_page

AddBody = PostedForm[AddAttendeeForm]
MoveBody = PostedForm[MoveForm]
SESSION = "/sessions/{session_id:int}/attendees"
REGISTRATION = SESSION + "/{registration_id:int}"


class AttendeePages(Controller):
    path = "/organise/missions/{slug:str}"
    include_in_schema = False

    @get("/registrations", name="organise_registrations")
    async def registrations(
        self, slug: FromPath[str], signed_in: NamedDependency[Organiser], services: NamedDependency[Services],
        q: FromQuery[str] = "",
    ) -> Template:
        export = await services.attendance.registrations(slug, signed_in, search=q[:200])
        page = registrations_page(export, q[:200], await services.attendance.fill_rates(slug, signed_in))
        return Template("organise/registrations.html", context={
            "signed_in": signed_in, "mission": export.mission, "section": "registrations", "page": page,
        })

    @get("/registrations.csv", name="organise_registrations_csv")
    async def export_csv(
        self, slug: FromPath[str], signed_in: NamedDependency[Organiser], services: NamedDependency[Services],
    ) -> Response[bytes]:
        return exports.csv_response(slug, await services.attendance.registrations(slug, signed_in))

    @get("/registrations.xlsx", name="organise_registrations_xlsx")
    async def export_xlsx(
        self, slug: FromPath[str], signed_in: NamedDependency[Organiser], services: NamedDependency[Services],
    ) -> Response[bytes]:
        return exports.xlsx_response(slug, await services.attendance.registrations(slug, signed_in))

    @get(SESSION, name="organise_session_attendees")
    async def session_attendees(
        self, slug: FromPath[str], session_id: FromPath[int], signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services], done: FromQuery[str] = "", who: FromQuery[int | None] = None,
        to: FromQuery[int | None] = None, raised: FromQuery[bool] = False,
    ) -> Template:
        return await _attendees(services, slug, session_id, signed_in, notice=(done, who, to, raised))

    @post(SESSION, name="organise_add_attendee")
    async def add(
        self, slug: FromPath[str], session_id: FromPath[int], data: AddBody, signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services],
    ) -> Response[Any]:
        details, form = add_attendee(data)
        if details is None:
            return await _attendees(services, slug, session_id, signed_in, add_form=form, status=422)
        try:
            seated = await services.attendance.add(slug, session_id, details, signed_in)
        except StateConflict as refused:
            form = FormState(form.values, {"": refusal_text(refused)})
            return await _attendees(services, slug, session_id, signed_in, add_form=form, status=409)
        return _back(slug, session_id, "added", seated.listed.registration.id)

    @post(REGISTRATION + "/promote", name="organise_promote")
    async def promote(
        self, slug: FromPath[str], session_id: FromPath[int], registration_id: FromPath[int],
        signed_in: NamedDependency[Organiser], services: NamedDependency[Services],
    ) -> Response[Any]:
        try:
            done = await services.attendance.promote(slug, registration_id, signed_in)
        except StateConflict as refused:
            return await _attendees(services, slug, session_id, signed_in, refusal=refusal_text(refused), status=409)
        raised = "&raised=true" if done.capacity_raised else ""
        return _back(slug, session_id, "promoted", registration_id, raised)

    @post(REGISTRATION + "/cancel", name="organise_cancel_registration")
    async def cancel(
        self, slug: FromPath[str], session_id: FromPath[int], registration_id: FromPath[int],
        signed_in: NamedDependency[Organiser], services: NamedDependency[Services],
    ) -> Redirect:
        await services.registrations.cancel_by_organiser(slug, registration_id, signed_in)
        return _back(slug, session_id, "cancelled", registration_id)

    @post(REGISTRATION + "/move", name="organise_move")
    async def move(
        self, slug: FromPath[str], session_id: FromPath[int], registration_id: FromPath[int], data: MoveBody,
        signed_in: NamedDependency[Organiser], services: NamedDependency[Services],
    ) -> Response[Any]:
        target = move_target(data)
        if target is None:
            return await _attendees(services, slug, session_id, signed_in, status=422,
                                    move_error=(registration_id, _("Choose the session to move them to.")))
        try:
            await services.attendance.move(slug, registration_id, target, signed_in,
                                           allow_waitlist=bool(data.allow_waitlist))
        except StateConflict as refused:
            return await _attendees(services, slug, session_id, signed_in, status=409,
                                    move_error=(registration_id, refusal_text(refused)))
        return _back(slug, session_id, "moved", registration_id, f"&to={target}")


def _back(slug: str, session_id: int, done: str, registration_id: int, extra: str = "") -> Redirect:
    path = f"/organise/missions/{slug}/sessions/{session_id}/attendees"
    return Redirect(f"{path}?done={done}&who={registration_id}{extra}", status_code=303)


async def _attendees(
    services: Services, slug: str, session_id: int, signed_in: Organiser, *,
    notice: tuple[str, int | None, int | None, bool] | None = None, add_form: FormState | None = None,
    refusal: str | None = None, move_error: tuple[int, str] | None = None, status: int = 200,
) -> Template:
    view = await services.attendance.session_attendees(slug, session_id, signed_in)
    fills = await services.attendance.fill_rates(slug, signed_in)
    can_change = may(signed_in, Action.MANAGE_ATTENDEES, view.mission.id)
    page = session_attendees_page(view, fills, can_change=can_change)
    return Template("organise/session_attendees.html", status_code=status, context={
        "signed_in": signed_in, "mission": view.mission, "section": "registrations", "page": page,
        "notice": attendees_notice(page, *notice) if notice else None,
        "add_form": add_form or FormState(), "refusal": refusal, "move_error": move_error,
    })

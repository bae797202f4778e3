"""The door (`.../check-in`), made for a phone: pick the session, check someone in by the
code of their QR code (typed, or read by the camera where the browser can), or find
them by name; a second check-in says when the first was. Attendance per session below."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from eventhub.db.models import Mission
from eventhub.db.services.access import Organiser
from eventhub.db.services.checkins import CheckInOutcome
from eventhub.domain.errors import NotFound
from eventhub.domain.permissions import Action, may
from eventhub.i18n import _
from eventhub.services import Services
from eventhub.web.forms import FormState, PostedForm
from eventhub.web.organise.attendance_views import DoorAnswer, back_office, check_in_page, door_answer
from eventhub.web.organise.guard import mission_for


@dataclass(slots=True)
class CheckInForm:
    session_id: str = ""
    code: str = ""


CheckInBody = PostedForm[CheckInForm]


class CheckInPages(Controller):
    path = "/organise/missions/{slug:str}/check-in"
    include_in_schema = False

    @get("/", name="organise_check_in")
    async def show(
        self, slug: FromPath[str], signed_in: NamedDependency[Organiser], services: NamedDependency[Services],
        session_id: FromQuery[int | None] = None, q: FromQuery[str] = "", checked: FromQuery[int | None] = None,
    ) -> Template:
        mission = await mission_for(services, slug, signed_in, Action.VIEW_ATTENDEES)
        answer = None
        if session_id is not None and checked is not None:  # back from a check-in (303)
            found = await services.check_ins.find(slug, session_id, services.check_ins.code_for(checked), signed_in)
            if found and found[0].listed.checked_in_at is not None:
                item = found[0].listed
                answer = door_answer(CheckInOutcome.CHECKED_IN, item, item.checked_in_at, mission)
        return await _door(services, mission, signed_in, session_id, query=q[:200], answer=answer)

    @post("/", name="organise_check_in_post")
    async def check_in(
        self, slug: FromPath[str], data: CheckInBody, signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services],
    ) -> Response[Any]:
        mission = await mission_for(services, slug, signed_in, Action.VIEW_ATTENDEES)
        session_id = int(data.session_id) if data.session_id.isdigit() and len(data.session_id) < 16 else None
        code = data.code.strip()
        errors = {}
        if session_id is None:
            errors["session_id"] = _("Choose the session people are checked in for.")
        if not code:
            errors["code"] = _("Type the check-in code, or scan the QR code.")
        if session_id is None or errors:
            return await _door(services, mission, signed_in, session_id, form=FormState({"code": code}, errors), status=422)
        try:
            result = await services.check_ins.check_in(slug, session_id, code, signed_in)
        except NotFound as missing:
            field = "code" if missing.code == "check_in_code_unknown" else "session_id"
            message = _("No registration of this mission has this code. Check it, or find the person by name.")
            if field == "session_id":
                message = _("Choose the session people are checked in for.")
            return await _door(services, mission, signed_in, session_id, status=422,
                               form=FormState({"code": code}, {field: message}))
        if result.outcome == CheckInOutcome.CHECKED_IN:
            path = back_office(slug, "/check-in")
            return Redirect(f"{path}?session_id={session_id}&checked={result.listed.registration.id}", status_code=303)
        answer = door_answer(result.outcome, result.listed, result.checked_in_at, mission)
        return await _door(services, mission, signed_in, session_id, answer=answer, status=409)


async def _door(
    services: Services, mission: Mission, signed_in: Organiser, session_id: int | None, *, query: str = "",
    answer: DoorAnswer | None = None, form: FormState | None = None, status: int = 200,
) -> Template:
    fills = await services.attendance.fill_rates(mission.slug, signed_in)
    found = None
    if session_id is not None and query.strip():
        found = await services.check_ins.find(mission.slug, session_id, query, signed_in)
    page = check_in_page(mission, fills, session_id, query=query, found=found, answer=answer,
                         can_check_in=may(signed_in, Action.MANAGE_ATTENDEES, mission.id))
    return Template("organise/check_in.html", status_code=status, context={
        "signed_in": signed_in, "mission": mission, "section": "check-in", "page": page, "form": form or FormState(),
    })

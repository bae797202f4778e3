"""The timetable editor (`.../timetable`): days × venues, sessions at their wall-clock
times. A move (dragged, by keyboard, or through the form under the grid) is one POST to
`.../timetable/move`, which changes the session through the same service as the API;
conflicts come back before anything is saved, with a way to move anyway, and the last
move can be undone. The script asks for JSON; a plain form post gets pages and 303s."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from eventhub.db.models import Mission
from eventhub.db.services.access import Organiser
from eventhub.db.services.sessions import SessionView
from eventhub.domain.errors import InvalidInput, StateConflict
from eventhub.domain.permissions import Action
from eventhub.i18n import _
from eventhub.schemas import SessionUpdate
from eventhub.services import Services
from eventhub.web.forms import FormState
from eventhub.web.organise import programme_views as views
from eventhub.web.organise.form_input import read_form, rule_text
from eventhub.web.organise.guard import mission_for
from eventhub.web.organise.programme import back_office, texts
from eventhub.web.organise.timetable_grid import build_grid

MOVE_FIELDS = ("starts_at", "ends_at", "venue_id")


@dataclass(frozen=True, slots=True)
class Moved:
    """The last move, and where the session was before it (for its undo)."""

    title: str
    session_id: int
    starts_at: str
    ends_at: str
    venue_id: str


def _wants_json(request: Request[Any, Any, Any]) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _placement(view: SessionView) -> dict[str, str]:
    s = view.session
    return {
        "session_id": str(s.id), "starts_at": s.starts_local.isoformat(timespec="minutes"),
        "ends_at": s.ends_local.isoformat(timespec="minutes"), "venue_id": str(s.venue_id or ""),
    }


async def _timetable(
    services: Services, mission: Mission, signed_in: Organiser, *, day: date | None = None, status: int = 200,
    move_form: FormState | None = None, conflicts: list[views.ConflictNote] | None = None,
    moved: Moved | None = None,
) -> Template:
    _mission, sessions = await services.sessions.list(mission.slug, signed_in)
    _mission, venues = await services.venues.list(mission.slug, signed_in)
    _mission, people = await services.people.list(mission.slug, signed_in)
    pairs = await services.sessions.conflicts(mission.slug, signed_in)
    conflicted = {slot.session_id for pair in pairs for slot in (pair.first, pair.second)}
    grid = build_grid(mission, sessions, venues, conflicted, day)
    return back_office(
        "organise/timetable.html", signed_in, mission, "timetable", status=status,
        grid=grid, day=day, venues=views.Choices.of(venues, []).venues,
        sessions=[(str(v.session.id), f"{views.ref(v, views.Paths(mission.slug)).when} · {v.session.title}")
                  for v in sessions if v.session.status.value != "cancelled"],
        move_form=move_form or FormState(), move_conflicts=conflicts, moved=moved,
        current_conflicts=views.conflict_notes(pairs, views.Names.of(mission, venues, people)),
        days=views.mission_days(mission),
    )


class TimetablePages(Controller):
    path = "/organise/missions/{slug:str}/timetable"
    include_in_schema = False

    @get("/", name="organise_timetable")
    async def show(
        self, slug: FromPath[str], signed_in: NamedDependency[Organiser], services: NamedDependency[Services],
        day: FromQuery[date | None] = None, moved: FromQuery[int | None] = None,
        undo_starts_at: FromQuery[str | None] = None, undo_ends_at: FromQuery[str | None] = None,
        undo_venue_id: FromQuery[str | None] = None,
    ) -> Template:
        mission = await mission_for(services, slug, signed_in, Action.VIEW)
        last = None
        if moved is not None and undo_starts_at and undo_ends_at:
            view = await services.sessions.get(slug, moved, signed_in)
            last = Moved(view.session.title, moved, undo_starts_at, undo_ends_at, undo_venue_id or "")
        return await _timetable(services, mission, signed_in, day=day, moved=last)

    @post("/move", name="organise_timetable_move")
    async def move(
        self, request: Request[Any, Any, Any], slug: FromPath[str], signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services],
    ) -> Response[Any] | Template | Redirect:
        mission = await mission_for(services, slug, signed_in, Action.EDIT_PROGRAMME)
        typed = texts(await request.form())
        as_json = _wants_json(request)
        session_id = int(typed["session_id"]) if typed.get("session_id", "").isdigit() else None
        fields, state = read_form(SessionUpdate, typed, MOVE_FIELDS)
        if session_id is None:
            state = FormState(state.values, {**state.errors, "session_id": _("Choose a session.")})
            fields = None
        if fields is None or session_id is None:
            return _json_refusal(state) if as_json else await _timetable(
                services, mission, signed_in, status=422, move_form=state)
        before = await services.sessions.get(slug, session_id, signed_in)
        try:
            view = await services.sessions.update(
                slug, session_id, fields, signed_in, allow_conflicts=typed.get("allow_conflicts") == "true"
            )
        except StateConflict as error:
            if error.code != "scheduling_conflict":
                raise
            _mission, venues = await services.venues.list(slug, signed_in)
            _mission, people = await services.people.list(slug, signed_in)
            notes = views.refused_notes(error.extra.get("conflicts", []), views.Names.of(mission, venues, people))
            if as_json:
                return _json_conflict(notes)
            form = FormState({**state.values, "session_id": str(session_id)})
            return await _timetable(services, mission, signed_in, status=409, move_form=form, conflicts=notes)
        except InvalidInput as error:
            field = str(error.extra.get("field", ""))
            refused = FormState({**state.values, "session_id": str(session_id)}, {field: rule_text(error)})
            return _json_refusal(refused) if as_json else await _timetable(
                services, mission, signed_in, status=422, move_form=refused)
        undo = _placement(before)
        if as_json:
            return Response({
                "status": "moved", "message": _moved_text(view), "undo": undo, "session_id": session_id,
            }, status_code=200)
        query = urlencode({
            "moved": session_id, "undo_starts_at": undo["starts_at"], "undo_ends_at": undo["ends_at"],
            "undo_venue_id": undo["venue_id"],
        })
        anchor = f"#day-{view.session.starts_local.date().isoformat()}"
        return Redirect(f"{views.Paths(slug).page('timetable')}?{query}{anchor}", status_code=303)


def _moved_text(view: SessionView) -> str:
    s = view.session
    where = s.venue.name if s.venue else _("no venue")
    return _("%(title)s now %(day)s %(start)s–%(end)s at %(venue)s.", title=s.title,
             day=views.ref(view, views.Paths("")).when.rsplit(" ", 1)[0],
             start=s.starts_local.strftime("%H:%M"), end=s.ends_local.strftime("%H:%M"), venue=where)


def _json_refusal(state: FormState) -> Response[Any]:
    return Response({"status": "invalid", "message": " ".join(state.errors.values()), "errors": state.errors},
                    status_code=422)


def _json_conflict(notes: list[views.ConflictNote]) -> Response[Any]:
    return Response({
        "status": "conflict",
        "message": _("This move would conflict:"),
        "conflicts": [
            {"label": n.label, "detail": n.detail, "sessions": [{"title": s.title, "href": s.href} for s in n.sessions]}
            for n in notes
        ],
    }, status_code=409)

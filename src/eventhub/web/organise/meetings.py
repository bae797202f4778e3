"""The back office's meetings page, /organise/missions/<slug>/meetings: the plan as a grid
of slots × tables, what was left out and why, and the buttons to schedule, lock, move,
unplace and publish. Every change goes through `services.meetings`, as the API's do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from eventhub.db.services.access import Organiser
from eventhub.db.services.meetings import PlanInput, PlannedMeeting, PlanView, RequestEntry
from eventhub.domain.errors import DomainError, InvalidInput
from eventhub.domain.meetings.plan import LeftOutReason
from eventhub.domain.permissions import Action
from eventhub.domain.time import zone
from eventhub.i18n import _
from eventhub.services import Services
from eventhub.web.formatting import clock, short_day
from eventhub.web.organise.guard import mission_for
from eventhub.web.forms import PostedForm

BASE = "/organise/missions/{slug:str}/meetings"


@dataclass(slots=True)
class PlanForm:
    slot_minutes: str = "30"
    windows: str = ""  # one a line: 2026-12-09 10:00 12:00 Venue name
    tables: str = ""  # one a line: Table name @ Venue name
    request_expiry_hours: str = ""
    max_open_requests: str = ""


@dataclass(slots=True)
class MoveForm:
    starts_at: str = ""
    table_id: int = 0


PlanBody = PostedForm[PlanForm]
MoveBody = PostedForm[MoveForm]


@dataclass(frozen=True, slots=True)
class Cell:
    meeting: PlannedMeeting | None
    names: str


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    starts_at: str  # local wall time, the value a move posts
    cells: list[Cell]


@dataclass(frozen=True, slots=True)
class LeftOutLine:
    request_id: int
    names: str
    reason: str


@dataclass(frozen=True, slots=True)
class Grid:
    tables: list[tuple[int, str]]  # (id, "name, venue")
    rows: list[Row]
    left_out: list[LeftOutLine]
    slot_choices: list[tuple[str, str]]  # (value, label)
    run: dict[str, Any] | None
    unpublished_changes: int
    published: bool


def reason_text(code: str) -> str:
    return {
        LeftOutReason.NO_COMMON_FREE_SLOT: _("The two have no free slot in common."),
        LeftOutReason.TABLE_CAPACITY: _("Every table is taken in the slots they share."),
        LeftOutReason.SCHEDULE_FULL: _("Their other meetings fill the slots they share."),
        LeftOutReason.LOCKED_CONFLICT: _("Locked meetings take the slots they share."),
        LeftOutReason.TIME_LIMIT: _("The scheduler reached its time limit before placing it."),
    }.get(code, _("Accepted since the last schedule: run the scheduler."))


def problem_text(error: DomainError) -> str:
    texts = {
        "schedule_running": _("The scheduler is already running for this mission; wait for its answer."),
        "plan_changed": _("Requests, the plan or the programme changed while the scheduler ran; nothing was saved. "
                          "Run it again."),
        "meeting_plan_not_set": _("Set the slots and tables first."),
        "participant_busy": _("One of the two is busy then (a session, or travel to it)."),
        "participant_double_booked": _("One of the two has another meeting then."),
        "table_taken": _("That table is taken then."),
        "no_such_slot": _("There is no slot then at that table's venue."),
        "locked_meetings_clash": _("Locked meetings clash with each other; unlock one."),
        "window_ends_before_start": _("A window ends before it starts."),
        "windows_overlap": _("Two windows at one venue overlap."),
        "duplicate_table": _("Two tables have the same name."),
        "unknown_venue": _("A venue is not one of this mission's."),
        "slot_minutes_out_of_range": _("A slot is 5 to 240 minutes long."),
        "plan_line_invalid": _("A line could not be read: %(line)s", line=error.extra.get("line", "")),
    }
    return texts.get(error.code, _("This change could not be made."))


def _names(entry: RequestEntry) -> str:
    return f"{entry.sender.name} ({entry.sender.profile.organisation}) – {entry.recipient.name} ({entry.recipient.profile.organisation})"


def grid(view: PlanView) -> Grid:
    tz = zone(view.mission.timezone)
    venues = view.venues
    tables = [(t.id, f"{t.name}, {venues[t.venue_id].name}" if t.venue_id in venues else t.name) for t in view.tables]
    starts = sorted({s.starts_at for s in view.slots})
    at = {(p.meeting.starts_at, p.meeting.table_id): p for p in view.meetings}
    rows = []
    for start in starts:
        local = start.astimezone(tz)
        cells = [
            Cell(m, _names(m.request)) if (m := at.get((start, table_id))) is not None else Cell(None, "")
            for table_id, _label in tables
        ]
        rows.append(Row(f"{short_day(local)} {clock(local)}", local.strftime("%Y-%m-%dT%H:%M"), cells))
    left = [LeftOutLine(e.request.id, _names(e), reason_text(view.reasons.get(e.request.id, ""))) for e in view.waiting]
    return Grid(
        tables, rows, left, [(r.starts_at, r.label) for r in rows],
        view.plan.last_run if view.plan is not None and view.plan.last_run else None,
        view.unpublished_changes, view.plan is not None and view.plan.published_at is not None,
    )


def plan_form(view: PlanView) -> PlanForm:
    if view.plan is None:
        return PlanForm()
    tz = zone(view.mission.timezone)
    windows = []
    for w in view.windows:
        s, e = w.starts_at.astimezone(tz), w.ends_at.astimezone(tz)
        windows.append(f"{s:%Y-%m-%d %H:%M} {e:%H:%M} {view.venues[w.venue_id].name}")
    return PlanForm(
        str(view.plan.slot_minutes), "\n".join(windows),
        "\n".join(f"{t.name} @ {view.venues[t.venue_id].name}" for t in view.tables),
        str(view.plan.request_expiry_hours), str(view.plan.max_open_requests),
    )


def read_plan_form(form: PlanForm, venue_ids: dict[str, int]) -> PlanInput:
    """The plan as typed: a window a line ("2026-12-09 10:00 12:00 Venue"), a table a line
    ("Table 1 @ Venue"); venues by name."""
    def venue(name: str, line: str) -> int:
        found = venue_ids.get(name.strip().casefold())
        if found is None:
            raise InvalidInput(f"Unknown venue in {line!r}.", code="plan_line_invalid", line=line)
        return found

    windows: list[tuple[str | datetime, str | datetime, int]] = []
    for line in filter(None, (raw.strip() for raw in form.windows.splitlines())):
        parts = line.split(maxsplit=3)
        if len(parts) != 4:
            raise InvalidInput(f"Cannot read {line!r}.", code="plan_line_invalid", line=line)
        day, start, end, name = parts
        windows.append((f"{day}T{start}", f"{day}T{end}", venue(name, line)))
    tables = []
    for line in filter(None, (raw.strip() for raw in form.tables.splitlines())):
        name, sep, where = line.rpartition("@")
        if not sep or not name.strip():
            raise InvalidInput(f"Cannot read {line!r}.", code="plan_line_invalid", line=line)
        tables.append((name.strip(), venue(where, line)))
    try:
        minutes = int(form.slot_minutes)
        expiry = int(form.request_expiry_hours) if form.request_expiry_hours.strip() else None
        cap = int(form.max_open_requests) if form.max_open_requests.strip() else None
    except ValueError:
        raise InvalidInput("Numbers, please.", code="plan_line_invalid", line=form.slot_minutes) from None
    return PlanInput(minutes, windows, tables, expiry, cap)


class MeetingPlanPages(Controller):
    path = BASE
    include_in_schema = False

    @get("/", name="organise_meetings")
    async def show(
        self, slug: FromPath[str], signed_in: NamedDependency[Organiser], services: NamedDependency[Services],
        done: FromQuery[str | None] = None,
    ) -> Template:
        notices = {
            "scheduled": _("Scheduled. Publish to tell the participants."),
            "published": _("Published: both sides of each changed meeting are told by mail and in their calendars."),
            "saved": _("Saved."),
        }
        return await self._page(slug, signed_in, services, notice=notices.get(done or ""))

    async def _page(
        self, slug: str, signed_in: Organiser, services: Services, *, notice: str | None = None,
        problem: str | None = None, form: PlanForm | None = None, status: int = 200,
    ) -> Template:
        mission = await mission_for(services, slug, signed_in, Action.VIEW)
        view = await services.meetings.plan(slug, signed_in)
        return Template("organise/meetings.html", status_code=status, context={
            "signed_in": signed_in, "mission": mission, "section": "meetings", "grid": grid(view),
            "form": form or plan_form(view), "notice": notice, "problem": problem,
            "venues": sorted(v.name for v in view.venues.values()),
        })

    async def _change(
        self, slug: str, signed_in: Organiser, services: Services, done: str, change: Any,
    ) -> Any:
        await mission_for(services, slug, signed_in, Action.MANAGE_MEETINGS)
        try:
            await change()
        except DomainError as error:
            if error.code in ("mission_not_found", "wrong_mission", "forbidden", "request_not_found",
                              "meeting_not_placed"):
                raise
            return await self._page(slug, signed_in, services, problem=problem_text(error), status=409)
        return Redirect(f"/organise/missions/{slug}/meetings?done={done}", status_code=303)

    @post("/plan", name="organise_meetings_plan")
    async def save_plan(
        self, slug: FromPath[str], data: PlanBody, signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services],
    ) -> Any:
        await mission_for(services, slug, signed_in, Action.MANAGE_MEETINGS)
        view = await services.meetings.plan(slug, signed_in)
        try:
            given = read_plan_form(data, {v.name.casefold(): v.id for v in view.venues.values()})
            await services.meetings.set_plan(slug, given, signed_in)
        except DomainError as error:
            return await self._page(slug, signed_in, services, problem=problem_text(error), form=data, status=422)
        return Redirect(f"/organise/missions/{slug}/meetings?done=saved", status_code=303)

    @post("/schedule", name="organise_meetings_schedule")
    async def schedule(
        self, slug: FromPath[str], signed_in: NamedDependency[Organiser], services: NamedDependency[Services]
    ) -> Any:
        return await self._change(slug, signed_in, services, "scheduled",
                                  lambda: services.meetings.schedule(slug, signed_in))

    @post("/publish", name="organise_meetings_publish")
    async def publish(
        self, slug: FromPath[str], signed_in: NamedDependency[Organiser], services: NamedDependency[Services]
    ) -> Any:
        return await self._change(slug, signed_in, services, "published", lambda: services.meetings.publish(slug, signed_in))

    @post("/{request_id:int}/lock", name="organise_meeting_lock")
    async def lock(
        self, slug: FromPath[str], request_id: FromPath[int], signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services],
    ) -> Any:
        return await self._change(slug, signed_in, services, "saved",
                                  lambda: services.meetings.lock(slug, request_id, signed_in, locked=True))

    @post("/{request_id:int}/unlock", name="organise_meeting_unlock")
    async def unlock(
        self, slug: FromPath[str], request_id: FromPath[int], signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services],
    ) -> Any:
        return await self._change(slug, signed_in, services, "saved",
                                  lambda: services.meetings.lock(slug, request_id, signed_in, locked=False))

    @post("/{request_id:int}/unplace", name="organise_meeting_unplace")
    async def unplace(
        self, slug: FromPath[str], request_id: FromPath[int], signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services],
    ) -> Any:
        return await self._change(slug, signed_in, services, "saved",
                                  lambda: services.meetings.unplace(slug, request_id, signed_in))

    @post("/{request_id:int}/move", name="organise_meeting_move")
    async def move(
        self, slug: FromPath[str], request_id: FromPath[int], data: MoveBody, signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services],
    ) -> Any:
        return await self._change(slug, signed_in, services, "saved", lambda: services.meetings.move(
            slug, request_id, data.starts_at, data.table_id, signed_in))

"""/api/missions/{slug}/sessions, travel times and the conflict report."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from eventhub.api.deps import ORGANISER_ONLY, READ, READ_ONE, WRITE, Lang, PathId, QueryId, problems
from eventhub.present import Presenter
from eventhub.schemas import (
    DAY_PATTERN,
    check_day,
    BulkIn,
    ChangeSummaryOut,
    ConflictOut,
    SessionCancel,
    SessionCreate,
    SessionOut,
    SessionUpdate,
    TravelTimeIn,
    TravelTimeOut,
)
from eventhub.db.services.access import Organiser
from eventhub.db.services.bulk import BulkChange
from eventhub.db.services.sessions import SessionFilter
from eventhub.domain.programme import SessionKind
from eventhub.services import Services

SCHEDULE = problems(401, 403, 404, 409, 413, 422)
AllowConflicts = Annotated[
    bool, QueryParameter(description="Save even if the session would conflict")
]
ShiftLater = Annotated[
    bool,
    QueryParameter(description="When the session now ends later or earlier, move the sessions after it at its venue that day by as much"),
]
DryRun = Annotated[bool, QueryParameter(description="Only say what the change would do; change nothing")]


class SessionController(Controller):
    path = "/api/missions/{slug:str}/sessions"
    tags = ["sessions"]

    @get("/", operation_id="listSessions", responses=problems(401, 404, 422))
    async def list_sessions(
        self,
        slug: FromPath[str],
        services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
        present: NamedDependency[Presenter],
        day: Annotated[
            date | None,
            QueryParameter(description="Local day in the mission's zone", schema_extra={"pattern": DAY_PATTERN}),
        ] = None,
        kind: FromQuery[SessionKind | None] = None,
        venue_id: QueryId = None,
        language: FromQuery[str | None] = None,
        lang: Lang = None,
    ) -> list[SessionOut]:
        """The programme in time order; drafts only for the mission's organisers. `language`
        filters by the language a session is held in; `lang` is the reader's (translations)."""
        where = SessionFilter(day=check_day(day, "day"), kind=kind, venue_id=venue_id, language=language)
        mission, views = await services.sessions.list(slug, organiser, where)
        return [present.session(v, mission.slug, lang) for v in views]

    @post("/", guards=ORGANISER_ONLY, operation_id="createSession", responses=SCHEDULE)
    async def create_session(
        self,
        slug: FromPath[str],
        data: JSONBody[SessionCreate],
        services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
        present: NamedDependency[Presenter],
        allow_conflicts: AllowConflicts = False,
    ) -> SessionOut:
        """Add a session; 409 lists every session it would conflict with, and why."""
        view = await services.sessions.create(slug, _fields(data), organiser, allow_conflicts=allow_conflicts)
        return present.session(view, slug)

    @get("/{session_id:int}", operation_id="getSession", responses=READ_ONE)
    async def get_session(
        self,
        slug: FromPath[str],
        session_id: PathId,
        services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
        present: NamedDependency[Presenter],
        lang: Lang = None,
    ) -> SessionOut:
        return present.session(await services.sessions.get(slug, session_id, organiser), slug, lang)

    @patch("/{session_id:int}", guards=ORGANISER_ONLY, operation_id="updateSession", responses=SCHEDULE)
    async def update_session(
        self,
        slug: FromPath[str],
        session_id: PathId,
        data: JSONBody[SessionUpdate],
        services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
        present: NamedDependency[Presenter],
        allow_conflicts: AllowConflicts = False,
        shift_later: ShiftLater = False,
    ) -> SessionOut:
        """Change a session; SEQUENCE goes up when its time, venue, title or status changes."""
        view = await services.sessions.update(
            slug, session_id, _fields(data), organiser, allow_conflicts=allow_conflicts, shift_later=shift_later
        )
        return present.session(view, slug)

    @delete("/{session_id:int}", guards=ORGANISER_ONLY, operation_id="deleteSession", responses=problems(401, 403, 404, 409, 422))
    async def delete_session(
        self,
        slug: FromPath[str],
        session_id: PathId,
        services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
    ) -> None:
        """Delete a session nobody has registered for (else 409 `session_has_registrations`: cancel it)."""
        await services.sessions.delete(slug, session_id, organiser)

    @post("/{session_id:int}/cancel", guards=ORGANISER_ONLY, operation_id="cancelSession", status_code=200, responses=WRITE)
    async def cancel_session(
        self,
        slug: FromPath[str],
        session_id: PathId,
        services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
        present: NamedDependency[Presenter],
        data: JSONBody[SessionCancel | None] = None,
    ) -> SessionOut:
        """Cancel a session: registrations are kept, feeds show it cancelled; the optional
        `reason` is shown on its page, in the feeds' DESCRIPTION and in the mail."""
        reason = data.reason if data is not None else None
        return present.session(await services.sessions.cancel(slug, session_id, organiser, reason=reason), slug)

    @post("/bulk", guards=ORGANISER_ONLY, operation_id="bulkChangeSessions", status_code=200, responses=SCHEDULE)
    async def bulk_change(
        self,
        slug: FromPath[str],
        data: JSONBody[BulkIn],
        services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
        present: NamedDependency[Presenter],
        allow_conflicts: AllowConflicts = False,
        dry_run: DryRun = False,
    ) -> ChangeSummaryOut:
        """Publish, cancel, shift by N minutes or move to a venue several sessions at once:
        all or none, conflicts checked as for single edits; `dry_run` says what would change."""
        change = BulkChange(data.action, data.session_ids, data.minutes, data.venue_id, data.reason)
        summary = await services.bulk.apply(slug, change, organiser, allow_conflicts=allow_conflicts, dry_run=dry_run)
        return present.change_summary(summary)


class ProgrammeController(Controller):
    path = "/api/missions/{slug:str}"
    tags = ["scheduling"]

    @get("/travel-times", operation_id="getTravelTimes", responses=READ)
    async def get_travel_times(
        self,
        slug: FromPath[str],
        services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
        present: NamedDependency[Presenter],
    ) -> list[TravelTimeOut]:
        return [present.travel_time(t) for t in await services.travel_times.get(slug, organiser)]

    @put("/travel-times", guards=ORGANISER_ONLY, operation_id="putTravelTimes", responses=WRITE)
    async def put_travel_times(
        self,
        slug: FromPath[str],
        data: JSONBody[list[TravelTimeIn]],
        services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
        present: NamedDependency[Presenter],
    ) -> list[TravelTimeOut]:
        """Replace the travel minutes; a pair given one way holds both ways."""
        entries = [(t.from_venue_id, t.to_venue_id, t.minutes) for t in data]
        return [present.travel_time(t) for t in await services.travel_times.replace(slug, entries, organiser)]

    @get("/conflicts", guards=ORGANISER_ONLY, operation_id="listConflicts", responses=problems(401, 403, 404))
    async def list_conflicts(
        self,
        slug: FromPath[str],
        services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
        present: NamedDependency[Presenter],
    ) -> list[ConflictOut]:
        """Every current venue, person and travel conflict of the programme."""
        return [present.conflict(pair) for pair in await services.sessions.conflicts(slug, organiser)]


def _fields(data: SessionCreate | SessionUpdate) -> dict[str, object]:
    fields = data.set_fields()
    if "speakers" in fields:
        fields["speakers"] = [(s.person_id, s.role) for s in data.speakers]  # type: ignore[union-attr]
    return fields

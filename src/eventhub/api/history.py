"""GET /api/missions/{slug}/history: who changed what in a mission, newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from eventhub.api.deps import ORGANISER_ONLY, QueryId, problems
from eventhub.db.models import HistoryEntry
from eventhub.db.services.access import Organiser
from eventhub.domain.permissions import Action
from eventhub.services import Services


class HistoryEntryOut(msgspec.Struct, kw_only=True):
    id: int
    at: datetime
    actor: str  # the account's or the token's name when the change was made
    subject: str  # mission, session, speaker, venue, person, travel_time, attendee, registration, ...
    subject_id: int | None
    session_id: int | None
    change: str  # created, updated, deleted, promoted, checked_in, ...
    fields: dict[str, list[Any]]  # field -> [old, new]


def entry_out(entry: HistoryEntry) -> HistoryEntryOut:
    return HistoryEntryOut(
        id=entry.id, at=entry.at, actor=entry.actor, subject=entry.subject, subject_id=entry.subject_id,
        session_id=entry.session_id, change=entry.change, fields=entry.fields,
    )


@get("/api/missions/{slug:str}/history", guards=ORGANISER_ONLY, operation_id="missionHistory", tags=["history"],
     opt={"action": Action.VIEW}, responses=problems(401, 403, 404, 422))
async def mission_history(
    slug: FromPath[str],
    services: NamedDependency[Services],
    organiser: NamedDependency[Organiser | None],
    session_id: QueryId = None,
    before_id: QueryId = None,
    limit: Annotated[int, QueryParameter(ge=1, le=1000, description="At most this many entries")] = 200,
) -> list[HistoryEntryOut]:
    """The organiser writes of the mission, newest first; `session_id` keeps those about
    one session, `before_id` pages back. Changes about attendees only for those who may
    see attendees."""
    page = await services.history.entries(slug, organiser, session_id=session_id, limit=limit, before_id=before_id)
    return [entry_out(e) for e in page.entries]

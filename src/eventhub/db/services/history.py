"""The history of organiser writes, recorded in the transaction that makes them.

Every organiser write starts with `access.managed_mission`, which names who acts
(`access.act_as`). From then on each flush of that transaction records what changed in the
programme's and the team's rows (the ORM's own before/after values), so a service gets
its history without writing any. Writes the ORM does not see (Core inserts and updates:
seats taken, check-ins) call `record_change` themselves, in the same transaction.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from eventhub.db.database import Database
from eventhub.db.meeting_models import Meeting, MeetingPlan, MeetingTable, MeetingWindow
from eventhub.db.models import (
    Attendee,
    CheckIn,
    HistoryEntry,
    Membership,
    Mission,
    OrganiserMessage,
    OrganiserToken,
    Person,
    ProgrammeSession,
    Registration,
    SessionSpeaker,
    TravelTime,
    Venue,
)
from eventhub.db.services.access import ACTING, Clock, Organiser, managed_mission
from eventhub.domain.permissions import Action, may

_TEXT_LIMIT = 300  # long texts (descriptions) are cut in the history, not in the record


@dataclass(frozen=True, slots=True)
class Actor:
    organiser: Organiser
    mission_id: int | None
    clock: Clock


def _actor(session: Session | AsyncSession) -> Actor | None:
    acting = session.info.get(ACTING)
    if acting is None:
        return None
    return Actor(acting.organiser, acting.mission_id, session.info.get("clock") or _now)


@dataclass(frozen=True, slots=True)
class Tracked:
    subject: str
    about_attendees: bool = False
    # Columns that say nothing to a reader (derived, counters, secrets' digests).
    hidden: frozenset[str] = frozenset()


_ALWAYS_HIDDEN = frozenset({"id", "created_at", "updated_at", "version"})
TRACKED: dict[type, Tracked] = {
    Mission: Tracked("mission", hidden=frozenset({"translations"})),
    ProgrammeSession: Tracked("session", hidden=frozenset({
        "uid", "starts_at_utc", "ends_at_utc", "confirmed_count", "waitlisted_count", "mission_id", "sequence",
    })),
    SessionSpeaker: Tracked("speaker", hidden=frozenset({"position"})),
    Venue: Tracked("venue", hidden=frozenset({"mission_id"})),
    Person: Tracked("person", hidden=frozenset({"mission_id"})),
    TravelTime: Tracked("travel_time", hidden=frozenset({"mission_id"})),
    Attendee: Tracked("attendee", about_attendees=True, hidden=frozenset({
        "mission_id", "email_key", "manage_token_hash", "feed_token_hash", "token_salt",
        "manage_generation", "feed_generation",
    })),
    Registration: Tracked("registration", about_attendees=True),
    CheckIn: Tracked("check_in", about_attendees=True),
    OrganiserMessage: Tracked("message", hidden=frozenset({"mission_id"})),
    Membership: Tracked("member", hidden=frozenset({"mission_id"})),
    OrganiserToken: Tracked("token", hidden=frozenset({"token_hash", "last_used_at", "mission_id"})),
    # The meeting plan by hand (settings, windows, tables; a lock, move or unplace). The
    # scheduler's run and a publish touch many meetings at once: each records one summary
    # (`record_change`), so their bookkeeping columns stay out of the rows' entries.
    MeetingPlan: Tracked("meeting_plan", hidden=frozenset({
        "mission_id", "solve_id", "solving_until", "last_run", "published_at",
    })),
    MeetingWindow: Tracked("meeting_window", hidden=frozenset({"plan_id"})),
    MeetingTable: Tracked("meeting_table", hidden=frozenset({"plan_id", "position"})),
    Meeting: Tracked("meeting", about_attendees=True, hidden=frozenset({
        "mission_id", "uid", "sequence", "published_starts_at", "published_ends_at", "published_table_id",
        "published_table_name", "published_venue_id", "published_cancelled", "published_at",
    })),
}


def _now() -> datetime:
    return datetime.now(UTC)


def plain(value: Any) -> Any:
    """A value as JSON keeps it."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str) and len(value) > _TEXT_LIMIT:
        return value[:_TEXT_LIMIT] + "…"
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        name: [plain(before.get(name)), plain(after.get(name))]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


async def record_change(
    db: AsyncSession,
    organiser: Organiser | None,
    mission: Mission,
    *,
    subject: str,
    subject_id: int | None,
    change: str,
    fields: Mapping[str, Sequence[Any]] | None = None,
    session_id: int | None = None,
    about_attendees: bool = False,
    at: datetime | None = None,
) -> None:
    """Record one write the ORM does not see (a Core insert or update), in `db`'s
    transaction. `fields` maps each changed field to [old, new]."""
    actor = _actor(db)
    now = at or (actor.clock() if actor else _now())
    name, account_id, token_id = _who(organiser or (actor.organiser if actor else None))
    await db.execute(insert(HistoryEntry).values(
        mission_id=mission.id, at=now, actor=name, account_id=account_id, token_id=token_id, subject=subject,
        subject_id=subject_id, session_id=session_id, change=change,
        fields={k: [plain(v) for v in pair] for k, pair in (fields or {}).items()}, about_attendees=about_attendees,
    ))


def _who(organiser: Organiser | None) -> tuple[str, int | None, int | None]:
    if organiser is None:
        return "eventhub", None, None
    return organiser.name, organiser.account_id, organiser.token_id


def _shown_columns(obj: Any, hidden: frozenset[str]) -> Iterator[tuple[str, Any]]:
    """(column, its attribute history) for each column a reader is shown."""
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        if attr.key not in hidden and attr.key not in _ALWAYS_HIDDEN:
            yield attr.key, state.attrs[attr.key].history


def _row_fields(obj: Any, hidden: frozenset[str], *, old: bool) -> dict[str, Any]:
    """The row's values: as loaded (`old`, for a deleted row) or as they are now."""
    if not old:
        return {key: getattr(obj, key, None) for key, _history in _shown_columns(obj, hidden)}
    return {
        key: history.deleted[0] if history.deleted else (history.unchanged[0] if history.unchanged else None)
        for key, history in _shown_columns(obj, hidden)
    }


def _changes(obj: Any, hidden: frozenset[str]) -> dict[str, list[Any]]:
    fields = {}
    for key, history in _shown_columns(obj, hidden):
        if history.added or history.deleted:
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                fields[key] = [plain(old), plain(new)]
    return fields


def _entry(actor: Actor, obj: Any, tracked: Tracked, change: str, fields: dict[str, list[Any]]) -> dict[str, Any] | None:
    if isinstance(obj, Mission):
        mission_id = obj.id
    else:
        mission_id = getattr(obj, "mission_id", None) or actor.mission_id
    if mission_id is None:
        return None
    name, account_id, token_id = _who(actor.organiser)
    session_id = obj.id if isinstance(obj, ProgrammeSession) else getattr(obj, "session_id", None)
    return {
        "mission_id": mission_id, "at": actor.clock(), "actor": name, "account_id": account_id,
        "token_id": token_id, "subject": tracked.subject, "subject_id": obj.id, "session_id": session_id,
        "change": change, "fields": fields, "about_attendees": tracked.about_attendees,
    }


_PENDING = "eventhub.history.pending"


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    # Values before the flush: a deleted row's fields, an updated row's changes. New rows
    # get their ids in the flush, so they are recorded after it.
    actor = _actor(session)
    if actor is None:
        return
    pending = session.info.setdefault(_PENDING, [])
    for obj in session.dirty:
        tracked = TRACKED.get(type(obj))
        if tracked is not None and session.is_modified(obj, include_collections=False):
            fields = _changes(obj, tracked.hidden)
            if fields:
                pending.append((obj, tracked, "updated", fields))
    for obj in session.deleted:
        tracked = TRACKED.get(type(obj))
        if tracked is not None and not isinstance(obj, Mission):  # a mission's history goes with it
            fields = {k: [plain(v), None] for k, v in _row_fields(obj, tracked.hidden, old=True).items() if v is not None}
            pending.append((obj, tracked, "deleted", fields))
    for obj in session.new:
        tracked = TRACKED.get(type(obj))
        if tracked is not None:
            pending.append((obj, tracked, "created", None))


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    actor = _actor(session)
    pending = session.info.pop(_PENDING, [])
    if actor is None or not pending:
        return
    rows = []
    for obj, tracked, change, fields in pending:
        if fields is None:  # created: every field it was given
            fields = {k: [None, plain(v)] for k, v in _row_fields(obj, tracked.hidden, old=False).items() if v not in (None, "", [], {})}
        entry = _entry(actor, obj, tracked, change, fields)
        if entry is not None:
            rows.append(entry)
    if rows:
        session.connection().execute(insert(HistoryEntry), rows)


@dataclass(frozen=True, slots=True)
class HistoryPage:
    mission: Mission
    entries: list[HistoryEntry]
    attendees_hidden: bool


class History:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    async def entries(
        self, slug: str, organiser: Organiser | None, *, session_id: int | None = None, limit: int = 200,
        before_id: int | None = None,
    ) -> HistoryPage:
        """The mission's organiser writes, newest first (optionally about one session);
        writes about attendees only for those who may see attendees."""
        async with self._database.read() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.VIEW)
            assert organiser is not None
            query = select(HistoryEntry).where(HistoryEntry.mission_id == mission.id)
            if session_id is not None:
                query = query.where(HistoryEntry.session_id == session_id)
            if before_id is not None:
                query = query.where(HistoryEntry.id < before_id)
            hidden = not may(organiser, Action.VIEW_ATTENDEES, mission.id)
            if hidden:
                query = query.where(HistoryEntry.about_attendees.is_(False))
            entries = list(await db.scalars(query.order_by(HistoryEntry.id.desc()).limit(limit)))
        return HistoryPage(mission, entries, hidden)

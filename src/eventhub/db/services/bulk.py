"""Changes to many sessions at once (publish, cancel, shift, change venue), each in one
transaction through the same edit as a single session, and what a change will mean for
subscribers and registrants before it is made ("3 sessions moved, 1 cancelled; 42
attendees will be mailed")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from eventhub.db.database import Database
from eventhub.db.models import Mission, OutboxMessage, ProgrammeSession
from eventhub.db.services.access import Clock, Organiser, managed_mission, touch
from eventhub.db.services.sessions import (
    calendar_facts,
    refuse_conflicts,
    rolled_back,
    update_in,
)
from eventhub.domain.errors import InvalidInput
from eventhub.domain.mail import MailKind
from eventhub.domain.programme import (
    BulkAction,
    CalendarFacts,
    ChangeKind,
    MissionStatus,
    SessionStatus,
    change_kind,
)


@dataclass(frozen=True, slots=True)
class BulkChange:
    action: BulkAction
    session_ids: Sequence[int]
    minutes: int | None = None
    venue_id: int | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class ChangeSummary:
    """What subscribers and registrants will see of a change, and who will be mailed."""

    counts: Mapping[ChangeKind, int] = field(default_factory=dict)
    attendees_mailed: int = 0
    session_ids: tuple[int, ...] = ()  # the sessions whose public entry changes
    applied: bool = False  # False for a preview


_MAIL_KINDS = (MailKind.SESSION_CHANGED, MailKind.SESSION_CANCELLED)


class Bulk:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    async def apply(
        self,
        slug: str,
        change: BulkChange,
        organiser: Organiser | None,
        *,
        allow_conflicts: bool = False,
        dry_run: bool = False,
    ) -> ChangeSummary:
        """All sessions change or none: conflicts are checked once every session has moved
        (shifting a block of sessions together is not a clash with itself)."""
        _check(change)
        now = self._clock()

        async def work(db: AsyncSession) -> ChangeSummary:
            mission = await managed_mission(db, slug, organiser, lock=True)
            changes = _changes(change)

            async def edit() -> list[ProgrammeSession]:
                edited = []
                for session_id in dict.fromkeys(change.session_ids):
                    current = await db.get(ProgrammeSession, session_id)
                    fields = changes(current) if current is not None else {}
                    edited.append((await update_in(db, mission, session_id, fields, now))[0])
                return edited

            summary = await _summarised(db, mission, change.session_ids, edit, allow_conflicts)
            touch(mission, now)
            return summary

        if dry_run:
            return await rolled_back(self._database, work)
        async with self._database.write() as db:
            summary = await work(db)
        return ChangeSummary(summary.counts, summary.attendees_mailed, summary.session_ids, applied=True)

    async def publish_mission_preview(self, slug: str, organiser: Organiser | None) -> ChangeSummary:
        """What publishing a draft mission shows the public: its published sessions appear."""

        async def work(db: AsyncSession) -> ChangeSummary:
            mission = await managed_mission(db, slug, organiser)
            if mission.status == MissionStatus.PUBLISHED:
                return ChangeSummary()
            ids = list(await db.scalars(select(ProgrammeSession.id).where(
                ProgrammeSession.mission_id == mission.id, ProgrammeSession.status == SessionStatus.PUBLISHED
            )))
            return ChangeSummary({ChangeKind.PUBLISHED: len(ids)} if ids else {}, 0, tuple(ids))

        async with self._database.read() as db:
            return await work(db)


async def _summarised(
    db: AsyncSession,
    mission: Mission,
    session_ids: Sequence[int],
    edit: Callable[[], Awaitable[list[ProgrammeSession]]],
    allow_conflicts: bool,
) -> ChangeSummary:
    before = await _facts(db, mission)
    first_mail = await db.scalar(select(func.coalesce(func.max(OutboxMessage.id), 0)))
    edited = await edit()
    if not allow_conflicts:
        await refuse_conflicts(db, mission, edited)
    await db.flush()
    after = await _facts(db, mission)
    kinds = {sid: change_kind(before[sid], after[sid]) for sid in before if sid in after}
    changed = tuple(sid for sid, kind in kinds.items() if kind is not None)
    mailed = await db.scalar(
        select(func.count(func.distinct(OutboxMessage.attendee_id))).where(
            OutboxMessage.mission_id == mission.id, OutboxMessage.id > first_mail, OutboxMessage.kind.in_(_MAIL_KINDS)
        )
    )
    counts = Counter(kind for kind in kinds.values() if kind is not None)
    return ChangeSummary(dict(counts), int(mailed or 0), changed)


async def _facts(db: AsyncSession, mission: Mission) -> dict[int, CalendarFacts]:
    await db.flush()
    sessions = await db.scalars(select(ProgrammeSession).where(ProgrammeSession.mission_id == mission.id))
    return {s.id: calendar_facts(s) for s in sessions}


def _check(change: BulkChange) -> None:
    if not change.session_ids:
        raise InvalidInput("Choose at least one session.", code="no_sessions_chosen", field="session_ids")
    if change.action == BulkAction.SHIFT and not change.minutes:
        raise InvalidInput("Shift by a number of minutes other than 0.", code="shift_minutes_required", field="minutes")


def _changes(change: BulkChange) -> Callable[[ProgrammeSession], dict[str, Any]]:
    """The edit each chosen session gets, exactly as a single PATCH would send it."""
    if change.action == BulkAction.PUBLISH:
        return lambda _s: {"status": SessionStatus.PUBLISHED}
    if change.action == BulkAction.CANCEL:
        return lambda _s: {"status": SessionStatus.CANCELLED, "cancel_reason": change.reason}
    if change.action == BulkAction.VENUE:
        return lambda _s: {"venue_id": change.venue_id}
    delta = timedelta(minutes=change.minutes or 0)
    return lambda s: {"starts_at": (s.starts_local + delta).isoformat(), "ends_at": (s.ends_local + delta).isoformat()}

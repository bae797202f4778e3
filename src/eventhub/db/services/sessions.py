"""Sessions of a programme: listing with filters, creating and changing them under the
scheduling rules, cancelling, and the mission's conflict report."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, Select, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from eventhub.db.database import Database
from eventhub.db.models import Mission, Person, ProgrammeSession, Registration, SessionSpeaker, Venue
from eventhub.domain.permissions import Action
from eventhub.db.services.access import Clock, Organiser, managed_mission, may_see_drafts, touch, visible_mission
from eventhub.db.services.outbox import enqueue_for_registrants
from eventhub.db.services.seats import SeatCount, seat_counts
from eventhub.db.services.seats import change_capacity, lock_session, promote_waitlist
from eventhub.db.services.travel import mission_travel_times
from eventhub.domain.errors import InvalidInput, NotFound, StateConflict
from eventhub.domain.mail import MailKind
from eventhub.domain.programme import (
    CalendarFacts,
    Place,
    RegistrationMode,
    SessionKind,
    SessionStatus,
    SpeakerRole,
    check_session_times,
    next_sequence,
)
from eventhub.domain.scheduling import ConflictPair, Slot, TravelTimes, conflicts_with, find_conflicts
from eventhub.domain.time import parse_local_datetime, to_utc, utc_bounds_of_day, wall_time_in_zone
from eventhub.domain.translations import SESSION_FIELDS, clean_translations

# Fields whose change can create or remove a scheduling conflict.
_PLACEMENT_FIELDS = frozenset({"starts_at", "ends_at", "venue_id", "speakers", "status"})


@dataclass(frozen=True, slots=True)
class SessionView:
    session: ProgrammeSession
    seats: SeatCount


@dataclass(frozen=True, slots=True)
class SessionFilter:
    """The filters of the session list and the mission feed."""

    day: date | None = None  # a local day in the mission's zone
    kind: SessionKind | None = None
    venue_id: int | None = None
    language: str | None = None

    def conditions(self, mission_zone: str) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if self.day is not None:
            start, end = utc_bounds_of_day(self.day, mission_zone)
            conditions += [ProgrammeSession.starts_at_utc >= start, ProgrammeSession.starts_at_utc < end]
        if self.kind is not None:
            conditions.append(ProgrammeSession.kind == self.kind)
        if self.venue_id is not None:
            conditions.append(ProgrammeSession.venue_id == self.venue_id)
        if self.language is not None:
            conditions.append(ProgrammeSession.language == self.language)
        return conditions


UidFactory = Callable[[], str]


def random_uid() -> str:
    return str(uuid.uuid4())


class Sessions:
    def __init__(self, database: Database, clock: Clock, new_uid: UidFactory = random_uid) -> None:
        self._database = database
        self._clock = clock
        self._new_uid = new_uid

    async def list(
        self, slug: str, organiser: Organiser | None, where: SessionFilter = SessionFilter()
    ) -> tuple[Mission, list[SessionView]]:
        async with self._database.read() as db:
            mission = await visible_mission(db, slug, organiser)
            query = (
                _session_query(mission, organiser)
                .where(*where.conditions(mission.timezone))
                .order_by(ProgrammeSession.starts_at_utc, ProgrammeSession.id)
            )
            sessions = list(await db.scalars(query))
            counts = await seat_counts(db, [s.id for s in sessions])
        return mission, [SessionView(s, counts.get(s.id, SeatCount())) for s in sessions]

    async def get(self, slug: str, session_id: int, organiser: Organiser | None) -> SessionView:
        async with self._database.read() as db:
            mission = await visible_mission(db, slug, organiser)
            session = await db.scalar(_session_query(mission, organiser).where(ProgrammeSession.id == session_id))
            if session is None:
                raise _session_not_found(session_id)
            counts = await seat_counts(db, [session.id])
        return SessionView(session, counts.get(session.id, SeatCount()))

    async def create(
        self, slug: str, fields: Mapping[str, Any], organiser: Organiser | None, *, allow_conflicts: bool = False
    ) -> SessionView:
        now = self._clock()
        async with self._database.write() as db:
            mission = await managed_mission(db, slug, organiser, lock=True)
            session = await create_in(db, mission, fields, now, self._new_uid)
            if not allow_conflicts:
                await refuse_conflicts(db, mission, [session])
            touch(mission, now)
        return SessionView(session, SeatCount())

    async def update(
        self,
        slug: str,
        session_id: int,
        changes: Mapping[str, Any],
        organiser: Organiser | None,
        *,
        allow_conflicts: bool = False,
        shift_later: bool = False,
    ) -> SessionView:
        """Change a session. With `shift_later`, a session that now ends later (or earlier)
        pushes the sessions after it at its venue that day by as much."""
        now = self._clock()
        async with self._database.write() as db:
            mission = await managed_mission(db, slug, organiser, lock=True)
            session, moved = await update_in(db, mission, session_id, changes, now, shift_later=shift_later)
            if not allow_conflicts and (moved or not _PLACEMENT_FIELDS.isdisjoint(changes)):
                await refuse_conflicts(db, mission, [session, *moved])
            touch(mission, now)
            counts = await seat_counts(db, [session.id])
        return SessionView(session, counts.get(session.id, SeatCount()))

    async def cancel(
        self, slug: str, session_id: int, organiser: Organiser | None, *, reason: str | None = None
    ) -> SessionView:
        """Cancelled sessions keep their registrations and stay in feeds as cancelled; the
        reason, if given, reaches the session's page, the feeds and the mail."""
        changes: dict[str, Any] = {"status": SessionStatus.CANCELLED}
        if reason is not None:
            changes["cancel_reason"] = reason
        return await self.update(slug, session_id, changes, organiser)

    async def delete(self, slug: str, session_id: int, organiser: Organiser | None) -> None:
        """Only a session nobody ever registered for can go; otherwise it is cancelled."""
        async with self._database.write() as db:
            mission = await managed_mission(db, slug, organiser, lock=True)
            locked = await lock_session(db, session_id, mission.id)
            if locked is None:
                raise _session_not_found(session_id)
            if await db.scalar(select(exists().where(Registration.session_id == session_id))):
                raise StateConflict(
                    "People have registered for this session; cancel it instead, so that they are told.",
                    code="session_has_registrations",
                )
            await db.delete(locked.session)
            touch(mission, self._clock())

    async def check(
        self,
        slug: str,
        fields: Mapping[str, Any],
        organiser: Organiser | None,
        *,
        session_id: int | None = None,
        shift_later: bool = False,
    ) -> list[dict[str, Any]]:
        """What saving `fields` would conflict with (the 409's `conflicts`), without saving:
        the very edit runs, is checked, and is rolled back. A broken rule raises as the save would."""
        now = self._clock()

        async def attempt(db: AsyncSession) -> list[dict[str, Any]]:
            mission = await managed_mission(db, slug, organiser, lock=True)
            if session_id is None:
                session, moved = await create_in(db, mission, fields, now, self._new_uid), []
            else:
                session, moved = await update_in(db, mission, session_id, fields, now, shift_later=shift_later)
            return await conflicts_of(db, mission, [session, *moved])

        return await rolled_back(self._database, attempt)

    async def conflicts(self, slug: str, organiser: Organiser | None) -> list[ConflictPair]:
        async with self._database.read() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.VIEW)
            slots, travel = await _programme_slots(db, mission)
        return find_conflicts(slots, travel)


T = TypeVar("T")


class _RolledBack(Exception):
    def __init__(self, result: Any) -> None:
        super().__init__("dry run")
        self.result = result


async def rolled_back(database: Database, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in a write transaction and roll it back: a dry run through the real rules."""
    try:
        async with database.write() as db:
            raise _RolledBack(await work(db))
    except _RolledBack as done:
        return cast(T, done.result)


async def create_in(
    db: AsyncSession, mission: Mission, fields: Mapping[str, Any], now: datetime, new_uid: UidFactory
) -> ProgrammeSession:
    """A new session of `mission`, in the caller's transaction (conflicts not checked)."""
    session = ProgrammeSession(
        mission_id=mission.id,
        uid=new_uid(),
        sequence=0,
        description="",
        status=SessionStatus.PUBLISHED,
        registration=RegistrationMode.OPEN,
        venue=None,
        speakers=[],
        capacity=fields.get("capacity"),
        created_at=now,
        updated_at=now,
    )
    await _apply(db, mission, session, fields, now)
    db.add(session)
    await db.flush()
    return session


async def update_in(
    db: AsyncSession,
    mission: Mission,
    session_id: int,
    changes: Mapping[str, Any],
    now: datetime,
    *,
    shift_later: bool = False,
) -> tuple[ProgrammeSession, list[ProgrammeSession]]:
    """Change one session in the caller's transaction (conflicts not checked): the seat
    ledger hears of capacity and reinstatement, calendars and registrants of what they show.
    Returns the session and, with `shift_later`, the later sessions it pushed."""
    locked = await lock_session(db, session_id, mission.id)
    if locked is None:
        raise _session_not_found(session_id)
    session = await _with_relations(db, locked.session)
    before = calendar_facts(session)
    old_end = session.ends_local
    await _apply(db, mission, session, changes, now)
    await db.flush()
    if "capacity" in changes:
        await change_capacity(db, locked, changes["capacity"], now)
    elif before.status == SessionStatus.CANCELLED and session.status != SessionStatus.CANCELLED:
        await promote_waitlist(db, locked, now)  # reinstated: seats freed while cancelled go out
    await record_calendar_change(db, session, before, now)
    session.updated_at = now
    moved: list[ProgrammeSession] = []
    if shift_later and session.ends_local != old_end and session.venue_id is not None:
        moved = await _shift_following(db, mission, session, old_end, session.ends_local - old_end, now)
    return session, moved


async def _shift_following(
    db: AsyncSession, mission: Mission, session: ProgrammeSession, old_end: datetime, delta: timedelta, now: datetime
) -> list[ProgrammeSession]:
    """The sessions after `session` at its venue on the same local day, moved by `delta`."""
    day_end = datetime.combine(old_end.date(), time.max)
    later = await db.scalars(
        select(ProgrammeSession.id).where(
            ProgrammeSession.mission_id == mission.id,
            ProgrammeSession.venue_id == session.venue_id,
            ProgrammeSession.id != session.id,
            ProgrammeSession.status != SessionStatus.CANCELLED,
            ProgrammeSession.starts_local >= old_end,
            ProgrammeSession.starts_local <= day_end,
        ).order_by(ProgrammeSession.starts_local)
    )
    moved = []
    for later_id in list(later):
        other = await db.get_one(ProgrammeSession, later_id)
        shifted = {
            "starts_at": (other.starts_local + delta).isoformat(),
            "ends_at": (other.ends_local + delta).isoformat(),
        }
        moved.append((await update_in(db, mission, later_id, shifted, now))[0])
    return moved


async def rezone(db: AsyncSession, session: ProgrammeSession, zone_name: str, now: datetime) -> None:
    """Move a session to another zone keeping its wall-clock times (the programme's truth)."""
    if session.timezone == zone_name:
        return
    before = calendar_facts(session)
    move_to_zone(session, zone_name)
    await record_calendar_change(db, session, before, now)


def move_to_zone(session: ProgrammeSession, zone_name: str) -> None:
    """Same wall-clock times, read in another zone: new UTC instants."""
    session.timezone = zone_name
    session.starts_at_utc = to_utc(session.starts_local, zone_name, field="starts_at")
    session.ends_at_utc = to_utc(session.ends_local, zone_name, field="ends_at")


async def record_calendar_change(db: AsyncSession, session: ProgrammeSession, before: CalendarFacts, now: datetime) -> None:
    """The one place SEQUENCE goes up: when calendars would show the change. Registrants
    are told in the same transaction (an update, or a cancellation)."""
    after = calendar_facts(session)
    sequence = next_sequence(session.sequence, before, after)
    if sequence == session.sequence:
        return
    session.sequence = sequence
    session.updated_at = now
    if after.status == SessionStatus.CANCELLED and before.status != SessionStatus.CANCELLED:
        await enqueue_for_registrants(db, MailKind.SESSION_CANCELLED, session, now)
    elif after.status == SessionStatus.PUBLISHED:
        await enqueue_for_registrants(db, MailKind.SESSION_CHANGED, session, now, was=before)


def conflict_entries(pairs: Sequence[ConflictPair], session_id: int) -> list[dict[str, Any]]:
    """The 409 body's `conflicts`: each other session and why."""
    entries = []
    for pair in pairs:
        other = pair.other_than(session_id)
        entries.append({
            "session_id": other.session_id,
            "title": other.title,
            "reason": pair.reason.value,
            "venue_id": pair.venue_id,
            "person_ids": list(pair.person_ids),
            "travel_minutes": pair.travel_minutes,
        })
    return entries


def _session_query(mission: Mission, organiser: Organiser | None) -> Select[tuple[ProgrammeSession]]:
    query = select(ProgrammeSession).where(ProgrammeSession.mission_id == mission.id)
    if not may_see_drafts(mission, organiser):
        query = query.where(ProgrammeSession.status != SessionStatus.DRAFT)
    return query


def _session_not_found(session_id: int) -> NotFound:
    return NotFound(f"No session {session_id} in this mission.", code="session_not_found")


async def _with_relations(db: AsyncSession, session: ProgrammeSession) -> ProgrammeSession:
    """The locked session again, with its venue and speakers loaded for editing."""
    return await db.scalar(
        select(ProgrammeSession).where(ProgrammeSession.id == session.id).execution_options(populate_existing=True)
    ) or session


def _translated(translations: Mapping[str, Mapping[str, str]], field: str) -> list[str]:
    return [f"{language}:{texts[field]}" for language, texts in sorted(translations.items()) if field in texts]


def calendar_facts(session: ProgrammeSession) -> CalendarFacts:
    venue = session.venue
    return CalendarFacts(
        # A translated title is a title too: its subscribers need the higher SEQUENCE as well.
        title="\n".join([session.title, *_translated(session.translations, "title")]),
        starts_local=session.starts_local,
        ends_local=session.ends_local,
        timezone=session.timezone,
        venue_id=session.venue_id,
        venue_label="\n".join(
            [venue.name, venue.address, *_translated(venue.translations, "name"), *_translated(venue.translations, "address")]
        ) if venue is not None else "",
        status=session.status,
        place=Place(venue.name, venue.address, dict(venue.translations or {})) if venue is not None else None,
    )


# Capacity is not here: after creation it changes only through the seat ledger.
_PLAIN_FIELDS = ("title", "kind", "description", "online_url", "registration", "language", "status", "cancel_reason")


async def _apply(
    db: AsyncSession, mission: Mission, session: ProgrammeSession, fields: Mapping[str, Any], now: datetime
) -> None:
    """Set `fields` on `session`, resolving venue, zone, times and speakers, and check the rules."""
    for name in _PLAIN_FIELDS:
        if name in fields:
            setattr(session, name, fields[name])
    if session.status != SessionStatus.CANCELLED or not (session.cancel_reason or "").strip():
        session.cancel_reason = None  # a reason belongs to a cancellation, and is cleared with it
    if "translations" in fields:
        session.translations = clean_translations(
            fields["translations"] or {}, fields=SESSION_FIELDS, offered=mission.content_languages
        )

    if "venue_id" in fields:
        venue = await _mission_venue(db, mission, fields["venue_id"])
        session.venue_id = venue.id if venue else None
        session.venue = venue
    zone_name = session.venue.timezone if session.venue is not None and session.venue.timezone else mission.timezone

    if "starts_at" in fields or "ends_at" in fields or session.timezone != zone_name:
        starts = _wall(fields, "starts_at", session.starts_local, zone_name)
        ends = _wall(fields, "ends_at", session.ends_local, zone_name)
        if starts is None or ends is None:
            raise InvalidInput("starts_at and ends_at are required.", code="missing_times", field="starts_at")
        session.timezone = zone_name
        session.starts_local, session.ends_local = starts, ends
        session.starts_at_utc = to_utc(starts, zone_name, field="starts_at")
        session.ends_at_utc = to_utc(ends, zone_name, field="ends_at")
    check_session_times(
        session.starts_local, session.ends_local, session.starts_at_utc, session.ends_at_utc,
        mission.starts_on, mission.ends_on,
    )

    for bound in ("registration_opens_at", "registration_closes_at"):
        if bound in fields:
            value = fields[bound]
            wall = None if value is None else wall_time_in_zone(parse_local_datetime(value, field=bound), zone_name, field=bound)
            setattr(session, bound, None if wall is None else to_utc(wall, zone_name, field=bound))
    opens, closes = session.registration_opens_at, session.registration_closes_at
    if opens is not None and closes is not None and closes <= opens:
        raise InvalidInput(
            "registration_closes_at must be after registration_opens_at.",
            code="registration_window_invalid",
            field="registration_closes_at",
        )

    if "speakers" in fields:
        await _set_speakers(db, mission, session, fields["speakers"])


def _wall(fields: Mapping[str, Any], name: str, current: datetime | None, zone_name: str) -> datetime | None:
    if name not in fields:
        return current
    return wall_time_in_zone(parse_local_datetime(fields[name], field=name), zone_name, field=name)


async def _mission_venue(db: AsyncSession, mission: Mission, venue_id: int | None) -> Venue | None:
    if venue_id is None:
        return None
    venue = await db.scalar(select(Venue).where(Venue.id == venue_id, Venue.mission_id == mission.id))
    if venue is None:
        raise InvalidInput(f"No venue {venue_id} in this mission.", code="unknown_venue", field="venue_id")
    return venue


async def _set_speakers(
    db: AsyncSession, mission: Mission, session: ProgrammeSession, speakers: Sequence[tuple[int, SpeakerRole]]
) -> None:
    person_ids = [person_id for person_id, _ in speakers]
    if len(set(person_ids)) != len(person_ids):
        raise InvalidInput("A person may be listed only once per session.", code="duplicate_speaker", field="speakers")
    known = {
        person.id: person
        for person in await db.scalars(select(Person).where(Person.mission_id == mission.id, Person.id.in_(person_ids)))
    }
    missing = [pid for pid in person_ids if pid not in known]
    if missing:
        raise InvalidInput(f"No person {missing[0]} in this mission.", code="unknown_person", field="speakers")
    # A person who stays keeps their row (a new one would meet the old at the unique
    # constraint before the old is deleted).
    current = {speaker.person_id: speaker for speaker in session.speakers}
    listed = []
    for index, (pid, role) in enumerate(speakers):
        speaker = current.get(pid) or SessionSpeaker(person_id=pid, person=known[pid])
        speaker.role, speaker.position = role, index
        listed.append(speaker)
    session.speakers = listed


async def _programme_slots(db: AsyncSession, mission: Mission) -> tuple[list[Slot], TravelTimes]:
    sessions = await db.scalars(
        select(ProgrammeSession).where(
            ProgrammeSession.mission_id == mission.id, ProgrammeSession.status != SessionStatus.CANCELLED
        )
    )
    return [_slot(s) for s in sessions], await mission_travel_times(db, mission.id)


def _slot(session: ProgrammeSession) -> Slot:
    return Slot(
        session_id=session.id,
        title=session.title,
        starts_utc=session.starts_at_utc,
        ends_utc=session.ends_at_utc,
        venue_id=session.venue_id,
        person_ids=frozenset(s.person_id for s in session.speakers),
        timezone=session.timezone,
    )


async def conflicts_of(
    db: AsyncSession, mission: Mission, sessions: Sequence[ProgrammeSession]
) -> list[dict[str, Any]]:
    """The conflicts each of `sessions` has in the programme as it now stands (flushed)."""
    await db.flush()
    others, travel = await _programme_slots(db, mission)
    entries: list[dict[str, Any]] = []
    seen: set[tuple[int, int, str]] = set()
    for session in sessions:
        if session.status == SessionStatus.CANCELLED:
            continue
        for pair in conflicts_with(_slot(session), others, travel):
            key = (pair.first.session_id, pair.second.session_id, pair.reason.value)
            if key in seen:
                continue
            seen.add(key)
            for entry in conflict_entries([pair], session.id):
                # With several changed sessions (a bulk change), say whose conflict each one is.
                entries.append(dict(entry, of_session_id=session.id) if len(sessions) > 1 else entry)
    return entries


async def refuse_conflicts(db: AsyncSession, mission: Mission, sessions: Sequence[ProgrammeSession]) -> None:
    """409 listing every conflict the changed `sessions` have (checked after all of them moved)."""
    entries = await conflicts_of(db, mission, sessions)
    if entries:
        titles = sorted({repr(s.title) for s in sessions if s.status != SessionStatus.CANCELLED})
        raise StateConflict(
            f"{', '.join(titles)} would conflict with {len(entries)} other session(s); "
            "send allow_conflicts=true to save anyway.",
            code="scheduling_conflict",
            conflicts=entries,
        )

"""Bilateral meetings: profiles, requests between participants, and the organisers' plan.

Participants act with their manage token; organisers with theirs (`managed_mission`).
The scheduler (`eventhub.domain.meetings.solver`) is CPU-bound: a solve reads its inputs,
runs in a worker thread (CP-SAT leaves the GIL while it searches, so the event loop keeps
answering), and saves only if the inputs it read are still what the database holds;
a lease on the plan row keeps two solves of one mission apart across processes.

Every change a schedule depends on (the plan, a request accepted or cancelled, a meeting
moved or locked, a profile withdrawn) bumps `MeetingPlan.version` under the plan's row
lock; sessions and registrations are compared by content.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import anyio.to_thread
from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from eventhub.calendar.events import venue_line
from eventhub.calendar.meetings import MeetingFacts
from eventhub.db.database import Database
from eventhub.db.mail_facts import MailFacts, MeetingNote, meeting_note
from eventhub.db.meeting_models import (
    Meeting,
    MeetingPlan,
    MeetingProfile,
    MeetingRequestRow,
    MeetingTable,
    MeetingWindow,
)
from eventhub.db.models import Attendee, Mission, ProgrammeSession, Registration, Venue
from eventhub.db.services.access import Clock, Organiser, managed_mission
from eventhub.db.services.history import record_change
from eventhub.db.services.outbox import insert_messages, message_row
from eventhub.db.services.registrations import attendee_by_manage_token
from eventhub.db.services.travel import mission_travel_times
from eventhub.domain.errors import Forbidden, InvalidInput, NotFound, StateConflict
from eventhub.domain.mail import MailKind
from eventhub.domain.permissions import Action
from eventhub.domain.meetings.plan import (
    Busy,
    MeetingProblem,
    MeetingRequest,
    Placement,
    Plan,
    Slot,
    SolverOptions,
    Table,
    Window,
    meeting_slots,
    windows_overlapping_at_venue,
)
from eventhub.domain.meetings.requests import (
    LIVE_STATUSES,
    ProfileFields,
    RequestSettings,
    RequestStatus,
    check_answer,
    check_new_request,
    current_status,
)
from eventhub.domain.meetings.rules import placement_problems
from eventhub.domain.meetings.solver import InconsistentLocks, schedule
from eventhub.domain.programme import RegistrationStatus, SessionStatus
from eventhub.domain.time import parse_local_datetime, to_utc, wall_time_in_zone, zone

Solver = Callable[[MeetingProblem, SolverOptions], Plan]
DEFAULT_TIME_LIMIT_SECONDS = 20.0
MAX_TIME_LIMIT_SECONDS = 120.0
# A solve's lease outlives its time limit by this much (building the model, saving); a
# process that dies mid-solve frees the plan when the lease runs out.
LEASE_MARGIN = timedelta(seconds=60)


# --- what the services answer ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProfileEntry:
    profile: MeetingProfile
    name: str  # the attendee's name

    @property
    def active(self) -> bool:
        return self.profile.withdrawn_at is None


@dataclass(frozen=True, slots=True)
class RequestEntry:
    request: MeetingRequestRow
    status: RequestStatus  # as of now (a pending request past its expiry is expired)
    sender: ProfileEntry
    recipient: ProfileEntry


@dataclass(frozen=True, slots=True)
class Inbox:
    me: ProfileEntry
    incoming: list[RequestEntry]
    outgoing: list[RequestEntry]
    settings: RequestSettings


@dataclass(frozen=True, slots=True)
class MyMeeting:
    """A published meeting as one side sees it."""

    meeting: Meeting
    request: MeetingRequestRow
    other: ProfileEntry
    venue: Venue | None
    timezone: str


@dataclass(frozen=True, slots=True)
class PlannedMeeting:
    """A meeting of the working plan, for organisers."""

    meeting: Meeting
    request: RequestEntry
    table: MeetingTable | None

    @property
    def unpublished(self) -> bool:
        """Placed differently from what its two sides were told (or not told yet)."""
        m = self.meeting
        if not m.placed:
            return m.is_published and not m.published_cancelled
        return (
            not m.is_published or m.published_cancelled
            or (m.published_starts_at, m.published_table_id) != (m.starts_at, m.table_id)
        )


@dataclass(frozen=True, slots=True)
class PlanView:
    mission: Mission
    plan: MeetingPlan | None
    windows: list[MeetingWindow]
    tables: list[MeetingTable]
    slots: list[Slot]
    venues: dict[int, Venue]
    meetings: list[PlannedMeeting]  # placed ones, by slot and table
    waiting: list[RequestEntry]  # accepted requests not in the plan
    reasons: dict[int, str]  # request id -> why the last schedule left it out

    cancellations: int = 0  # published meetings now out of the plan: the next publish cancels them

    @property
    def unpublished_changes(self) -> int:
        return sum(1 for m in self.meetings if m.unpublished) + self.cancellations


@dataclass(frozen=True, slots=True)
class ScheduleOutcome:
    view: PlanView
    plan: Plan


@dataclass(frozen=True, slots=True)
class PublishOutcome:
    view: PlanView
    scheduled: int
    moved: int
    cancelled: int


@dataclass(frozen=True, slots=True)
class PlanInput:
    slot_minutes: int
    windows: Sequence[tuple[str | datetime, str | datetime, int]]  # (starts, ends, venue id); local wall times or aware
    tables: Sequence[tuple[str, int]]  # (name, venue id)
    request_expiry_hours: int | None = None
    max_open_requests: int | None = None


@dataclass(slots=True)
class _Inputs:
    """What a schedule reads, and the digest that says whether it is still current."""

    problem: MeetingProblem
    digest: str
    tables: dict[int, MeetingTable] = field(default_factory=dict)


class Meetings:
    def __init__(
        self, database: Database, clock: Clock, new_uid: Callable[[], str] = lambda: str(uuid.uuid4()),
        solver: Solver = schedule,
    ) -> None:
        self._database = database
        self._clock = clock
        self._new_uid = new_uid
        self._solver = solver

    # --- profiles ------------------------------------------------------------------------------

    async def my_profile(self, manage_token: str) -> ProfileEntry | None:
        async with self._database.read() as db:
            attendee = await attendee_by_manage_token(db, manage_token)
            profile = await _profile_of(db, attendee.id)
            return None if profile is None else ProfileEntry(profile, attendee.name)

    async def save_profile(self, manage_token: str, fields: ProfileFields) -> ProfileEntry:
        """Create or change my profile; a withdrawn one comes back (its old requests stay closed)."""
        now = self._clock()
        async with self._database.write() as db:
            attendee = await attendee_by_manage_token(db, manage_token)
            profile = await _profile_of(db, attendee.id, lock=True)
            if profile is None:
                profile = MeetingProfile(mission_id=attendee.mission_id, attendee_id=attendee.id, created_at=now)
                db.add(profile)
            profile.organisation = fields.organisation.strip()
            profile.country = fields.country
            profile.sector = fields.sector.strip()
            profile.offer = fields.offer.strip()
            profile.seek = fields.seek.strip()
            profile.withdrawn_at = None
            profile.updated_at = now
            await db.flush()
            return ProfileEntry(profile, attendee.name)

    async def withdraw_profile(self, manage_token: str) -> None:
        """Leave the meetings: my pending and accepted requests are cancelled, my published
        meetings cancelled, and the other side of each is told by mail."""
        now = self._clock()
        async with self._database.write() as db:
            attendee = await attendee_by_manage_token(db, manage_token)
            profile = await _profile_of(db, attendee.id, lock=True)
            if profile is None or profile.withdrawn_at is not None:
                return
            plan = await _plan_of(db, attendee.mission_id, lock=True)
            profile.withdrawn_at = now
            profile.updated_at = now
            requests = list(await db.scalars(
                select(MeetingRequestRow)
                .where(or_(MeetingRequestRow.from_profile_id == profile.id, MeetingRequestRow.to_profile_id == profile.id))
                .where(MeetingRequestRow.status.in_(LIVE_STATUSES))
                .with_for_update()
            ))
            meetings = await _meetings_by_request(db, [r.id for r in requests], lock=True)
            mission = await db.get_one(Mission, attendee.mission_id)
            venues = await _venues_of(db, mission.id) if meetings else {}
            mails: list[tuple[MailKind, int, MeetingRequestRow]] = []
            facts: dict[int, MailFacts] = {}
            for request in requests:
                other = request.to_profile_id if request.from_profile_id == profile.id else request.from_profile_id
                meeting = meetings.get(request.id)
                told_cancelled = meeting is not None and _cancel_published(meeting, now)
                if told_cancelled:
                    facts[request.id] = _plan_facts(mission, meeting, venues, None)
                if meeting is not None and not meeting.is_published:
                    await db.delete(meeting)
                elif meeting is not None:
                    _unplace(meeting, now)
                live = current_status(request.status, request.expires_at, now) in LIVE_STATUSES
                request.status = RequestStatus.CANCELLED
                request.updated_at = now
                if told_cancelled:
                    mails += [(MailKind.MEETING_CANCELLED, other, request), (MailKind.MEETING_CANCELLED, profile.id, request)]
                elif live:
                    mails.append((MailKind.MEETING_REQUEST_CANCELLED, other, request))
            await _mail(db, attendee.mission_id, mails, now, facts)
            if plan is not None:
                _bump(plan, now)

    async def directory(self, manage_token: str) -> list[ProfileEntry]:
        """Everyone else with a profile in my mission; only for participants with a profile."""
        async with self._database.read() as db:
            attendee = await attendee_by_manage_token(db, manage_token)
            me = await _active_profile(db, attendee)
            return [p for p in await _profiles(db, attendee.mission_id) if p.profile.id != me.id]

    async def mission_profiles(self, slug: str, organiser: Organiser | None) -> list[ProfileEntry]:
        async with self._database.read() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.VIEW_ATTENDEES)
            return await _profiles(db, mission.id)

    async def profiles_for_token(self, slug: str, manage_token: str) -> list[ProfileEntry]:
        """The directory through the mission's path: the manage token must be of that mission."""
        async with self._database.read() as db:
            attendee = await attendee_by_manage_token(db, manage_token)
            mission = await db.get_one(Mission, attendee.mission_id)
            if mission.slug != slug:
                raise Forbidden("This token is for another mission.", code="wrong_mission")
        return await self.directory(manage_token)

    # --- requests ------------------------------------------------------------------------------

    async def ask(self, manage_token: str, to_profile_id: int, message: str) -> RequestEntry:
        now = self._clock()
        async with self._database.write() as db:
            attendee = await attendee_by_manage_token(db, manage_token)
            await _expire_due(db, attendee.mission_id, now)
            me = await _active_profile(db, attendee)
            # Both profiles locked in id order: two requests between the same two people,
            # or past one person's cap, are decided one after the other.
            locked = {
                p.id: p for p in await db.scalars(
                    select(MeetingProfile)
                    .where(MeetingProfile.id.in_({me.id, to_profile_id}), MeetingProfile.mission_id == attendee.mission_id)
                    .order_by(MeetingProfile.id)
                    .with_for_update()
                )
            }
            target = locked.get(to_profile_id)
            settings = _settings(await _plan_of(db, attendee.mission_id))
            open_requests = await db.scalar(
                select(func.count()).select_from(MeetingRequestRow).where(
                    MeetingRequestRow.from_profile_id == me.id, MeetingRequestRow.status == RequestStatus.PENDING
                )
            ) or 0
            live_between = await db.scalar(
                select(func.count()).select_from(MeetingRequestRow).where(
                    MeetingRequestRow.status.in_(LIVE_STATUSES),
                    or_(
                        (MeetingRequestRow.from_profile_id == me.id) & (MeetingRequestRow.to_profile_id == to_profile_id),
                        (MeetingRequestRow.from_profile_id == to_profile_id) & (MeetingRequestRow.to_profile_id == me.id),
                    ),
                )
            )
            check_new_request(
                from_profile=me.id, to_profile=to_profile_id,
                to_active=target is not None and target.withdrawn_at is None,
                open_requests=open_requests, live_between=bool(live_between), settings=settings, message=message,
            )
            assert target is not None
            request = MeetingRequestRow(
                mission_id=attendee.mission_id, from_profile_id=me.id, to_profile_id=target.id,
                message=message.strip(), status=RequestStatus.PENDING, expires_at=settings.expires_at(now),
                created_at=now, updated_at=now,
            )
            db.add(request)
            await db.flush()
            await _mail(db, attendee.mission_id, [(MailKind.MEETING_REQUESTED, target.id, request)], now)
            return (await _request_entries(db, [request], now))[0]

    async def answer(self, manage_token: str, request_id: int, *, accept: bool) -> RequestEntry:
        now = self._clock()
        async with self._database.write() as db:
            attendee = await attendee_by_manage_token(db, manage_token)
            await _expire_due(db, attendee.mission_id, now)
            me = await _active_profile(db, attendee)
            request = await db.scalar(
                select(MeetingRequestRow)
                .where(MeetingRequestRow.id == request_id, MeetingRequestRow.mission_id == attendee.mission_id)
                .where(or_(MeetingRequestRow.to_profile_id == me.id, MeetingRequestRow.from_profile_id == me.id))
                .with_for_update()
            )
            if request is None:
                raise NotFound(f"No meeting request {request_id} for you.", code="request_not_found")
            check_answer(request.status, answering_profile=me.id, recipient_profile=request.to_profile_id)
            plan = await _plan_of(db, attendee.mission_id, lock=True) if accept else None
            request.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
            request.answered_at = now
            request.updated_at = now
            kind = MailKind.MEETING_ACCEPTED if accept else MailKind.MEETING_DECLINED
            await _mail(db, attendee.mission_id, [(kind, request.from_profile_id, request)], now)
            if plan is not None:
                _bump(plan, now)
            return (await _request_entries(db, [request], now))[0]

    async def inbox(self, manage_token: str) -> Inbox:
        now = self._clock()
        async with self._database.read() as db:
            attendee = await attendee_by_manage_token(db, manage_token)
            me = await _active_profile(db, attendee)
            rows = list(await db.scalars(
                select(MeetingRequestRow)
                .where(or_(MeetingRequestRow.from_profile_id == me.id, MeetingRequestRow.to_profile_id == me.id))
                .order_by(MeetingRequestRow.id.desc())
            ))
            entries = await _request_entries(db, rows, now)
            settings = _settings(await _plan_of(db, attendee.mission_id))
            return Inbox(
                ProfileEntry(me, attendee.name),
                [e for e in entries if e.request.to_profile_id == me.id],
                [e for e in entries if e.request.from_profile_id == me.id],
                settings,
            )

    async def my_meetings(self, manage_token: str) -> list[MyMeeting]:
        """My published meetings, cancelled ones included (they say so)."""
        async with self._database.read() as db:
            attendee = await attendee_by_manage_token(db, manage_token)
            return await published_meetings_of(db, attendee)

    # --- the plan ------------------------------------------------------------------------------

    async def plan(self, slug: str, organiser: Organiser | None) -> PlanView:
        async with self._database.read() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.VIEW)
            return await _plan_view(db, mission, self._clock())

    async def set_plan(self, slug: str, given: PlanInput, organiser: Organiser | None) -> PlanView:
        """Slots and tables, and the request settings. Tables keep their identity by name;
        a placed meeting whose slot or table is gone is unplaced (the answer lists it among
        the waiting requests, and the next publish tells its two sides)."""
        now = self._clock()
        async with self._database.write() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.MANAGE_MEETINGS)
            venues = set(await db.scalars(select(Venue.id).where(Venue.mission_id == mission.id)))
            windows = _windows(given.windows, mission.timezone, venues)
            slots = meeting_slots(windows, given.slot_minutes)
            names = _check_tables(given.tables, venues)
            plan = await _plan_of(db, mission.id, lock=True)
            if plan is None:
                plan = MeetingPlan(mission_id=mission.id, created_at=now, updated_at=now, last_run={}, version=1)
                db.add(plan)
                await db.flush()
            settings = RequestSettings(
                given.request_expiry_hours or plan.request_expiry_hours or RequestSettings().expiry_hours,
                given.max_open_requests or plan.max_open_requests or RequestSettings().max_open_requests,
            )
            plan.slot_minutes = given.slot_minutes
            plan.request_expiry_hours = settings.expiry_hours
            plan.max_open_requests = settings.max_open_requests
            await db.execute(delete(MeetingWindow).where(MeetingWindow.plan_id == plan.id))
            db.add_all(MeetingWindow(plan_id=plan.id, starts_at=w.starts_at, ends_at=w.ends_at, venue_id=w.venue_id)
                       for w in windows)
            existing = {t.name: t for t in await db.scalars(select(MeetingTable).where(MeetingTable.plan_id == plan.id))}
            kept: dict[int, MeetingTable] = {}
            for position, (name, venue_id) in enumerate(given.tables):
                table = existing.pop(name, None) or MeetingTable(plan_id=plan.id, name=name)
                table.venue_id = venue_id
                table.position = position
                db.add(table)
            await db.flush()
            kept = {t.id: t for t in await db.scalars(select(MeetingTable).where(MeetingTable.plan_id == plan.id))
                    if t.name in names}
            slot_at = {(s.starts_at, s.venue_id): s for s in slots}
            for meeting in await db.scalars(select(Meeting).where(Meeting.mission_id == mission.id).with_for_update()):
                table = kept.get(meeting.table_id) if meeting.table_id is not None else None
                fits = table is not None and meeting.starts_at is not None and (
                    (slot := slot_at.get((meeting.starts_at, table.venue_id))) is not None and slot.ends_at == meeting.ends_at
                )
                if meeting.placed and not fits:
                    _unplace(meeting, now)
                    if not meeting.is_published:
                        await db.delete(meeting)
            for gone in existing.values():
                await db.delete(gone)
            _bump(plan, now)
            await db.flush()
            return await _plan_view(db, mission, now)

    async def schedule(self, slug: str, organiser: Organiser | None, *, time_limit_seconds: float | None = None) -> ScheduleOutcome:
        """Place the accepted requests. Refused (409) while another solve of this mission
        runs, and when something it read changed before it could save (run it again)."""
        limit = min(time_limit_seconds or DEFAULT_TIME_LIMIT_SECONDS, MAX_TIME_LIMIT_SECONDS)
        now = self._clock()
        solve_id = str(uuid.uuid4())
        async with self._database.write() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.MANAGE_MEETINGS)
            plan = await _existing_plan(db, mission.id, lock=True)
            if plan.solve_id is not None and plan.solving_until is not None and plan.solving_until > now:
                raise StateConflict(
                    "The scheduler is already running for this mission; wait for its answer.",
                    code="schedule_running", running_until=plan.solving_until.isoformat(),
                )
            plan.solve_id = solve_id
            plan.solving_until = now + timedelta(seconds=limit) + LEASE_MARGIN
        try:
            async with self._database.read() as db:
                inputs = await _inputs(db, mission.id)
            options = SolverOptions(time_limit_seconds=limit)
            try:
                result = await anyio.to_thread.run_sync(self._solver, inputs.problem, options)
            except InconsistentLocks as error:
                raise StateConflict(f"Locked meetings clash: {error}", code="locked_meetings_clash") from error
        except BaseException:
            await self._release(mission.id, solve_id)
            raise
        saved = False
        async with self._database.write() as db:
            plan = await _existing_plan(db, mission.id, lock=True)
            ours = plan.solve_id == solve_id
            if ours:
                plan.solve_id = plan.solving_until = None
            current = await _inputs(db, mission.id)
            if ours and current.digest == inputs.digest:
                await self._save(db, mission, plan, inputs, result)
                await record_change(db, organiser, mission, subject="meeting_plan", subject_id=plan.id,
                                    change="scheduled", fields={"placed": [None, len(result.meetings)],
                                                                "left_out": [None, len(result.left_out)]}, at=now)
                saved = True
            view = await _plan_view(db, mission, self._clock())
        if not saved:
            raise StateConflict(
                "The requests, plan or programme changed while the scheduler ran; nothing was saved. Run it again.",
                code="plan_changed",
            )
        return ScheduleOutcome(view, result)

    async def _release(self, mission_id: int, solve_id: str) -> None:
        async with self._database.write() as db:
            plan = await _existing_plan(db, mission_id, lock=True)
            if plan.solve_id == solve_id:
                plan.solve_id = plan.solving_until = None

    async def _save(self, db: AsyncSession, mission: Mission, plan: MeetingPlan, inputs: _Inputs, result: Plan) -> None:
        now = self._clock()
        accepted = [r.id for r in inputs.problem.requests]
        meetings = await _meetings_by_request(db, accepted, lock=True)
        placed = {m.request_id: m for m in result.meetings}
        for request_id in accepted:
            meeting = meetings.get(request_id)
            where = placed.get(request_id)
            if where is None:
                if meeting is not None and meeting.is_published:
                    _unplace(meeting, now)
                elif meeting is not None:
                    await db.delete(meeting)
                continue
            if meeting is None:
                meeting = Meeting(mission_id=mission.id, request_id=request_id, uid=self._new_uid(), created_at=now,
                                  locked=False, sequence=0, published_cancelled=False, published_table_name="")
                db.add(meeting)
            if (meeting.starts_at, meeting.table_id) != (where.slot.starts_at, where.table_id):
                meeting.starts_at, meeting.ends_at, meeting.table_id = where.slot.starts_at, where.slot.ends_at, where.table_id
                meeting.updated_at = now
        plan.last_run = {
            "at": now.isoformat(),
            "placed": len(result.meetings),
            "upper_bound": result.upper_bound,
            "proven_optimal": result.proven_optimal,
            "fewest_per_participant": result.fewest_per_participant,
            "moves": result.moves,
            "solver_seconds": round(result.solver_seconds, 3),
            "locked_clashes": list(result.locked_clashes),
            "left_out": {str(lo.request_id): lo.reason.value for lo in result.left_out},
        }
        _bump(plan, now)
        await db.flush()

    async def lock(self, slug: str, request_id: int, organiser: Organiser | None, *, locked: bool) -> PlanView:
        """A locked meeting keeps its slot and table through every later schedule."""
        now = self._clock()
        async with self._database.write() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.MANAGE_MEETINGS)
            plan = await _existing_plan(db, mission.id, lock=True)
            meeting = await _placed_meeting(db, mission.id, request_id)
            meeting.locked = locked
            meeting.updated_at = now
            _bump(plan, now)
            await db.flush()
            return await _plan_view(db, mission, now)

    async def move(
        self, slug: str, request_id: int, starts_at: str | datetime, table_id: int, organiser: Organiser | None
    ) -> PlanView:
        """Put an accepted request's meeting into a slot and table by hand (it may have
        been left out): every hard rule is checked, and the meeting is locked there."""
        now = self._clock()
        async with self._database.write() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.MANAGE_MEETINGS)
            plan = await _existing_plan(db, mission.id, lock=True)
            inputs = await _inputs(db, mission.id)
            if request_id not in {r.id for r in inputs.problem.requests}:
                raise NotFound(f"No accepted meeting request {request_id} in this mission.", code="request_not_found")
            start = _instant(starts_at, mission.timezone, "starts_at")
            problem = inputs.problem
            others = [p for p in _working(problem) if p.request_id != request_id]
            candidate = Placement(request_id, start, table_id)
            problems = placement_problems(
                candidate, others, requests={r.id: r for r in problem.requests}, slots=problem.slots,
                tables={t.id: t for t in problem.tables}, busy=problem.busy, travel=problem.travel,
            )
            if problems:
                raise StateConflict(
                    "The meeting cannot go there: " + ", ".join(p.value.replace("_", " ") for p in problems) + ".",
                    code=problems[0].value, problems=[p.value for p in problems],
                )
            table = inputs.tables[table_id]
            slot = next(s for s in problem.slots if s.starts_at == start and s.venue_id == table.venue_id)
            meeting = (await _meetings_by_request(db, [request_id], lock=True)).get(request_id)
            if meeting is None:
                meeting = Meeting(mission_id=mission.id, request_id=request_id, uid=self._new_uid(), created_at=now,
                                  sequence=0, published_cancelled=False, published_table_name="")
                db.add(meeting)
            meeting.starts_at, meeting.ends_at, meeting.table_id = slot.starts_at, slot.ends_at, table_id
            meeting.locked = True
            meeting.updated_at = now
            _bump(plan, now)
            await db.flush()
            return await _plan_view(db, mission, now)

    async def unplace(self, slug: str, request_id: int, organiser: Organiser | None) -> PlanView:
        """Take a meeting out of the plan (a published one is cancelled at the next publish)."""
        now = self._clock()
        async with self._database.write() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.MANAGE_MEETINGS)
            plan = await _existing_plan(db, mission.id, lock=True)
            meeting = await _placed_meeting(db, mission.id, request_id)
            _unplace(meeting, now)
            if not meeting.is_published:
                await db.delete(meeting)
            _bump(plan, now)
            await db.flush()
            return await _plan_view(db, mission, now)

    async def publish(self, slug: str, organiser: Organiser | None) -> PublishOutcome:
        """Tell both sides of every meeting what changed since the last publish: new ones
        scheduled, moved ones updated (SEQUENCE up), unplaced ones cancelled."""
        now = self._clock()
        async with self._database.write() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.MANAGE_MEETINGS)
            plan = await _existing_plan(db, mission.id, lock=True)
            tables = {t.id: t for t in await db.scalars(select(MeetingTable).where(MeetingTable.plan_id == plan.id))}
            rows = (await db.execute(
                select(Meeting, MeetingRequestRow)
                .join(MeetingRequestRow, MeetingRequestRow.id == Meeting.request_id)
                .where(Meeting.mission_id == mission.id)
                .order_by(Meeting.id)
                .with_for_update(of=Meeting)
            )).all()
            counts = {MailKind.MEETING_SCHEDULED: 0, MailKind.MEETING_MOVED: 0, MailKind.MEETING_CANCELLED: 0}
            venues = await _venues_of(db, mission.id)
            mails: list[tuple[MailKind, int, MeetingRequestRow]] = []
            facts: dict[int, MailFacts] = {}
            for meeting, request in rows:
                was = _told(meeting, venues, mission.timezone)
                kind = _publish_one(meeting, tables, now)
                if kind is None:
                    continue
                counts[kind] += 1
                mails += [(kind, request.from_profile_id, request), (kind, request.to_profile_id, request)]
                facts[request.id] = _plan_facts(mission, meeting, venues, was if kind == MailKind.MEETING_MOVED else None)
            await _mail(db, mission.id, mails, now, facts)
            plan.published_at = now
            _bump(plan, now)
            await db.flush()
            await record_change(db, organiser, mission, subject="meeting_plan", subject_id=plan.id, change="published",
                                fields={"scheduled": [None, counts[MailKind.MEETING_SCHEDULED]],
                                        "moved": [None, counts[MailKind.MEETING_MOVED]],
                                        "cancelled": [None, counts[MailKind.MEETING_CANCELLED]]}, at=now)
            view = await _plan_view(db, mission, now)
        return PublishOutcome(view, counts[MailKind.MEETING_SCHEDULED], counts[MailKind.MEETING_MOVED],
                              counts[MailKind.MEETING_CANCELLED])


# --- helpers --------------------------------------------------------------------------------------


def _bump(plan: MeetingPlan, now: datetime) -> None:
    plan.version += 1
    plan.updated_at = now


def _unplace(meeting: Meeting, now: datetime) -> None:
    meeting.starts_at = meeting.ends_at = meeting.table_id = None
    meeting.locked = False
    meeting.updated_at = now


def _cancel_published(meeting: Meeting, now: datetime) -> bool:
    """Cancel a published meeting at once (a side withdrew); True if its sides had been told of it."""
    if not meeting.is_published or meeting.published_cancelled:
        return False
    meeting.published_cancelled = True
    meeting.sequence += 1
    meeting.published_at = now
    meeting.updated_at = now
    return True


def _publish_one(meeting: Meeting, tables: dict[int, MeetingTable], now: datetime) -> MailKind | None:
    if not meeting.placed:
        return MailKind.MEETING_CANCELLED if _cancel_published(meeting, now) else None
    table = tables[meeting.table_id]  # type: ignore[index]
    same = (
        meeting.is_published and not meeting.published_cancelled
        and (meeting.published_starts_at, meeting.published_ends_at, meeting.published_table_id)
        == (meeting.starts_at, meeting.ends_at, meeting.table_id)
        and meeting.published_table_name == table.name and meeting.published_venue_id == table.venue_id
    )
    if same:
        return None
    kind = MailKind.MEETING_MOVED if meeting.is_published and not meeting.published_cancelled else MailKind.MEETING_SCHEDULED
    if meeting.is_published:
        meeting.sequence += 1
    meeting.published_starts_at, meeting.published_ends_at = meeting.starts_at, meeting.ends_at
    meeting.published_table_id, meeting.published_table_name = table.id, table.name
    meeting.published_venue_id = table.venue_id
    meeting.published_cancelled = False
    meeting.published_at = now
    meeting.updated_at = now
    return kind


async def _mail(
    db: AsyncSession, mission_id: int, mails: Iterable[tuple[MailKind, int, MeetingRequestRow]], now: datetime,
    facts: dict[int, MailFacts] | None = None,
) -> None:
    """One outbox row per (kind, profile, request): to the attendee behind the profile;
    `facts` by request, for mails that must say what was published then (see db.mail_facts)."""
    wanted = list(mails)
    if not wanted:
        return
    facts = facts or {}
    attendees = dict((await db.execute(
        select(MeetingProfile.id, MeetingProfile.attendee_id).where(MeetingProfile.id.in_({p for _, p, _ in wanted}))
    )).all())
    await insert_messages(db, [
        message_row(kind, mission_id, attendees[profile_id], None, now, meeting_request_id=request.id,
                    facts=facts.get(request.id))
        for kind, profile_id, request in wanted
    ])


async def _venues_of(db: AsyncSession, mission_id: int) -> dict[int, Venue]:
    return {v.id: v for v in await db.scalars(select(Venue).where(Venue.mission_id == mission_id))}


def _told(meeting: Meeting, venues: dict[int, Venue], zone_name: str) -> MeetingNote | None:
    """What a meeting's two sides were last told of it, if it was in their calendars."""
    if not meeting.is_published or meeting.published_cancelled:
        return None
    return meeting_note(meeting, venues.get(meeting.published_venue_id or 0), zone_name)


def _plan_facts(mission: Mission, meeting: Meeting, venues: dict[int, Venue], was: MeetingNote | None) -> MailFacts:
    """A plan mail's facts, right after the meeting's published state changed."""
    return MailFacts(
        organiser_name=mission.organiser_name or "",
        meeting=meeting_note(meeting, venues.get(meeting.published_venue_id or 0), mission.timezone),
        meeting_was=was,
    )


async def _expire_due(db: AsyncSession, mission_id: int, now: datetime) -> None:
    """Pending requests past their expiry become expired, and their senders are told."""
    due = list(await db.scalars(
        select(MeetingRequestRow)
        .where(MeetingRequestRow.mission_id == mission_id, MeetingRequestRow.status == RequestStatus.PENDING)
        .where(MeetingRequestRow.expires_at <= now)
        .with_for_update(skip_locked=True)
    ))
    for request in due:
        request.status = RequestStatus.EXPIRED
        request.updated_at = now
    await _mail(db, mission_id, [(MailKind.MEETING_REQUEST_EXPIRED, r.from_profile_id, r) for r in due], now)


async def _profile_of(db: AsyncSession, attendee_id: int, *, lock: bool = False) -> MeetingProfile | None:
    query = select(MeetingProfile).where(MeetingProfile.attendee_id == attendee_id)
    return await db.scalar(query.with_for_update() if lock else query)


async def _active_profile(db: AsyncSession, attendee: Attendee) -> MeetingProfile:
    profile = await _profile_of(db, attendee.id)
    if profile is None or profile.withdrawn_at is not None:
        raise Forbidden(
            "Create your meeting profile first: profiles and requests are for participants with one.",
            code="meeting_profile_required",
        )
    return profile


async def _profiles(db: AsyncSession, mission_id: int) -> list[ProfileEntry]:
    rows = await db.execute(
        select(MeetingProfile, Attendee.name)
        .join(Attendee, Attendee.id == MeetingProfile.attendee_id)
        .where(MeetingProfile.mission_id == mission_id, MeetingProfile.withdrawn_at.is_(None))
        .order_by(MeetingProfile.organisation, Attendee.name, MeetingProfile.id)
    )
    return [ProfileEntry(profile, name) for profile, name in rows]


async def _profile_entries(db: AsyncSession, ids: Iterable[int]) -> dict[int, ProfileEntry]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = await db.execute(
        select(MeetingProfile, Attendee.name)
        .join(Attendee, Attendee.id == MeetingProfile.attendee_id)
        .where(MeetingProfile.id.in_(wanted))
    )
    return {profile.id: ProfileEntry(profile, name) for profile, name in rows}


async def _request_entries(db: AsyncSession, rows: Sequence[MeetingRequestRow], now: datetime) -> list[RequestEntry]:
    profiles = await _profile_entries(db, {p for r in rows for p in (r.from_profile_id, r.to_profile_id)})
    return [
        RequestEntry(r, current_status(r.status, r.expires_at, now), profiles[r.from_profile_id], profiles[r.to_profile_id])
        for r in rows
    ]


async def _plan_of(db: AsyncSession, mission_id: int, *, lock: bool = False) -> MeetingPlan | None:
    query = select(MeetingPlan).where(MeetingPlan.mission_id == mission_id)
    return await db.scalar(query.with_for_update() if lock else query)


async def _existing_plan(db: AsyncSession, mission_id: int, *, lock: bool = False) -> MeetingPlan:
    plan = await _plan_of(db, mission_id, lock=lock)
    if plan is None:
        raise StateConflict("Set the meeting slots and tables first.", code="meeting_plan_not_set")
    return plan


def _settings(plan: MeetingPlan | None) -> RequestSettings:
    if plan is None:
        return RequestSettings()
    return RequestSettings(plan.request_expiry_hours, plan.max_open_requests)


async def _meetings_by_request(db: AsyncSession, request_ids: Sequence[int], *, lock: bool = False) -> dict[int, Meeting]:
    if not request_ids:
        return {}
    query = select(Meeting).where(Meeting.request_id.in_(request_ids))
    return {m.request_id: m for m in await db.scalars(query.with_for_update() if lock else query)}


async def _placed_meeting(db: AsyncSession, mission_id: int, request_id: int) -> Meeting:
    meeting = await db.scalar(
        select(Meeting).where(Meeting.mission_id == mission_id, Meeting.request_id == request_id).with_for_update()
    )
    if meeting is None or not meeting.placed:
        raise NotFound(f"No meeting of request {request_id} in the plan.", code="meeting_not_placed")
    return meeting


def _instant(value: str | datetime, zone_name: str, field_name: str) -> datetime:
    parsed = parse_local_datetime(value, field=field_name) if isinstance(value, str) else value
    return to_utc(wall_time_in_zone(parsed, zone_name, field=field_name), zone_name, field=field_name)


def _windows(given: Sequence[tuple[str | datetime, str | datetime, int]], zone_name: str, venues: set[int]) -> list[Window]:
    windows = []
    for index, (starts, ends, venue_id) in enumerate(given):
        if venue_id not in venues:
            raise InvalidInput(f"No venue {venue_id} in this mission.", code="unknown_venue", field=f"windows.{index}.venue_id")
        window = Window(
            _instant(starts, zone_name, f"windows.{index}.starts_at"), _instant(ends, zone_name, f"windows.{index}.ends_at"),
            venue_id,
        )
        if window.ends_at <= window.starts_at:
            raise InvalidInput("A window ends after it starts.", code="window_ends_before_start", field=f"windows.{index}.ends_at")
        if window.ends_at - window.starts_at > timedelta(hours=24):
            raise InvalidInput("A window is at most 24 hours long.", code="window_too_long", field=f"windows.{index}.ends_at")
        windows.append(window)
    if windows_overlapping_at_venue(windows):
        raise InvalidInput("Two windows at one venue overlap.", code="windows_overlap", field="windows")
    return windows


def _check_tables(tables: Sequence[tuple[str, int]], venues: set[int]) -> set[str]:
    names: set[str] = set()
    for index, (name, venue_id) in enumerate(tables):
        if not name.strip() or len(name) > 100 or any(ord(c) < 32 for c in name):
            raise InvalidInput("A table's name is one line of at most 100 characters.", code="table_name_invalid",
                               field=f"tables.{index}.name")
        if name in names:
            raise InvalidInput(f"Two tables are named {name!r}.", code="duplicate_table", field=f"tables.{index}.name")
        if venue_id not in venues:
            raise InvalidInput(f"No venue {venue_id} in this mission.", code="unknown_venue", field=f"tables.{index}.venue_id")
        names.add(name)
    return names


def _working(problem: MeetingProblem) -> list[Placement]:
    return [*problem.locked, *(p for p in problem.previous if p.request_id not in {q.request_id for q in problem.locked})]


async def _inputs(db: AsyncSession, mission_id: int) -> _Inputs:
    """Everything a schedule depends on, as the solver's plain data, and its digest.

    `previous` is each meeting's published place (a re-run moves as few as possible of
    those); a meeting not yet published counts with its working place. Locked meetings
    keep their working place."""
    mission = await db.get_one(Mission, mission_id)
    plan = await _existing_plan(db, mission_id)
    windows = list(await db.scalars(select(MeetingWindow).where(MeetingWindow.plan_id == plan.id).order_by(MeetingWindow.id)))
    tables = {t.id: t for t in await db.scalars(select(MeetingTable).where(MeetingTable.plan_id == plan.id).order_by(MeetingTable.id))}
    slots = meeting_slots([Window(w.starts_at, w.ends_at, w.venue_id) for w in windows], plan.slot_minutes)
    requests = list(await db.execute(
        select(MeetingRequestRow.id, MeetingRequestRow.from_profile_id, MeetingRequestRow.to_profile_id)
        .where(MeetingRequestRow.mission_id == mission_id, MeetingRequestRow.status == RequestStatus.ACCEPTED)
        .order_by(MeetingRequestRow.id)
    ))
    profiles = {p for _, a, b in requests for p in (a, b)}
    attendee_of = dict((await db.execute(
        select(MeetingProfile.attendee_id, MeetingProfile.id).where(MeetingProfile.id.in_(profiles))
    )).all()) if profiles else {}
    busy: list[Busy] = []
    if attendee_of:
        sessions = await db.execute(
            select(Registration.attendee_id, ProgrammeSession.starts_at_utc, ProgrammeSession.ends_at_utc, ProgrammeSession.venue_id)
            .join(ProgrammeSession, ProgrammeSession.id == Registration.session_id)
            .where(Registration.attendee_id.in_(attendee_of), Registration.status == RegistrationStatus.CONFIRMED)
            .where(ProgrammeSession.status == SessionStatus.PUBLISHED)
            .order_by(Registration.attendee_id, ProgrammeSession.starts_at_utc, ProgrammeSession.id)
        )
        busy = [Busy(attendee_of[a], _utc(s), _utc(e), v) for a, s, e, v in sessions]
    meetings = await _meetings_by_request(db, [r for r, _, _ in requests])
    locked, previous = [], []
    for request_id in sorted(meetings):
        m = meetings[request_id]
        if m.locked and m.placed:
            locked.append(Placement(request_id, _utc(m.starts_at), m.table_id))  # type: ignore[arg-type]
        elif m.is_published and not m.published_cancelled and m.published_table_id in tables:
            previous.append(Placement(request_id, _utc(m.published_starts_at), m.published_table_id))  # type: ignore[arg-type]
        elif m.placed:
            previous.append(Placement(request_id, _utc(m.starts_at), m.table_id))  # type: ignore[arg-type]
    travel_rows = await mission_travel_times(db, mission_id)
    problem = MeetingProblem(
        slots=slots,
        tables=[Table(t.id, t.venue_id) for t in tables.values()],
        requests=[MeetingRequest(r, a, b) for r, a, b in requests],
        busy=busy,
        travel=travel_rows,
        locked=locked,
        previous=previous,
    )
    working = sorted((r, _utc(m.starts_at), m.table_id) for r, m in meetings.items() if m.placed)  # type: ignore[arg-type]
    digest = hashlib.sha256(repr((
        plan.version, mission.timezone, problem.slots, problem.tables, problem.requests, problem.busy,
        travel_rows.entries(), problem.locked, problem.previous, working,
    )).encode()).hexdigest()
    return _Inputs(problem, digest, tables)


def _utc(value: datetime | None) -> datetime:
    assert value is not None
    return value.astimezone(UTC)


async def _plan_view(db: AsyncSession, mission: Mission, now: datetime) -> PlanView:
    plan = await _plan_of(db, mission.id)
    venues = {v.id: v for v in await db.scalars(select(Venue).where(Venue.mission_id == mission.id).order_by(Venue.id))}
    if plan is None:
        return PlanView(mission, None, [], [], [], venues, [], [], {})
    windows = list(await db.scalars(select(MeetingWindow).where(MeetingWindow.plan_id == plan.id).order_by(MeetingWindow.starts_at)))
    tables = list(await db.scalars(select(MeetingTable).where(MeetingTable.plan_id == plan.id).order_by(MeetingTable.position)))
    slots = meeting_slots([Window(w.starts_at, w.ends_at, w.venue_id) for w in windows], plan.slot_minutes)
    accepted = list(await db.scalars(
        select(MeetingRequestRow)
        .where(MeetingRequestRow.mission_id == mission.id, MeetingRequestRow.status == RequestStatus.ACCEPTED)
        .order_by(MeetingRequestRow.id)
    ))
    entries = {e.request.id: e for e in await _request_entries(db, accepted, now)}
    meetings = await _meetings_by_request(db, list(entries))
    by_table = {t.id: t for t in tables}
    planned = sorted(
        (PlannedMeeting(m, entries[r], by_table.get(m.table_id)) for r, m in meetings.items() if m.placed),  # type: ignore[arg-type]
        key=lambda p: (p.meeting.starts_at, p.table.position if p.table else 0),
    )
    placed = {p.meeting.request_id for p in planned}
    waiting = [e for r, e in entries.items() if r not in placed]
    reasons = {int(k): v for k, v in (plan.last_run or {}).get("left_out", {}).items()}
    cancellations = await db.scalar(
        select(func.count()).select_from(Meeting).where(
            Meeting.mission_id == mission.id, Meeting.published_at.is_not(None), Meeting.published_cancelled.is_(False),
            Meeting.table_id.is_(None),
        )
    ) or 0
    return PlanView(mission, plan, windows, tables, slots, venues, planned, waiting, reasons, cancellations)


async def published_meetings_of(db: AsyncSession, attendee: Attendee) -> list[MyMeeting]:
    """An attendee's published meetings (cancelled ones too), for their feed and pages."""
    profile = await _profile_of(db, attendee.id)
    if profile is None:
        return []
    mission = await db.get_one(Mission, attendee.mission_id)
    rows = (await db.execute(
        select(Meeting, MeetingRequestRow)
        .join(MeetingRequestRow, MeetingRequestRow.id == Meeting.request_id)
        .where(Meeting.published_at.is_not(None))
        .where(or_(MeetingRequestRow.from_profile_id == profile.id, MeetingRequestRow.to_profile_id == profile.id))
        .order_by(Meeting.published_starts_at, Meeting.id)
    )).all()
    others = await _profile_entries(
        db, {r.to_profile_id if r.from_profile_id == profile.id else r.from_profile_id for _, r in rows}
    )
    venue_ids = {m.published_venue_id for m, _ in rows if m.published_venue_id is not None}
    venues = {v.id: v for v in await db.scalars(select(Venue).where(Venue.id.in_(venue_ids)))} if venue_ids else {}
    return [
        MyMeeting(
            m, r, others[r.to_profile_id if r.from_profile_id == profile.id else r.from_profile_id],
            venues.get(m.published_venue_id) if m.published_venue_id is not None else None, mission.timezone,
        )
        for m, r in rows
    ]


# --- what calendars and mail are made of ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MeetingMail:
    """What a meeting mail is composed from, read when it is sent (so it tells the
    latest published state)."""

    request: MeetingRequestRow
    status: RequestStatus
    other: ProfileEntry  # the other side, seen from the recipient
    asked_by_me: bool  # the recipient sent the request
    meeting: MyMeeting | None


async def meeting_mail(db: AsyncSession, request_id: int, attendee: Attendee, now: datetime) -> MeetingMail:
    request = await db.get_one(MeetingRequestRow, request_id)
    profiles = await _profile_entries(db, (request.from_profile_id, request.to_profile_id))
    mine = profiles[request.from_profile_id].profile.attendee_id == attendee.id
    other = profiles[request.to_profile_id if mine else request.from_profile_id]
    meeting = next((m for m in await published_meetings_of(db, attendee) if m.request.id == request_id), None)
    return MeetingMail(request, current_status(request.status, request.expires_at, now), other, mine, meeting)


def meeting_facts(mine: MyMeeting, language: str | None, note: MeetingNote | None = None) -> MeetingFacts:
    """A published meeting for one side's calendar, in their language: as `note` says
    (what a mail was written with), else as published last."""
    m, other = mine.meeting, mine.other
    note = note or meeting_note(m, mine.venue, mine.timezone)
    assert note is not None
    return MeetingFacts(
        uid=m.uid, sequence=note.sequence, last_modified=_utc(note.published_at),
        starts_local=note.slot.starts_at.replace(tzinfo=None), ends_local=note.slot.ends_at.replace(tzinfo=None),
        timezone=note.slot.timezone, cancelled=note.cancelled, other_name=other.name,
        other_organisation=other.profile.organisation, other_country=other.profile.country,
        other_offer=other.profile.offer, other_seek=other.profile.seek, table=note.table,
        venue=venue_line(note.slot.venue, language) if note.slot.venue is not None else "",
        geo=note.geo, message=mine.request.message,
    )

"""Bilateral meetings: a participant's profile, requests and meetings under /api/me (manage
token), and the organisers' plan under /api/missions/{slug}/meeting-plan."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from eventhub.api.deps import ORGANISER_ONLY, PathId, bearer_token, problems
from eventhub.api.registrations import manage_token
from eventhub.db.services.access import Organiser, require_organiser
from eventhub.db.services.meetings import (
    Inbox,
    MyMeeting,
    PlanInput,
    PlanView,
    ProfileEntry,
    RequestEntry,
)
from eventhub.domain.errors import NotFound
from eventhub.domain.permissions import Action
from eventhub.domain.meetings.requests import ProfileFields, RequestStatus
from eventhub.domain.time import zone
from eventhub.domain.tokens import MANAGE_TOKEN_PREFIX
from eventhub.meeting_schemas import (
    LeftOutOut,
    MeetingInboxOut,
    MeetingMoveIn,
    MeetingPlanIn,
    MeetingPlanOut,
    MeetingProfileIn,
    MeetingProfileOut,
    MeetingPublishOut,
    MeetingRequestIn,
    MeetingRequestOut,
    MeetingTableOut,
    MeetingWindowOut,
    MyMeetingOut,
    PlannedMeetingOut,
    ScheduleRunOut,
    VenueNameOut,
)
from eventhub.services import Services

# What each organiser route needs (the guard reads opt["action"]; the services decide finally).
VIEW, MANAGE = Action.VIEW, Action.MANAGE_MEETINGS
MINE = problems(401, 403, 404, 409, 422)
PLAN = problems(401, 403, 404, 409, 422)
TimeLimit = Annotated[
    float | None, QueryParameter(ge=1, le=120, description="Seconds the scheduler may search (default 20)")
]


class MyMeetingsController(Controller):
    path = "/api/me"
    tags = ["meetings"]

    @get("/meeting-profile", operation_id="getMyMeetingProfile", responses=MINE)
    async def get_profile(self, request: Request[Any, Any, Any], services: NamedDependency[Services]) -> MeetingProfileOut:
        """My meeting profile (404 without one, or after withdrawing it)."""
        found = await services.meetings.my_profile(manage_token(request))
        if found is None or not found.active:
            raise NotFound("You have no meeting profile.", code="meeting_profile_not_found")
        return profile_out(found)

    @put("/meeting-profile", operation_id="putMyMeetingProfile", responses=MINE)
    async def put_profile(
        self, request: Request[Any, Any, Any], data: JSONBody[MeetingProfileIn], services: NamedDependency[Services]
    ) -> MeetingProfileOut:
        """Take part in meetings, or change what others read about you: organisation,
        country, sector, what you offer and what you seek. Only participants with a
        profile and the organisers see it."""
        fields = ProfileFields(data.organisation, data.country, data.sector, data.offer, data.seek)
        return profile_out(await services.meetings.save_profile(manage_token(request), fields))

    @delete("/meeting-profile", status_code=204, operation_id="withdrawMyMeetingProfile", responses=MINE)
    async def withdraw(self, request: Request[Any, Any, Any], services: NamedDependency[Services]) -> None:
        """Leave the meetings: pending and accepted requests are cancelled, published
        meetings cancelled, and the other side of each is told by mail."""
        await services.meetings.withdraw_profile(manage_token(request))

    @get("/meeting-profiles", operation_id="listMeetingProfilesForMe", responses=MINE)
    async def directory(self, request: Request[Any, Any, Any], services: NamedDependency[Services]) -> list[MeetingProfileOut]:
        """The other participants with a profile in my mission (403 until I have one)."""
        return [profile_out(p) for p in await services.meetings.directory(manage_token(request))]

    @get("/meeting-requests", operation_id="getMyMeetingRequests", responses=MINE)
    async def inbox(self, request: Request[Any, Any, Any], services: NamedDependency[Services]) -> MeetingInboxOut:
        """Requests to me and from me, newest first, with the cap on open requests."""
        return inbox_out(await services.meetings.inbox(manage_token(request)))

    @post("/meeting-requests", status_code=201, operation_id="requestMeeting", responses=MINE)
    async def ask(
        self, request: Request[Any, Any, Any], data: JSONBody[MeetingRequestIn], services: NamedDependency[Services]
    ) -> MeetingRequestOut:
        """Ask another participant for a meeting; they are told by mail. 409
        `open_request_limit` past the organisers' cap on unanswered requests,
        `request_exists` when you two have a pending or accepted request already."""
        return request_out(await services.meetings.ask(manage_token(request), data.to_profile_id, data.message))

    @post("/meeting-requests/{request_id:int}/accept", status_code=200, operation_id="acceptMeetingRequest",
          responses=MINE)
    async def accept(
        self, request: Request[Any, Any, Any], request_id: PathId, services: NamedDependency[Services]
    ) -> MeetingRequestOut:
        """Accept a request made to me; the organisers then place the meeting."""
        return request_out(await services.meetings.answer(manage_token(request), request_id, accept=True))

    @post("/meeting-requests/{request_id:int}/decline", status_code=200, operation_id="declineMeetingRequest",
          responses=MINE)
    async def decline(
        self, request: Request[Any, Any, Any], request_id: PathId, services: NamedDependency[Services]
    ) -> MeetingRequestOut:
        return request_out(await services.meetings.answer(manage_token(request), request_id, accept=False))

    @get("/meetings", operation_id="getMyMeetings", responses=MINE)
    async def meetings(self, request: Request[Any, Any, Any], services: NamedDependency[Services]) -> list[MyMeetingOut]:
        """My published meetings (cancelled ones say so); also in my personal feed."""
        return [my_meeting_out(m) for m in await services.meetings.my_meetings(manage_token(request))]


class MeetingPlanController(Controller):
    path = "/api/missions/{slug:str}"
    tags = ["meetings"]

    @get("/meeting-profiles", operation_id="listMeetingProfiles", responses=problems(401, 403, 404))
    async def profiles(
        self, request: Request[Any, Any, Any], slug: FromPath[str], services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
    ) -> list[MeetingProfileOut]:
        """The mission's meeting profiles: for its organisers, and for its participants
        with a profile (their manage token; their own profile left out)."""
        token = bearer_token(request)
        if token is not None and token.startswith(f"{MANAGE_TOKEN_PREFIX}_"):
            return [profile_out(p) for p in await services.meetings.profiles_for_token(slug, token)]
        return [profile_out(p) for p in await services.meetings.mission_profiles(slug, require_organiser(organiser))]

    @get("/meeting-plan", guards=ORGANISER_ONLY, operation_id="getMeetingPlan", opt={"action": VIEW}, responses=PLAN)
    async def get_plan(
        self, slug: FromPath[str], services: NamedDependency[Services], organiser: NamedDependency[Organiser | None]
    ) -> MeetingPlanOut:
        return plan_out(await services.meetings.plan(slug, organiser))

    @put("/meeting-plan", guards=ORGANISER_ONLY, operation_id="putMeetingPlan", opt={"action": MANAGE}, responses=PLAN)
    async def put_plan(
        self, slug: FromPath[str], data: JSONBody[MeetingPlanIn], services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
    ) -> MeetingPlanOut:
        """Slots (windows cut into `slot_minutes`, at a venue; wall times in the mission's
        zone) and tables (by name, at a venue), and the request settings. A placed meeting
        whose slot or table is gone leaves the plan."""
        given = PlanInput(
            data.slot_minutes, [(w.starts_at, w.ends_at, w.venue_id) for w in data.windows],
            [(t.name, t.venue_id) for t in data.tables], data.request_expiry_hours, data.max_open_requests,
        )
        return plan_out(await services.meetings.set_plan(slug, given, organiser))

    @post("/meeting-plan/schedule", guards=ORGANISER_ONLY, status_code=200, operation_id="scheduleMeetings",
          opt={"action": MANAGE}, responses=PLAN)
    async def schedule(
        self, slug: FromPath[str], services: NamedDependency[Services], organiser: NamedDependency[Organiser | None],
        time_limit_seconds: TimeLimit = None,
    ) -> MeetingPlanOut:
        """Place the accepted requests: nobody in two places at once (meetings, confirmed
        sessions, travel between venues), one meeting per table and slot, the most
        meetings, then the fairest spread, then the fewest moves; locked meetings stay.
        `last_run` says whether the plan is proven optimal; `left_out` gives every
        request without a place and why. 409 `schedule_running` while another solve of
        this mission runs; 409 `plan_changed` when something it read changed meanwhile."""
        outcome = await services.meetings.schedule(slug, organiser, time_limit_seconds=time_limit_seconds)
        return plan_out(outcome.view)

    @post("/meeting-plan/publish", guards=ORGANISER_ONLY, status_code=200, operation_id="publishMeetings",
          opt={"action": MANAGE}, responses=PLAN)
    async def publish(
        self, slug: FromPath[str], services: NamedDependency[Services], organiser: NamedDependency[Organiser | None]
    ) -> MeetingPublishOut:
        """Tell both sides of each meeting what changed since the last publish (mail and
        their personal feeds): scheduled, moved (a higher SEQUENCE) or cancelled."""
        done = await services.meetings.publish(slug, organiser)
        return MeetingPublishOut(scheduled=done.scheduled, moved=done.moved, cancelled=done.cancelled,
                                 plan=plan_out(done.view))

    @post("/meeting-plan/meetings/{request_id:int}/lock", guards=ORGANISER_ONLY, status_code=200,
          operation_id="lockMeeting", opt={"action": MANAGE}, responses=PLAN)
    async def lock(
        self, slug: FromPath[str], request_id: PathId, services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
    ) -> MeetingPlanOut:
        """Keep this meeting where it is through every later schedule."""
        return plan_out(await services.meetings.lock(slug, request_id, organiser, locked=True))

    @post("/meeting-plan/meetings/{request_id:int}/unlock", guards=ORGANISER_ONLY, status_code=200,
          operation_id="unlockMeeting", opt={"action": MANAGE}, responses=PLAN)
    async def unlock(
        self, slug: FromPath[str], request_id: PathId, services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
    ) -> MeetingPlanOut:
        return plan_out(await services.meetings.lock(slug, request_id, organiser, locked=False))

    @post("/meeting-plan/meetings/{request_id:int}/move", guards=ORGANISER_ONLY, status_code=200,
          operation_id="moveMeeting", opt={"action": MANAGE}, responses=PLAN)
    async def move(
        self, slug: FromPath[str], request_id: PathId, data: JSONBody[MeetingMoveIn],
        services: NamedDependency[Services], organiser: NamedDependency[Organiser | None],
    ) -> MeetingPlanOut:
        """Put an accepted request's meeting into a slot (its start) and table by hand; it
        is locked there. 409 with the rule it would break (`table_taken`,
        `participant_busy`, `participant_double_booked`, `no_such_slot`)."""
        return plan_out(await services.meetings.move(slug, request_id, data.starts_at, data.table_id, organiser))

    @post("/meeting-plan/meetings/{request_id:int}/unplace", guards=ORGANISER_ONLY, status_code=200,
          operation_id="unplaceMeeting", opt={"action": MANAGE}, responses=PLAN)
    async def unplace(
        self, slug: FromPath[str], request_id: PathId, services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
    ) -> MeetingPlanOut:
        """Take a meeting out of the plan; a published one is cancelled at the next publish."""
        return plan_out(await services.meetings.unplace(slug, request_id, organiser))


# --- presenters -----------------------------------------------------------------------------------


def profile_out(entry: ProfileEntry) -> MeetingProfileOut:
    p = entry.profile
    return MeetingProfileOut(id=p.id, name=entry.name, organisation=p.organisation, country=p.country,
                             sector=p.sector, offer=p.offer, seek=p.seek)


def request_out(entry: RequestEntry) -> MeetingRequestOut:
    r = entry.request
    return MeetingRequestOut(
        id=r.id, status=entry.status.value, message=r.message, expires_at=r.expires_at, created_at=r.created_at,
        answered_at=r.answered_at, sender=profile_out(entry.sender), recipient=profile_out(entry.recipient),
    )


def inbox_out(inbox: Inbox) -> MeetingInboxOut:
    return MeetingInboxOut(
        profile=profile_out(inbox.me), incoming=[request_out(e) for e in inbox.incoming],
        outgoing=[request_out(e) for e in inbox.outgoing],
        open_requests=sum(1 for e in inbox.outgoing if e.status == RequestStatus.PENDING),
        max_open_requests=inbox.settings.max_open_requests, request_expiry_hours=inbox.settings.expiry_hours,
    )


def _local(instant: datetime, zone_name: str) -> datetime:
    return instant.astimezone(zone(zone_name))


def my_meeting_out(mine: MyMeeting) -> MyMeetingOut:
    m = mine.meeting
    assert m.published_starts_at is not None and m.published_ends_at is not None
    return MyMeetingOut(
        request_id=m.request_id, status="cancelled" if m.published_cancelled else "confirmed",
        starts_at=_local(m.published_starts_at, mine.timezone), ends_at=_local(m.published_ends_at, mine.timezone),
        timezone=mine.timezone, table=m.published_table_name,
        venue=VenueNameOut(id=mine.venue.id, name=mine.venue.name) if mine.venue is not None else None,
        sequence=m.sequence, other=profile_out(mine.other),
    )


def plan_out(view: PlanView) -> MeetingPlanOut:
    tz = view.mission.timezone
    plan = view.plan
    run = (plan.last_run or None) if plan is not None else None
    return MeetingPlanOut(
        slot_minutes=plan.slot_minutes if plan else 0,
        request_expiry_hours=plan.request_expiry_hours if plan else 0,
        max_open_requests=plan.max_open_requests if plan else 0,
        timezone=tz,
        version=plan.version if plan else 0,
        published_at=plan.published_at if plan else None,
        windows=[MeetingWindowOut(starts_at=_local(w.starts_at, tz), ends_at=_local(w.ends_at, tz), venue_id=w.venue_id)
                 for w in view.windows],
        tables=[MeetingTableOut(id=t.id, name=t.name, venue_id=t.venue_id) for t in view.tables],
        slots=[MeetingWindowOut(starts_at=_local(s.starts_at, tz), ends_at=_local(s.ends_at, tz), venue_id=s.venue_id)
               for s in view.slots],
        meetings=[
            PlannedMeetingOut(
                request_id=p.meeting.request_id, starts_at=_local(p.meeting.starts_at, tz),  # type: ignore[arg-type]
                ends_at=_local(p.meeting.ends_at, tz), table_id=p.meeting.table_id,  # type: ignore[arg-type]
                table=p.table.name if p.table else "", venue_id=p.table.venue_id if p.table else 0,
                locked=p.meeting.locked, published=p.meeting.is_published and not p.meeting.published_cancelled,
                unpublished_change=p.unpublished,
                sides=[profile_out(p.request.sender), profile_out(p.request.recipient)],
            )
            for p in view.meetings
        ],
        left_out=[
            LeftOutOut(request_id=e.request.id, reason=view.reasons.get(e.request.id, "not_scheduled_yet"),
                       sides=[profile_out(e.sender), profile_out(e.recipient)])
            for e in view.waiting
        ],
        unpublished_changes=view.unpublished_changes,
        last_run=ScheduleRunOut(
            at=datetime.fromisoformat(run["at"]), placed=run["placed"], upper_bound=run["upper_bound"],
            proven_optimal=run["proven_optimal"], fewest_per_participant=run["fewest_per_participant"],
            moves=run["moves"], solver_seconds=run["solver_seconds"], locked_clashes=run["locked_clashes"],
        ) if run else None,
    )

"""Every route of the app, taken from its route table, against every kind of caller.

The callers: nobody, an attendee (manage token as bearer), the same attendee's feed token,
another attendee, an organiser of another mission, an organiser of this mission and one for
all missions. Each cell answers as SPEC says: organiser calls 401 without an organiser
token and 403 with another mission's, public reads 200 for all, /api/me 401 without a
token and 404 for a token that is not a manage token, tokens in the path open only their
own objects, and another attendee's objects are 404. Write routes get valid bodies, so a
cell tests who may call, not what they send.
"""

from __future__ import annotations

import base64
import itertools
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest
from sqlalchemy import select
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from eventhub.schemas import MissionCreate
from eventhub.app import create_app
from eventhub.db.database import Database
from eventhub.db.models import AccountLink
from eventhub.db.services.meetings import PlanInput
from eventhub.db.services.messages import Audience
from eventhub.db.services.registrations import GroupRequest, MemberRequest, SignupRequest
from eventhub.db.services.team import link_token
from eventhub.domain.meetings.requests import ProfileFields
from eventhub.domain.permissions import Action, Role
from eventhub.domain.programme import SessionKind, SpeakerRole
from eventhub.loader import LOADER
from eventhub.services import Services
from eventhub.settings import Settings
from tests.conftest import PUBLIC_URL, FrozenClock

CSRF_COOKIE = "eventhub_csrf"
ANSWER_PATH = "/registrations/answer"

# --- the routes ---------------------------------------------------------------------------------

# Not walked: the API documentation and static files, which are the same for everyone.
EXCLUDED = {
    "/schema", "/schema/swagger", "/schema/openapi.json", "/schema/oauth2-redirect.html", "/schema/{path}",
    "/static/{file_path}", "/schema/swagger-ui/{file_path}",
}


def route_table(app: Litestar) -> list[tuple[str, str]]:
    """(method, path) for every handler of every HTTP route, OPTIONS included."""
    return sorted(
        (method, route.path_format)
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for handler in route.route_handlers
        for method in handler.http_methods
    )


def matrix_settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url, public_url=PUBLIC_URL, registration_rate_limit="off", redis_url=None,
        secret_key="matrix-secret-not-for-production", smtp_url=None, mail_sender=False, sign_in_rate_limit="off",
        allowed_hosts=["testserver.local"],
    )


def attendee_api_routes(app: Litestar) -> list[tuple[str, str]]:
    """The API routes about attendees: those whose guard checks an attendee action (every
    change by hand, the door, messages, the outbox, their lists), and the exports."""
    actions = {Action.VIEW_ATTENDEES, Action.MANAGE_ATTENDEES, Action.WRITE_TO_ATTENDEES}
    found = {
        (method, route.path_format)
        for route in app.routes
        if isinstance(route, HTTPRoute) and route.path_format.startswith("/api/")
        for handler in route.route_handlers
        if handler.opt.get("action") in actions
        for method in handler.http_methods
    }
    exports = {("GET", f"/api/missions/{{slug}}/registrations{ending}") for ending in ("", ".csv", ".xlsx")}
    return sorted(found | exports)


# Built only to read its route table (at collection time, so never connected).
_APP = create_app(matrix_settings("sqlite+aiosqlite:///:memory:"))
ALL_ROUTES = route_table(_APP)
ATTENDEE_API_CALLS = attendee_api_routes(_APP)
WALKED = [(method, path) for method, path in ALL_ROUTES if path not in EXCLUDED]
CALLS = [route for route in WALKED if route[0] != "OPTIONS"]
PATHS = sorted({path for _method, path in WALKED})


# --- the callers --------------------------------------------------------------------------------

ANONYMOUS, ATTENDEE, FEED, OTHER_ATTENDEE = "anonymous", "attendee", "feed token", "other attendee"
VIEWER_TOKEN = "this mission's viewer token"  # walked on the attendee routes (see below)
OTHER_ORGANISER, ORGANISER, ALL_MISSIONS = "other mission's organiser", "this mission's organiser", "organiser of all"
IDENTITIES = [ANONYMOUS, ATTENDEE, FEED, OTHER_ATTENDEE, OTHER_ORGANISER, ORGANISER, ALL_MISSIONS]


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(IDENTITIES, status)


def organisers_only(success: int) -> dict[str, int]:
    """SPEC: missing (or non-organiser) token 401, another mission's token 403."""
    return {**everyone(401), OTHER_ORGANISER: 403, ORGANISER: success, ALL_MISSIONS: success}


def attendee_only(success: int, *, other_attendee: int) -> dict[str, int]:
    """/api/me: 401 without a token, 404 for any token that is not a manage token."""
    return {**everyone(404), ANONYMOUS: 401, ATTENDEE: success, OTHER_ATTENDEE: other_attendee}


# --- the world each route is walked in ----------------------------------------------------------

SLUG, OTHER_SLUG = "bishkek-2026", "riga-2026"


@dataclass
class World:
    """A published mission with a venue, a person and two sessions; attendee A registered
    for the first, attendee B for the second; another mission with its own organiser."""

    services: Services
    client: AsyncTestClient
    tokens: dict[str, str | None] = field(default_factory=dict)
    ids: dict[str, Any] = field(default_factory=dict)
    counter: itertools.count[int] = field(default_factory=itertools.count)

    def unique(self) -> int:
        return next(self.counter)

    async def mission(self, slug: str) -> str:
        fields = msgspec.convert({
            "slug": slug, "title": f"Mission {slug}", "host_country": "KG", "timezone": "Asia/Bishkek",
            "starts_on": "2026-12-07", "ends_on": "2026-12-11", "status": "published",
        }, MissionCreate)
        await self.services.missions.create(msgspec.structs.asdict(fields), LOADER)
        return slug

    async def venue(self) -> int:
        return (await self.services.venues.create(SLUG, {"name": f"Venue {self.unique()}"}, LOADER)).id

    async def person(self) -> int:
        return (await self.services.people.create(SLUG, {"name": f"Person {self.unique()}"}, LOADER)).id

    async def session(self, **fields: Any) -> int:
        day = 7 + self.unique() % 5
        body = {"title": f"Session {self.unique()}", "kind": SessionKind.WORKSHOP, "capacity": 20,
                "starts_at": f"2026-12-{day:02d}T16:00", "ends_at": f"2026-12-{day:02d}T17:00", **fields}
        return (await self.services.sessions.create(SLUG, body, LOADER, allow_conflicts=True)).session.id

    async def attendee(self, session_id: int) -> tuple[str, str]:
        """A new attendee registered for `session_id`: (manage token, feed token)."""
        n = self.unique()
        signup = SignupRequest(f"Attendee {n}", f"attendee{n}@example.org", "", [session_id])
        outcome = await self.services.registrations.register(SLUG, signup, None)
        assert outcome.manage_token and outcome.feed_token
        return outcome.manage_token, outcome.feed_token

    async def registration_id(self, session_id: int) -> int:
        """Another attendee's new registration for `session_id` (for the organiser to cancel)."""
        await self.attendee(session_id)
        items = (await self.services.attendance.registrations(SLUG, LOADER)).items
        return max(item.registration.id for item in items)

    async def token_for(self, slug: str) -> str:
        """An organiser token scoped to `slug` (made once per mission)."""
        key = f"organiser:{slug}"
        if key not in self.tokens:
            self.tokens[key] = await self.services.organiser_tokens.create(f"organiser of {slug}", slug)
        token = self.tokens[key]
        assert token is not None
        return token


async def build_world(services: Services, client: AsyncTestClient) -> World:
    world = World(services, client)
    await world.mission(SLUG)
    await world.mission(OTHER_SLUG)
    world.ids["venue_id"] = await world.venue()
    world.ids["other_venue_id"] = await world.venue()
    world.ids["person_id"] = await world.person()
    world.ids["s1"] = await world.session(
        venue_id=world.ids["venue_id"], speakers=[(world.ids["person_id"], SpeakerRole.SPEAKER)],
        starts_at="2026-12-08T10:00", ends_at="2026-12-08T11:00",
    )
    world.ids["s2"] = await world.session(starts_at="2026-12-08T14:00", ends_at="2026-12-08T15:00")
    world.ids["manage"], world.ids["feed"] = await world.attendee(world.ids["s1"])
    items = (await services.attendance.registrations(SLUG, LOADER)).items
    world.ids["registration_id"] = items[0].registration.id
    world.ids["other_manage"], _ = await world.attendee(world.ids["s2"])
    world.tokens.update({
        ANONYMOUS: None,
        ATTENDEE: world.ids["manage"],
        FEED: world.ids["feed"],
        OTHER_ATTENDEE: world.ids["other_manage"],
        OTHER_ORGANISER: await world.token_for(OTHER_SLUG),
        ALL_MISSIONS: await services.organiser_tokens.create("organiser of all", None),
        VIEWER_TOKEN: await services.organiser_tokens.create("consulate", SLUG, role=Role.VIEWER),
    })
    return world


# --- what each route is called with and answers ---------------------------------------------------

Params = dict[str, Any]
Target = Callable[[World], Awaitable[Params]]
Body = Callable[[World, Params], Any]


async def the_mission(world: World) -> Params:
    return {"slug": SLUG, "venue_id": world.ids["venue_id"], "person_id": world.ids["person_id"],
            "session_id": world.ids["s1"], "registration_id": world.ids["registration_id"],
            "feed_token": world.ids["feed"], "token": world.ids["manage"]}


async def empty_mission(world: World) -> Params:
    return {"slug": await world.mission(f"scratch-{world.unique()}")}


async def unused_venue(world: World) -> Params:
    return {"slug": SLUG, "venue_id": await world.venue()}


async def unused_person(world: World) -> Params:
    return {"slug": SLUG, "person_id": await world.person()}


async def new_session(world: World) -> Params:
    return {"slug": SLUG, "session_id": await world.session()}


async def someones_registration(world: World) -> Params:
    return {"slug": SLUG, "registration_id": await world.registration_id(world.ids["s2"])}


async def my_new_registration(world: World) -> Params:
    """Attendee A signs up for a new session: theirs to cancel, nobody else's."""
    session_id = await world.session()
    await world.services.registrations.register(SLUG, SignupRequest(None, None, None, [session_id]), world.ids["manage"])
    return {"session_id": session_id}


async def a_member(world: World) -> Params:
    """A member of attendee A's delegation, new for each cell (one without an address)."""
    signup = SignupRequest(None, None, None, [world.ids["s1"]])
    group = GroupRequest(signup, [MemberRequest(f"Member {world.unique()}", None)])
    outcome = await world.services.registrations.register_group(SLUG, group, world.ids["manage"])
    return {"token": world.ids["manage"], "member_id": outcome.members[0].attendee_id}


async def another_session(world: World) -> Params:
    return {"token": world.ids["manage"], "session_id": world.ids["s2"]}


async def new_attendee(world: World) -> Params:
    token, feed = await world.attendee(world.ids["s2"])
    return {"slug": SLUG, "token": token, "feed_token": feed, "session_id": world.ids["s2"]}


async def waitlisted_registration(world: World) -> Params:
    """A full session with someone on its waitlist, for the organiser to promote."""
    session_id = await world.session(capacity=1)
    await world.attendee(session_id)
    return {"slug": SLUG, "registration_id": await world.registration_id(session_id)}


async def registration_to_move(world: World) -> Params:
    return {"slug": SLUG, "registration_id": await world.registration_id(world.ids["s2"]),
            "to_session_id": await world.session()}


async def code_at_the_door(world: World) -> Params:
    registration_id = await world.registration_id(world.ids["s2"])
    return {"slug": SLUG, "code": world.services.check_ins.code_for(registration_id), "at": world.ids["s2"]}


async def mail_in_the_outbox(world: World) -> Params:
    entries = await world.services.outbox.entries(SLUG, LOADER)
    return {"slug": SLUG, "message_id": entries[0].message.id}


async def reset_link(world: World) -> Params:
    """A fresh password-reset link of an account (links are single-use)."""
    email = f"resetting{world.unique()}@example.org"
    await world.services.accounts.create(email, "Resetting", MATRIX_PASSWORD)
    await world.services.team.request_reset(email)
    return {"token": await latest_link_token(world)}


async def invitation_link(world: World) -> Params:
    await world.services.team.invite(SLUG, f"invited{world.unique()}@example.org", Role.VIEWER, LOADER)
    return {"token": await latest_link_token(world)}


async def latest_link_token(world: World) -> str:
    async with world.services.database.read() as db:
        key = await db.scalar(select(AccountLink.message_key).order_by(AccountLink.id.desc()).limit(1))
    assert key is not None
    return link_token(world.services.settings.secret_key, key)


async def team_member(world: World) -> Params:
    """Another editor of this mission, to change or remove."""
    account = await world.services.accounts.create(
        f"member{world.unique()}@example.org", "Member", MATRIX_PASSWORD, mission_slug=SLUG, role=Role.EDITOR)
    return {"slug": SLUG, "account_id": account.id}


async def a_venue(world: World) -> Params:
    return {"slug": SLUG, "record_id": world.ids["venue_id"]}


async def a_person(world: World) -> Params:
    return {"slug": SLUG, "record_id": world.ids["person_id"]}


async def unused_venue_record(world: World) -> Params:
    return {"slug": SLUG, "record_id": await world.venue()}


async def unused_person_record(world: World) -> Params:
    return {"slug": SLUG, "record_id": await world.person()}


def programme_sheet(world: World, _params: Params) -> dict[str, str]:
    """The import form's second step: the previewed file carried in the form."""
    sheet = f"title,kind,date,start,end\nImported {world.unique()},seminar,2026-12-10,20:00,21:00\n"
    return {"filename": "programme.csv", "content": base64.b64encode(sheet.encode()).decode(), "intent": "import"}


def mission_form(world: World, _params: Params) -> dict[str, str]:
    return {"slug": f"new-{world.unique()}", "title": "A new mission", "host_country": "LV",
            "timezone": "Europe/Riga", "starts_on": "2027-03-01", "ends_on": "2027-03-03", "default_language": "en"}


def session_form(world: World, _params: Params) -> dict[str, str]:
    return {"title": f"Evening {world.unique()}", "kind": "networking", "status": "draft", "registration": "none",
            "starts_at": "2026-12-09T21:00", "ends_at": "2026-12-09T22:00"}


async def mission_token(world: World) -> Params:
    await world.services.organiser_tokens.create(f"revocable {world.unique()}", SLUG)
    listed = await world.services.organiser_tokens.list(mission_slug=SLUG)
    return {"slug": SLUG, "token_id": listed[-1].id}


WRONG_LINK = ("a made-up link", lambda _w: {"token": f"ehl_{secrets.token_urlsafe(32)}"}, 404)
MATRIX_PASSWORD = "matrix passphrase of some length"


async def waitlisted_at_its_session(world: World) -> Params:
    """The back office's promote button: a waitlisted registration under its session's page."""
    session_id = await world.session(capacity=1)
    await world.attendee(session_id)
    return {"slug": SLUG, "session_id": session_id, "registration_id": await world.registration_id(session_id)}


async def registration_at_its_session(world: World) -> Params:
    return {"slug": SLUG, "session_id": world.ids["s2"], "registration_id": await world.registration_id(world.ids["s2"]),
            "to_session_id": await world.session()}


async def previewed_audience(world: World) -> Params:
    """The count a message's preview showed (the send form carries it back)."""
    return {"slug": SLUG, "recipients": await world.services.messages.count(SLUG, Audience(), LOADER)}
async def meeting_profile(world: World, manage_token: str) -> int:
    fields = ProfileFields("Cluster", "KG", "IT", "", "")
    return (await world.services.meetings.save_profile(manage_token, fields)).profile.id


async def with_meeting_profiles(world: World) -> Params:
    """Attendees A and B take part in meetings (saving a profile again is harmless)."""
    await meeting_profile(world, world.ids["manage"])
    await meeting_profile(world, world.ids["other_manage"])
    return {"slug": SLUG}


async def someone_to_ask(world: World) -> Params:
    await with_meeting_profiles(world)
    token, _feed = await world.attendee(world.ids["s2"])
    return {"slug": SLUG, "to_profile_id": await meeting_profile(world, token)}


async def request_to_a(world: World) -> Params:
    """A new participant asks attendee A for a meeting: A's to answer, not B's."""
    await with_meeting_profiles(world)
    token, _feed = await world.attendee(world.ids["s2"])
    await meeting_profile(world, token)
    me = await world.services.meetings.my_profile(world.ids["manage"])
    assert me is not None
    return {"request_id": (await world.services.meetings.ask(token, me.profile.id, "")).request.id}


async def a_with_profile(world: World) -> Params:
    return {**await with_meeting_profiles(world), "token": world.ids["manage"]}


async def someone_for_a_to_ask(world: World) -> Params:
    return {**await someone_to_ask(world), "token": world.ids["manage"]}


async def request_to_a_on_the_page(world: World) -> Params:
    return {**await request_to_a(world), "token": world.ids["manage"]}


async def meeting_plan(world: World) -> Params:
    if world.ids.get("plan") is None:
        windows = [("2026-12-09T09:00", "2026-12-09T17:00", world.ids["venue_id"])]
        tables = [(f"Table {i}", world.ids["venue_id"]) for i in range(1, 21)]
        view = await world.services.meetings.set_plan(SLUG, PlanInput(30, windows, tables), LOADER)
        world.ids["plan"] = [t.id for t in view.tables]
    return {"slug": SLUG}


async def accepted_request(world: World) -> Params:
    """Two new participants agreed to meet; the meeting is not in the plan yet."""
    await meeting_plan(world)
    sender, _ = await world.attendee(world.ids["s2"])
    recipient, _ = await world.attendee(world.ids["s2"])
    await meeting_profile(world, sender)
    asked = await world.services.meetings.ask(sender, await meeting_profile(world, recipient), "")
    await world.services.meetings.answer(recipient, asked.request.id, accept=True)
    n = world.unique()
    return {"slug": SLUG, "request_id": asked.request.id, "table_id": world.ids["plan"][n % 20],
            "starts_at": f"2026-12-09T{9 + (n // 20) % 8:02d}:{30 * (n // 160 % 2):02d}"}


async def placed_meeting(world: World) -> Params:
    params = await accepted_request(world)
    await world.services.meetings.move(SLUG, params["request_id"], params["starts_at"], params["table_id"], LOADER)
    return params


def signup(world: World, _params: Params) -> dict[str, Any]:
    n = world.unique()
    return {"name": f"Signer {n}", "email": f"signer{n}@example.org", "session_ids": [world.ids["s2"]]}


def signup_form(world: World, _params: Params) -> dict[str, str]:
    n = world.unique()
    return {"name": f"Form signer {n}", "email": f"form{n}@example.org", "organisation": ""}


# Valid bodies for every route that takes one; None for those that take none.
BODIES: dict[tuple[str, str], Body | None] = {
    ("POST", "/api/missions"): lambda w, _: {
        "slug": f"new-{w.unique()}", "title": "New mission", "host_country": "LV", "timezone": "Europe/Riga",
        "starts_on": "2027-06-01", "ends_on": "2027-06-02",
    },
    ("PATCH", "/api/missions/{slug}"): lambda w, _: {"title": f"Renamed {w.unique()}"},
    ("POST", "/api/missions/{slug}/venues"): lambda w, _: {"name": f"New venue {w.unique()}"},
    ("PATCH", "/api/missions/{slug}/venues/{venue_id}"): lambda w, _: {"address": f"Chui Avenue {w.unique()}"},
    ("POST", "/api/missions/{slug}/people"): lambda w, _: {"name": f"New person {w.unique()}"},
    ("PATCH", "/api/missions/{slug}/people/{person_id}"): lambda w, _: {"affiliation": f"Cluster {w.unique()}"},
    ("POST", "/api/missions/{slug}/sessions"): lambda w, _: {
        "title": f"New session {w.unique()}", "kind": "seminar", "starts_at": "2026-12-10T09:00",
        "ends_at": "2026-12-10T10:00",
    },
    ("PATCH", "/api/missions/{slug}/sessions/{session_id}"): lambda w, _: {"title": f"Renamed {w.unique()}"},
    ("POST", "/api/missions/{slug}/sessions/{session_id}/cancel"): None,
    ("POST", "/api/missions/{slug}/sessions/bulk"): lambda w, _: {"action": "publish", "session_ids": [w.ids["s1"]]},
    ("POST", "/api/missions/{slug}/clone"): lambda w, _: {"slug": f"copy-{w.unique()}", "starts_on": "2027-12-06"},
    ("POST", "/api/missions/{slug}/import"): lambda w, _: Upload(
        f"title,kind,date,start,end\nImported {w.unique()},seminar,2026-12-09,09:00,10:00\n".encode()
    ),
    ("PUT", "/api/missions/{slug}/travel-times"): lambda w, _: [
        {"from_venue_id": w.ids["venue_id"], "to_venue_id": w.ids["other_venue_id"], "minutes": 25},
    ],
    ("POST", "/api/missions/{slug}/registrations"): signup,
    ("POST", "/api/missions/{slug}/registrations/{registration_id}/promote"): None,
    ("POST", "/api/missions/{slug}/registrations/{registration_id}/move"): lambda _w, p: {"session_id": p["to_session_id"]},
    ("POST", "/api/missions/{slug}/sessions/{session_id}/registrations"): lambda w, _: {
        "name": f"Added {w.unique()}", "email": f"added{w.unique()}@example.org",
    },
    ("POST", "/api/missions/{slug}/check-ins"): lambda _w, p: {"code": p["code"], "session_id": p["at"]},
    ("POST", "/api/missions/{slug}/messages"): lambda w, _: {"subject": f"Note {w.unique()}", "body": "Bring your badge."},
    ("POST", "/api/missions/{slug}/outbox/{message_id}/retry"): None,
    ("POST", "/api/me/feed-token"): None,
    ("PATCH", "/api/me"): lambda _w, _: {"reminder": "1h"},
    ("POST", "/api/me/manage-token"): None,
    ("PUT", "/api/me/meeting-profile"): lambda _w, _p: {"organisation": "Technopark", "country": "KG"},
    ("POST", "/api/me/meeting-requests"): lambda _w, p: {"to_profile_id": p["to_profile_id"], "message": "Hello"},
    ("POST", "/api/me/meeting-requests/{request_id}/accept"): None,
    ("POST", "/api/me/meeting-requests/{request_id}/decline"): None,
    ("PUT", "/api/missions/{slug}/meeting-plan"): lambda w, _p: {
        "slot_minutes": 30, "tables": [{"name": "Table 1", "venue_id": w.ids["venue_id"]}],
        "windows": [{"starts_at": "2026-12-10T09:00", "ends_at": "2026-12-10T12:00", "venue_id": w.ids["venue_id"]}],
    },
    ("POST", "/manage/{token}/meetings/profile"): lambda _w, _p: {"organisation": "Technopark", "country": "KG"},
    ("POST", "/manage/{token}/meetings/withdraw"): None,
    ("POST", "/manage/{token}/meetings/requests"): lambda _w, p: {"to_profile_id": str(p["to_profile_id"]), "message": ""},
    ("POST", "/manage/{token}/meetings/requests/{request_id}/accept"): None,
    ("POST", "/manage/{token}/meetings/requests/{request_id}/decline"): None,
    ("POST", "/organise/missions/{slug}/meetings/plan"): lambda _w, _p: {"slot_minutes": "30", "windows": "", "tables": ""},
    ("POST", "/organise/missions/{slug}/meetings/schedule"): None,
    ("POST", "/organise/missions/{slug}/meetings/publish"): None,
    ("POST", "/organise/missions/{slug}/meetings/{request_id}/lock"): None,
    ("POST", "/organise/missions/{slug}/meetings/{request_id}/unlock"): None,
    ("POST", "/organise/missions/{slug}/meetings/{request_id}/unplace"): None,
    ("POST", "/organise/missions/{slug}/meetings/{request_id}/move"): lambda _w, p: {
        "starts_at": p["starts_at"], "table_id": str(p["table_id"]),
    },
    ("POST", "/api/missions/{slug}/meeting-plan/schedule"): None,
    ("POST", "/api/missions/{slug}/meeting-plan/publish"): None,
    ("POST", "/api/missions/{slug}/meeting-plan/meetings/{request_id}/lock"): None,
    ("POST", "/api/missions/{slug}/meeting-plan/meetings/{request_id}/unlock"): None,
    ("POST", "/api/missions/{slug}/meeting-plan/meetings/{request_id}/unplace"): None,
    ("POST", "/api/missions/{slug}/meeting-plan/meetings/{request_id}/move"): lambda _w, p: {
        "starts_at": p["starts_at"], "table_id": p["table_id"],
    },
    # Pages: form bodies (the CSRF token is added by the walk).
    ("POST", "/missions/{slug}/sessions/{session_id}"): signup_form,
    ("POST", "/manage/{token}/registrations/{session_id}/cancel"): None,
    ("POST", "/manage/{token}/feed-token"): None,
    ("POST", "/manage/{token}/language"): lambda _w, _: {"language": "lv"},
    ("POST", "/manage/{token}/reminder"): lambda _w, _: {"reminder": "15m"},
    ("POST", "/manage/{token}/sessions/{session_id}/register"): None,
    ("POST", "/manage/{token}/sessions"): lambda w, _: {"session_ids": str(w.ids["s2"])},
    ("POST", "/missions/{slug}/programme"): lambda w, p: {**signup_form(w, p), "session_ids": str(w.ids["s2"])},
    ("POST", "/missions/{slug}/resend-link"): lambda w, _: {"email": f"who{w.unique()}@example.org"},
    ("POST", "/missions/{slug}/delegation"): lambda w, p: {
        **signup_form(w, p), "session_ids": str(w.ids["s2"]), "member_name": [f"Member {w.unique()}", ""],
        "member_email": ["", ""],
    },
    ("POST", "/manage/{token}/delegation"): lambda w, _: {"name": f"Brought along {w.unique()}", "email": ""},
    ("POST", "/manage/{token}/delegation/{member_id}/remove"): None,
    ("POST", "/manage/{token}/delegation/{member_id}/swap"): lambda w, _: {"name": f"Instead {w.unique()}", "email": ""},
    ("POST", "/api/missions/{slug}/group-registrations"): lambda w, p: {
        **signup(w, p), "members": [{"name": f"Member {w.unique()}"}],
    },
    ("POST", "/language"): lambda _w, _: {"lang": "ru", "next": "/"},
    # The back office (bearer tokens sign nobody in to it).
    ("POST", "/organise/sign-in"): lambda _w, _: {"email": "nobody@example.org", "password": "not the password", "next": "/organise"},
    ("POST", "/organise/sign-out"): None,
    ("POST", "/organise/sign-out-everywhere"): None,
    ("POST", "/organise/forgot-password"): lambda w, _: {"email": f"someone{w.unique()}@example.org"},
    ("POST", "/organise/reset-password/{token}"): lambda _w, _: {"password": "a brand new passphrase"},
    ("POST", "/organise/invitations/{token}"): lambda w, _: {"name": f"Colleague {w.unique()}", "password": "a brand new passphrase"},
    ("POST", "/organise/missions/{slug}/team/invitations"): lambda w, _: {"email": f"invited{w.unique()}@example.org", "role": "viewer"},
    ("POST", "/organise/missions/{slug}/team/{account_id}/role"): lambda _w, _: {"role": "viewer"},
    ("POST", "/organise/missions/{slug}/team/{account_id}/remove"): None,
    ("POST", "/organise/missions/{slug}/tokens"): lambda w, _: {"name": f"token {w.unique()}", "role": "viewer"},
    ("POST", "/organise/missions/{slug}/tokens/{token_id}/revoke"): None,
    ("POST", "/organise/missions/{slug}/sessions/{session_id}/attendees"): lambda w, _: {
        "name": f"Added {w.unique()}", "email": f"added{w.unique()}@example.org",
    },
    ("POST", "/organise/missions/{slug}/sessions/{session_id}/attendees/{registration_id}/promote"): None,
    ("POST", "/organise/missions/{slug}/sessions/{session_id}/attendees/{registration_id}/cancel"): None,
    ("POST", "/organise/missions/{slug}/sessions/{session_id}/attendees/{registration_id}/move"): lambda _w, p: {
        "session_id": str(p["to_session_id"]),
    },
    ("POST", "/organise/missions/{slug}/check-in"): lambda _w, p: {"session_id": str(p["at"]), "code": p["code"]},
    ("POST", "/organise/missions/{slug}/messages/preview"): lambda _w, _: {"subject": "Note", "body": "Bring your badge."},
    ("POST", "/organise/missions/{slug}/messages"): lambda w, p: {
        "subject": f"Note {w.unique()}", "body": "Bring your badge.", "recipients_seen": str(p["recipients"]),
        "draft_key": f"draft-{w.unique()}",
    },
    ("POST", "/organise/missions/{slug}/outbox/{message_id}/retry"): None,
    ("POST", "/organise/missions/new"): mission_form,
    ("POST", "/organise/missions/{slug}/edit"): lambda _w, _: {"title": "Bishkek, renamed"},
    ("POST", "/organise/missions/{slug}/publish"): None,
    ("POST", "/organise/missions/{slug}/publish-drafts"): lambda w, _: {"session_ids": str(w.ids["s1"])},
    ("POST", "/organise/missions/{slug}/clone"): lambda w, _: {"slug": f"copy-{w.unique()}", "starts_on": "2027-12-06"},
    ("POST", "/organise/missions/{slug}/venues"): lambda w, _: {"name": f"Hall {w.unique()}"},
    ("POST", "/organise/missions/{slug}/venues/{record_id}"): lambda w, _: {"name": f"Hall {w.unique()}"},
    ("POST", "/organise/missions/{slug}/venues/{record_id}/delete"): None,
    ("POST", "/organise/missions/{slug}/people"): lambda w, _: {"name": f"Speaker {w.unique()}"},
    ("POST", "/organise/missions/{slug}/people/{record_id}"): lambda w, _: {"affiliation": f"Firm {w.unique()}"},
    ("POST", "/organise/missions/{slug}/people/{record_id}/delete"): None,
    ("POST", "/organise/missions/{slug}/travel-times"): None,
    ("POST", "/organise/missions/{slug}/sessions/new"): session_form,
    ("POST", "/organise/missions/{slug}/sessions/bulk"): lambda w, _: {
        "action": "publish", "session_ids": str(w.ids["s1"]), "intent": "apply",
    },
    ("POST", "/organise/missions/{slug}/sessions/{session_id}"): lambda w, _: {"title": f"Renamed {w.unique()}"},
    ("POST", "/organise/missions/{slug}/sessions/{session_id}/inline"): lambda w, _: {"title": f"Inline {w.unique()}"},
    ("POST", "/organise/missions/{slug}/sessions/{session_id}/cancel"): lambda _w, _: {"reason": "Moved online."},
    ("POST", "/organise/missions/{slug}/sessions/{session_id}/delete"): None,
    ("POST", "/organise/missions/{slug}/timetable/move"): lambda _w, p: {"session_id": str(p["session_id"])},
    ("POST", "/organise/missions/{slug}/import"): programme_sheet,
}
WRITE_METHODS = {"POST", "PUT", "PATCH"}


@dataclass(frozen=True)
class Upload:
    """A multipart body with one file, as the import form sends it."""

    content: bytes


@dataclass(frozen=True)
class Rule:
    expect: dict[str, int]
    target: Target = the_mission
    # Cells beyond the callers, made without a bearer token: (name, path values that
    # replace the target's, status). Wrong tokens in the path, another attendee's objects.
    wrong: tuple[tuple[str, Callable[[World], Params], int], ...] = ()


def token_in_path(success: int, *, param: str = "token") -> Rule:
    """Pages and feeds opened by a token in the path: whoever calls, the right token opens
    them and a wrong one is 404 (the bearer header plays no part)."""
    return Rule(everyone(success), wrong=(("a random token", lambda _w: {param: random_token()}, 404),))


RANDOM_TOKEN = (("a random token", lambda _w: {"token": random_token()}, 404),)


def random_token() -> str:
    return f"ehm_{secrets.token_urlsafe(32)}"


async def fresh_answer(world: World) -> Params:
    return {"cookie": await answer_cookie(world)}


PUBLIC = Rule(everyone(200))
ORGANISER_READ = Rule(organisers_only(200))

SIGNED_OUT, VIEWER, EDITOR = "signed out", "viewer", "editor"
OTHERS_OWNER, OWNER, ALL_ACCOUNT = "owner of another mission", "owner", "account for all missions"
ACCOUNT_IDENTITIES = [SIGNED_OUT, VIEWER, EDITOR, OTHERS_OWNER, OWNER, ALL_ACCOUNT]
ORGANISE_CALLS = [route for route in CALLS if route[1].startswith("/organise")]


def signed_in_all(success: int, *, signed_out: int) -> dict[str, int]:
    return {**dict.fromkeys(ACCOUNT_IDENTITIES, success), SIGNED_OUT: signed_out}


def office_read() -> dict[str, int]:
    """A page of the mission: every member reads it; a stranger to it is 403, the signed-out
    are sent to sign in."""
    return {**signed_in_all(200, signed_out=303), OTHERS_OWNER: 403}


def owners_write(success: int) -> dict[str, int]:
    return {**dict.fromkeys(ACCOUNT_IDENTITIES, 403), OWNER: success, ALL_ACCOUNT: success}


def editors_write(success: int) -> dict[str, int]:
    return {**owners_write(success), EDITOR: success}


def creators_only(success: int, *, signed_out: int) -> dict[str, int]:
    """Creating a mission: an organiser of all missions only."""
    return {**dict.fromkeys(ACCOUNT_IDENTITIES, 403), ALL_ACCOUNT: success, SIGNED_OUT: signed_out}


# The programme's pages (web/organise/programme_area.py): the target, and each account's answer.
PROGRAMME_OFFICE: dict[tuple[str, str], tuple[Target, dict[str, int]]] = {
    ("GET", "/organise/missions/new"): (the_mission, creators_only(200, signed_out=303)),
    ("POST", "/organise/missions/new"): (the_mission, creators_only(303, signed_out=403)),
    ("GET", "/organise/missions/{slug}"): (the_mission, office_read()),
    ("GET", "/organise/missions/{slug}/preview"): (the_mission, office_read()),
    ("GET", "/organise/missions/{slug}/edit"): (the_mission, office_read()),
    ("POST", "/organise/missions/{slug}/edit"): (the_mission, editors_write(303)),
    ("POST", "/organise/missions/{slug}/publish"): (the_mission, editors_write(303)),
    ("POST", "/organise/missions/{slug}/publish-drafts"): (the_mission, editors_write(303)),
    ("GET", "/organise/missions/{slug}/clone"): (the_mission, creators_only(200, signed_out=303)),
    ("POST", "/organise/missions/{slug}/clone"): (the_mission, creators_only(303, signed_out=403)),
    ("GET", "/organise/missions/{slug}/venues"): (the_mission, office_read()),
    ("POST", "/organise/missions/{slug}/venues"): (the_mission, editors_write(303)),
    ("POST", "/organise/missions/{slug}/venues/{record_id}"): (a_venue, editors_write(303)),
    ("POST", "/organise/missions/{slug}/venues/{record_id}/delete"): (unused_venue_record, editors_write(303)),
    ("GET", "/organise/missions/{slug}/people"): (the_mission, office_read()),
    ("POST", "/organise/missions/{slug}/people"): (the_mission, editors_write(303)),
    ("POST", "/organise/missions/{slug}/people/{record_id}"): (a_person, editors_write(303)),
    ("POST", "/organise/missions/{slug}/people/{record_id}/delete"): (unused_person_record, editors_write(303)),
    ("GET", "/organise/missions/{slug}/travel-times"): (the_mission, office_read()),
    ("POST", "/organise/missions/{slug}/travel-times"): (the_mission, editors_write(303)),
    ("GET", "/organise/missions/{slug}/sessions"): (the_mission, office_read()),
    ("POST", "/organise/missions/{slug}/sessions/bulk"): (the_mission, editors_write(303)),
    ("GET", "/organise/missions/{slug}/sessions/new"): (the_mission, office_read()),
    ("POST", "/organise/missions/{slug}/sessions/new"): (the_mission, editors_write(303)),
    ("GET", "/organise/missions/{slug}/sessions/{session_id}"): (the_mission, office_read()),
    ("POST", "/organise/missions/{slug}/sessions/{session_id}"): (new_session, editors_write(303)),
    ("POST", "/organise/missions/{slug}/sessions/{session_id}/inline"): (new_session, editors_write(303)),
    ("POST", "/organise/missions/{slug}/sessions/{session_id}/cancel"): (new_session, editors_write(303)),
    ("POST", "/organise/missions/{slug}/sessions/{session_id}/delete"): (new_session, editors_write(303)),
    ("GET", "/organise/missions/{slug}/timetable"): (the_mission, office_read()),
    ("POST", "/organise/missions/{slug}/timetable/move"): (new_session, editors_write(303)),
    ("GET", "/organise/missions/{slug}/import"): (the_mission, office_read()),
    ("POST", "/organise/missions/{slug}/import"): (the_mission, editors_write(303)),
}

RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/health"): PUBLIC,
    # missions
    ("GET", "/api/missions"): PUBLIC,
    ("POST", "/api/missions"): Rule({**organisers_only(201), ORGANISER: 403}),  # needs a token for all missions
    ("GET", "/api/missions/{slug}"): PUBLIC,
    ("PATCH", "/api/missions/{slug}"): Rule(organisers_only(200)),
    ("DELETE", "/api/missions/{slug}"): Rule(organisers_only(204), empty_mission),
    ("GET", "/api/missions/{slug}/outbox"): ORGANISER_READ,
    # venues and people
    ("GET", "/api/missions/{slug}/venues"): PUBLIC,
    ("POST", "/api/missions/{slug}/venues"): Rule(organisers_only(201)),
    ("PATCH", "/api/missions/{slug}/venues/{venue_id}"): Rule(organisers_only(200)),
    ("DELETE", "/api/missions/{slug}/venues/{venue_id}"): Rule(organisers_only(204), unused_venue),
    ("GET", "/api/missions/{slug}/people"): PUBLIC,
    ("POST", "/api/missions/{slug}/people"): Rule(organisers_only(201)),
    ("PATCH", "/api/missions/{slug}/people/{person_id}"): Rule(organisers_only(200)),
    ("DELETE", "/api/missions/{slug}/people/{person_id}"): Rule(organisers_only(204), unused_person),
    # sessions, travel, conflicts
    ("GET", "/api/missions/{slug}/sessions"): PUBLIC,
    ("POST", "/api/missions/{slug}/sessions"): Rule(organisers_only(201)),
    ("GET", "/api/missions/{slug}/sessions/{session_id}"): PUBLIC,
    ("PATCH", "/api/missions/{slug}/sessions/{session_id}"): Rule(organisers_only(200)),
    ("POST", "/api/missions/{slug}/sessions/{session_id}/cancel"): Rule(organisers_only(200), new_session),
    ("DELETE", "/api/missions/{slug}/sessions/{session_id}"): Rule(organisers_only(204), new_session),
    ("POST", "/api/missions/{slug}/sessions/bulk"): Rule(organisers_only(200)),
    ("POST", "/api/missions/{slug}/clone"): Rule({**organisers_only(201), ORGANISER: 403}),  # creates a mission
    ("POST", "/api/missions/{slug}/import"): Rule(organisers_only(200)),
    ("GET", "/api/missions/{slug}/travel-times"): PUBLIC,
    ("PUT", "/api/missions/{slug}/travel-times"): Rule(organisers_only(200)),
    ("GET", "/api/missions/{slug}/conflicts"): ORGANISER_READ,
    # registrations: anyone signs up; a manage token as bearer adds to that attendee,
    # any other token finds no attendee
    ("POST", "/api/missions/{slug}/registrations"): Rule(
        {**everyone(404), ANONYMOUS: 201, ATTENDEE: 200, OTHER_ATTENDEE: 200}
    ),
    ("POST", "/api/missions/{slug}/group-registrations"): Rule(
        {**everyone(404), ANONYMOUS: 201, ATTENDEE: 200, OTHER_ATTENDEE: 200}
    ),
    ("GET", "/api/missions/{slug}/registrations"): ORGANISER_READ,
    ("GET", "/api/missions/{slug}/registrations.csv"): ORGANISER_READ,
    ("GET", "/api/missions/{slug}/registrations.xlsx"): ORGANISER_READ,
    ("POST", "/api/missions/{slug}/registrations/{registration_id}/promote"): Rule(
        organisers_only(200), waitlisted_registration
    ),
    ("POST", "/api/missions/{slug}/registrations/{registration_id}/move"): Rule(
        organisers_only(200), registration_to_move
    ),
    ("POST", "/api/missions/{slug}/sessions/{session_id}/registrations"): Rule(organisers_only(201)),
    ("GET", "/api/missions/{slug}/sessions/{session_id}/attendees"): ORGANISER_READ,
    ("POST", "/api/missions/{slug}/check-ins"): Rule(organisers_only(201), code_at_the_door),
    ("POST", "/api/missions/{slug}/messages"): Rule(organisers_only(202)),
    ("GET", "/api/missions/{slug}/messages"): ORGANISER_READ,
    ("POST", "/api/missions/{slug}/outbox/{message_id}/retry"): Rule(organisers_only(204), mail_in_the_outbox),
    ("DELETE", "/api/missions/{slug}/registrations/{registration_id}"): Rule(
        organisers_only(204), someones_registration
    ),
    # the attendee's own calls
    ("GET", "/api/me"): Rule(attendee_only(200, other_attendee=200)),
    ("DELETE", "/api/me/registrations/{session_id}"): Rule(
        attendee_only(200, other_attendee=404), my_new_registration  # another attendee's registration: 404
    ),
    ("POST", "/api/me/feed-token"): Rule(attendee_only(200, other_attendee=200)),
    ("PATCH", "/api/me"): Rule(attendee_only(200, other_attendee=200)),
    ("POST", "/api/me/manage-token"): Rule(attendee_only(200, other_attendee=200)),
    # bilateral meetings: participants with a profile (their manage token) and organisers
    ("GET", "/api/me/meeting-profile"): Rule(attendee_only(200, other_attendee=200), with_meeting_profiles),
    ("PUT", "/api/me/meeting-profile"): Rule(attendee_only(200, other_attendee=200)),
    ("DELETE", "/api/me/meeting-profile"): Rule(attendee_only(204, other_attendee=204), with_meeting_profiles),
    ("GET", "/api/me/meeting-profiles"): Rule(attendee_only(200, other_attendee=200), with_meeting_profiles),
    ("GET", "/api/me/meeting-requests"): Rule(attendee_only(200, other_attendee=200), with_meeting_profiles),
    ("POST", "/api/me/meeting-requests"): Rule(attendee_only(201, other_attendee=201), someone_to_ask),
    ("POST", "/api/me/meeting-requests/{request_id}/accept"): Rule(
        attendee_only(200, other_attendee=404), request_to_a  # B is no side of A's request
    ),
    ("POST", "/api/me/meeting-requests/{request_id}/decline"): Rule(attendee_only(200, other_attendee=404), request_to_a),
    ("GET", "/api/me/meetings"): Rule(attendee_only(200, other_attendee=200), with_meeting_profiles),
    ("GET", "/api/missions/{slug}/meeting-profiles"): Rule(
        {**organisers_only(200), ATTENDEE: 200, OTHER_ATTENDEE: 200}, with_meeting_profiles
    ),
    ("GET", "/api/missions/{slug}/meeting-plan"): ORGANISER_READ,
    ("PUT", "/api/missions/{slug}/meeting-plan"): Rule(organisers_only(200)),
    ("POST", "/api/missions/{slug}/meeting-plan/schedule"): Rule(organisers_only(200), meeting_plan),
    ("POST", "/api/missions/{slug}/meeting-plan/publish"): Rule(organisers_only(200), meeting_plan),
    ("POST", "/api/missions/{slug}/meeting-plan/meetings/{request_id}/lock"): Rule(organisers_only(200), placed_meeting),
    ("POST", "/api/missions/{slug}/meeting-plan/meetings/{request_id}/unlock"): Rule(organisers_only(200), placed_meeting),
    ("POST", "/api/missions/{slug}/meeting-plan/meetings/{request_id}/unplace"): Rule(
        organisers_only(200), placed_meeting
    ),
    ("POST", "/api/missions/{slug}/meeting-plan/meetings/{request_id}/move"): Rule(
        organisers_only(200), accepted_request
    ),
    # feeds
    ("GET", "/missions/{slug}/calendar.ics"): PUBLIC,
    ("HEAD", "/missions/{slug}/calendar.ics"): PUBLIC,
    ("GET", "/missions/{slug}/sessions/{session_id}/calendar.ics"): PUBLIC,
    ("HEAD", "/missions/{slug}/sessions/{session_id}/calendar.ics"): PUBLIC,
    ("GET", "/missions/{slug}/schedule.xml"): PUBLIC,
    ("GET", "/missions/{slug}/schedule.json"): PUBLIC,
    ("GET", "/feeds/{feed_token}/calendar.ics"): token_in_path(200, param="feed_token"),
    ("HEAD", "/feeds/{feed_token}/calendar.ics"): token_in_path(200, param="feed_token"),
    # pages
    ("GET", "/"): PUBLIC,
    ("GET", "/missions/{slug}"): PUBLIC,
    ("GET", "/missions/{slug}/sessions/{session_id}"): PUBLIC,
    ("POST", "/missions/{slug}/sessions/{session_id}"): Rule(everyone(303)),
    ("GET", "/missions/{slug}/programme"): PUBLIC,
    ("POST", "/missions/{slug}/programme"): Rule(everyone(303)),
    ("GET", "/missions/{slug}/registered-before"): PUBLIC,
    ("GET", "/missions/{slug}/delegation"): PUBLIC,
    ("POST", "/missions/{slug}/delegation"): Rule(everyone(303)),
    ("GET", "/missions/{slug}/resend-link"): PUBLIC,
    ("POST", "/missions/{slug}/resend-link"): Rule(everyone(303)),  # the same answer for any address
    ("POST", "/language"): Rule(everyone(303)),  # the language switcher: only the reader's own cookie
    # opened by the cookie that the registration form's answer sets
    ("GET", ANSWER_PATH): Rule(everyone(200), fresh_answer, wrong=(("without the cookie", lambda _w: {"cookie": None}, 404),)),
    ("GET", "/manage/{token}"): token_in_path(200),
    ("POST", "/manage/{token}/feed-token"): token_in_path(303),
    ("POST", "/manage/{token}/language"): token_in_path(303),  # the attendee's mail and feed language
    ("POST", "/manage/{token}/reminder"): token_in_path(303),  # the personal feed's alarms
    ("POST", "/manage/{token}/sessions/{session_id}/register"): Rule(
        everyone(303), another_session, wrong=(("a random token", lambda _w: {"token": random_token()}, 404),)
    ),
    ("POST", "/manage/{token}/sessions"): Rule(
        everyone(303), another_session, wrong=(("a random token", lambda _w: {"token": random_token()}, 404),)
    ),
    ("POST", "/manage/{token}/delegation"): token_in_path(303),  # a member for the head's own sessions
    ("POST", "/manage/{token}/delegation/{member_id}/remove"): Rule(
        everyone(303), a_member,
        wrong=(
            ("a random token", lambda _w: {"token": random_token()}, 404),
            ("another attendee's token", lambda w: {"token": w.ids["other_manage"]}, 404),
        ),
    ),
    ("POST", "/manage/{token}/delegation/{member_id}/swap"): Rule(
        everyone(303), a_member,
        wrong=(
            ("a random token", lambda _w: {"token": random_token()}, 404),
            ("another attendee's token", lambda w: {"token": w.ids["other_manage"]}, 404),
        ),
    ),
    ("POST", "/manage/{token}/registrations/{session_id}/cancel"): Rule(
        everyone(303), new_attendee,
        wrong=(
            ("a random token", lambda _w: {"token": random_token()}, 404),
            ("another attendee's registration", lambda w: {"token": w.ids["other_manage"], "session_id": w.ids["s1"]}, 404),
        ),
    ),
    # the back office: a bearer token signs nobody in; pages send them to sign in, writes are 403
    ("GET", "/organise/sign-in"): PUBLIC,
    ("POST", "/organise/sign-in"): Rule(everyone(401)),  # a wrong password, the same for all
    ("POST", "/organise/sign-out"): Rule(everyone(303)),  # ends the caller's own session, if any
    ("POST", "/organise/sign-out-everywhere"): Rule(everyone(403)),
    ("GET", "/organise"): Rule(everyone(303)),
    ("GET", "/organise/forgot-password"): PUBLIC,
    ("POST", "/organise/forgot-password"): Rule(everyone(303)),  # the same answer for any address
    ("GET", "/organise/reset-password/{token}"): Rule(everyone(200), reset_link, wrong=(WRONG_LINK,)),
    ("POST", "/organise/reset-password/{token}"): Rule(everyone(303), reset_link, wrong=(WRONG_LINK,)),
    ("GET", "/organise/invitations/{token}"): Rule(everyone(200), invitation_link, wrong=(WRONG_LINK,)),
    ("POST", "/organise/invitations/{token}"): Rule(everyone(303), invitation_link, wrong=(WRONG_LINK,)),
    ("GET", "/organise/missions/{slug}/history"): Rule(everyone(303)),
    ("GET", "/organise/missions/{slug}/team"): Rule(everyone(303)),
    ("POST", "/organise/missions/{slug}/team/invitations"): Rule(everyone(403)),
    ("POST", "/organise/missions/{slug}/team/{account_id}/role"): Rule(everyone(403), team_member),
    ("POST", "/organise/missions/{slug}/team/{account_id}/remove"): Rule(everyone(403), team_member),
    ("GET", "/organise/missions/{slug}/tokens"): Rule(everyone(303)),
    ("POST", "/organise/missions/{slug}/tokens"): Rule(everyone(403)),
    ("POST", "/organise/missions/{slug}/tokens/{token_id}/revoke"): Rule(everyone(403), mission_token),
    ("GET", "/api/missions/{slug}/history"): ORGANISER_READ,
    ("GET", "/organise/missions/{slug}/registrations"): Rule(everyone(303)),
    ("GET", "/organise/missions/{slug}/registrations.csv"): Rule(everyone(303)),
    ("GET", "/organise/missions/{slug}/registrations.xlsx"): Rule(everyone(303)),
    ("GET", "/organise/missions/{slug}/sessions/{session_id}/attendees"): Rule(everyone(303)),
    ("POST", "/organise/missions/{slug}/sessions/{session_id}/attendees"): Rule(everyone(403)),
    ("POST", "/organise/missions/{slug}/sessions/{session_id}/attendees/{registration_id}/promote"): Rule(
        everyone(403), waitlisted_at_its_session),
    ("POST", "/organise/missions/{slug}/sessions/{session_id}/attendees/{registration_id}/cancel"): Rule(
        everyone(403), registration_at_its_session),
    ("POST", "/organise/missions/{slug}/sessions/{session_id}/attendees/{registration_id}/move"): Rule(
        everyone(403), registration_at_its_session),
    ("GET", "/organise/missions/{slug}/check-in"): Rule(everyone(303)),
    ("POST", "/organise/missions/{slug}/check-in"): Rule(everyone(403), code_at_the_door),
    ("GET", "/organise/missions/{slug}/messages"): Rule(everyone(303)),
    ("POST", "/organise/missions/{slug}/messages/preview"): Rule(everyone(403)),
    ("POST", "/organise/missions/{slug}/messages"): Rule(everyone(403), previewed_audience),
    ("GET", "/organise/missions/{slug}/outbox"): Rule(everyone(303)),
    ("POST", "/organise/missions/{slug}/outbox/{message_id}/retry"): Rule(everyone(403), mail_in_the_outbox),
    **{(method, path): Rule(everyone(303 if method == "GET" else 403), target)
       for (method, path), (target, _signed_in) in PROGRAMME_OFFICE.items()},
    # the attendee's meetings page, opened by the manage token in its path
    ("GET", "/manage/{token}/meetings"): Rule(everyone(200), a_with_profile, wrong=RANDOM_TOKEN),
    ("POST", "/manage/{token}/meetings/profile"): token_in_path(303),
    ("POST", "/manage/{token}/meetings/withdraw"): Rule(everyone(303), a_with_profile, wrong=RANDOM_TOKEN),
    ("POST", "/manage/{token}/meetings/requests"): Rule(everyone(303), someone_for_a_to_ask, wrong=RANDOM_TOKEN),
    ("POST", "/manage/{token}/meetings/requests/{request_id}/accept"): Rule(
        everyone(303), request_to_a_on_the_page,
        wrong=(*RANDOM_TOKEN, ("another attendee", lambda w: {"token": w.ids["other_manage"]}, 404)),
    ),
    ("POST", "/manage/{token}/meetings/requests/{request_id}/decline"): Rule(
        everyone(303), request_to_a_on_the_page,
        wrong=(*RANDOM_TOKEN, ("another attendee", lambda w: {"token": w.ids["other_manage"]}, 404)),
    ),
    # the back office's meetings page: bearer tokens sign nobody in (a GET goes to sign in, a POST is refused)
    ("GET", "/organise/missions/{slug}/meetings"): Rule(everyone(303)),
    ("POST", "/organise/missions/{slug}/meetings/plan"): Rule(everyone(403)),
    ("POST", "/organise/missions/{slug}/meetings/schedule"): Rule(everyone(403), meeting_plan),
    ("POST", "/organise/missions/{slug}/meetings/publish"): Rule(everyone(403), meeting_plan),
    ("POST", "/organise/missions/{slug}/meetings/{request_id}/lock"): Rule(everyone(403), placed_meeting),
    ("POST", "/organise/missions/{slug}/meetings/{request_id}/unlock"): Rule(everyone(403), placed_meeting),
    ("POST", "/organise/missions/{slug}/meetings/{request_id}/unplace"): Rule(everyone(403), placed_meeting),
    ("POST", "/organise/missions/{slug}/meetings/{request_id}/move"): Rule(everyone(403), accepted_request),
}


# --- the walk -------------------------------------------------------------------------------------


CLOCK = FrozenClock(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))


@pytest.fixture
def clock() -> FrozenClock:
    return CLOCK  # the app below is shared by the module's tests; so is its clock


@pytest.fixture
def settings(database_url: str) -> Settings:
    return matrix_settings(database_url)  # the services that build each world: as the app's


@pytest.fixture(scope="module")
async def matrix_client(database_url: str) -> AsyncIterator[AsyncTestClient]:
    """One app per database for the whole walk (each test still starts from a wiped
    database); https, as in production, so that the pages' Secure cookies come back."""
    app = create_app(matrix_settings(database_url), clock=CLOCK)
    async with AsyncTestClient(app=app, base_url="https://testserver.local") as client:
        yield client


@pytest.fixture
async def world(services: Services, database: Database, matrix_client: AsyncTestClient) -> World:
    return await build_world(services, matrix_client)


def route_id(route: tuple[str, str]) -> str:
    return f"{route[0]} {route[1]}"


@pytest.mark.parametrize("route", CALLS, ids=route_id)
async def test_every_caller_gets_the_answer_spec_gives(world: World, route: tuple[str, str]) -> None:
    method, path = route
    rule = RULES.get(route)
    assert rule is not None, f"{method} {path} is a new route: say in RULES who may call it"
    failures = []
    for identity in IDENTITIES:
        params = await rule.target(world)
        status = await call(world, method, path, params, identity)
        if status != rule.expect[identity]:
            failures.append(f"{identity}: {status}, expected {rule.expect[identity]}")
    for name, replaced, expected in rule.wrong:
        params = {**await rule.target(world), **replaced(world)}
        status = await call(world, method, path, params, ANONYMOUS)
        if status != expected:
            failures.append(f"{name}: {status}, expected {expected}")
    assert not failures, f"{method} {path}:\n  " + "\n  ".join(failures)


@pytest.mark.parametrize("path", PATHS)
async def test_options_is_answered_for_anyone_with_every_method_of_the_path(
    matrix_client: AsyncTestClient, path: str
) -> None:
    methods = {m for m, p in ALL_ROUTES if p == path}
    url = path.format(slug=SLUG, venue_id=1, person_id=1, session_id=1, registration_id=1, message_id=1, member_id=1,
                      feed_token=random_token(), token=random_token(), account_id=1, token_id=1, record_id=1, request_id=1)
    for headers in ({}, {"Authorization": f"Bearer {random_token()}"}):
        response = await matrix_client.options(url, headers=headers)
        assert response.status_code == 204, response.text
        assert set(response.headers["allow"].split(", ")) == methods, response.headers["allow"]


async def bearer(world: World, identity: str, params: Params) -> dict[str, str]:
    # This mission's organiser holds a token for the mission in the path (the walked one
    # where the path names none).
    token = await world.token_for(params.get("slug", SLUG)) if identity == ORGANISER else world.tokens[identity]
    return {"Authorization": f"Bearer {token}"} if token else {}


def is_page(path: str) -> bool:
    return not path.startswith(("/api/", "/feeds/", "/health")) and not path.endswith((".ics", ".xml", ".json"))


async def call(world: World, method: str, path: str, params: Params, identity: str) -> int:
    """One cell: the status `identity` gets for `method path` with `params` in the path."""
    client = world.client
    client.cookies.clear()  # cookies only where a cell sends them
    headers = {"Accept": "text/html"} if is_page(path) else {}
    headers.update(await bearer(world, identity, params))
    if params.get("cookie"):
        headers["Cookie"] = params["cookie"]
    url = path.format(**params)
    body_for = BODIES.get((method, path))
    body = body_for(world, params) if body_for else None
    if isinstance(body, Upload):
        response = await client.post(url, files={"file": ("programme.csv", body.content, "text/csv")}, headers=headers)
    elif is_page(path) and method == "POST":  # a form, with the CSRF token a page would carry
        headers.update(await csrf_headers(world))
        response = await client.post(url, data=body, headers=headers, follow_redirects=False)
    else:
        response = await client.request(method, url, json=body, headers=headers, follow_redirects=False)
    return response.status_code


async def csrf_headers(world: World) -> dict[str, str]:
    """The CSRF cookie a page sets, sent back as cookie and header, as a form page would."""
    page = await world.client.get("/", headers={"Accept": "text/html"})
    token = page.cookies.get(CSRF_COOKIE) or world.client.cookies.get(CSRF_COOKIE)
    assert token, "pages set a CSRF cookie"
    world.client.cookies.clear()
    return {"Cookie": f"{CSRF_COOKIE}={token}", "X-CSRFToken": token}


async def answer_cookie(world: World) -> str:
    """Register through the form; the answer page is opened by the cookie it sets."""
    form_path = f"/missions/{SLUG}/sessions/{world.ids['s2']}"
    headers = {"Accept": "text/html", **await csrf_headers(world)}
    response = await world.client.post(form_path, data=signup_form(world, {}), headers=headers, follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    cookies = [value.split(";", 1)[0] for key, value in response.headers.multi_items() if key == "set-cookie"]
    world.client.cookies.clear()
    return "; ".join(cookies)


# --- the walk covers everything -----------------------------------------------------------------


def test_only_documentation_and_static_files_are_left_out() -> None:
    assert {path for _method, path in ALL_ROUTES if path in EXCLUDED} == EXCLUDED  # none stale
    assert all(path == "/schema" or path.startswith(("/schema/", "/static/")) for path in EXCLUDED)


def test_every_walked_route_has_a_rule() -> None:
    walked = {route for route in WALKED if route[0] != "OPTIONS"}
    assert walked <= set(RULES), f"routes without a rule: {sorted(walked - set(RULES))}"
    assert set(RULES) <= walked, f"rules for routes that no longer exist: {sorted(set(RULES) - walked)}"


def test_every_write_route_has_a_valid_body() -> None:
    writes = {route for route in WALKED if route[0] in WRITE_METHODS}
    assert writes == set(BODIES), f"missing: {sorted(writes - set(BODIES))}, stale: {sorted(set(BODIES) - writes)}"


# --- a viewer's token on the attendee routes ---------------------------------------------------
# SPEC: a viewer reads and exports, and never changes anything about attendees nor writes to
# them. (The back office's pages and forms are walked for a viewer's account below.)


def test_the_attendee_routes_include_every_change_by_hand() -> None:
    assert {
        ("POST", "/api/missions/{slug}/registrations/{registration_id}/promote"),
        ("POST", "/api/missions/{slug}/registrations/{registration_id}/move"),
        ("POST", "/api/missions/{slug}/sessions/{session_id}/registrations"),
        ("DELETE", "/api/missions/{slug}/registrations/{registration_id}"),
        ("POST", "/api/missions/{slug}/check-ins"),
        ("POST", "/api/missions/{slug}/messages"),
        ("POST", "/api/missions/{slug}/outbox/{message_id}/retry"),
    } <= set(ATTENDEE_API_CALLS)


@pytest.mark.parametrize("route", ATTENDEE_API_CALLS, ids=route_id)
async def test_a_viewers_token_reads_and_exports_attendees_and_every_change_is_403(
    world: World, route: tuple[str, str]
) -> None:
    method, path = route
    params = await RULES[route].target(world)
    expected = 200 if method == "GET" else 403
    assert await call(world, method, path, params, VIEWER_TOKEN) == expected
    if method != "GET":  # and the same call is the organiser's to make: the 403 is the role's
        assert await call(world, method, path, params, ORGANISER) == RULES[route].expect[ORGANISER]


# --- the back office, signed in ---------------------------------------------------------------
# Every /organise route again, with browser sessions: signed out, a viewer, an editor and an
# owner of this mission, an owner of another mission, and an organiser of all missions.

ACCOUNT_RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/organise/sign-in"): Rule(signed_in_all(303, signed_out=200)),  # signed in: on to the office
    ("POST", "/organise/sign-in"): Rule(dict.fromkeys(ACCOUNT_IDENTITIES, 401)),  # a wrong password
    ("POST", "/organise/sign-out"): Rule(dict.fromkeys(ACCOUNT_IDENTITIES, 303)),
    ("POST", "/organise/sign-out-everywhere"): Rule(signed_in_all(303, signed_out=403)),
    ("GET", "/organise"): Rule(signed_in_all(200, signed_out=303)),
    ("GET", "/organise/forgot-password"): Rule(dict.fromkeys(ACCOUNT_IDENTITIES, 200)),
    ("POST", "/organise/forgot-password"): Rule(dict.fromkeys(ACCOUNT_IDENTITIES, 303)),
    ("GET", "/organise/reset-password/{token}"): Rule(dict.fromkeys(ACCOUNT_IDENTITIES, 200), reset_link),
    ("POST", "/organise/reset-password/{token}"): Rule(dict.fromkeys(ACCOUNT_IDENTITIES, 303), reset_link),
    ("GET", "/organise/invitations/{token}"): Rule(dict.fromkeys(ACCOUNT_IDENTITIES, 200), invitation_link),
    ("POST", "/organise/invitations/{token}"): Rule(dict.fromkeys(ACCOUNT_IDENTITIES, 303), invitation_link),
    ("GET", "/organise/missions/{slug}/history"): Rule(office_read()),
    ("GET", "/organise/missions/{slug}/team"): Rule(office_read()),
    ("POST", "/organise/missions/{slug}/team/invitations"): Rule(owners_write(303)),
    ("POST", "/organise/missions/{slug}/team/{account_id}/role"): Rule(owners_write(303), team_member),
    ("POST", "/organise/missions/{slug}/team/{account_id}/remove"): Rule(owners_write(303), team_member),
    ("GET", "/organise/missions/{slug}/tokens"): Rule(office_read()),
    ("POST", "/organise/missions/{slug}/tokens"): Rule(owners_write(201)),
    ("POST", "/organise/missions/{slug}/tokens/{token_id}/revoke"): Rule(owners_write(303), mission_token),
    # the meeting plan: every member sees it; editors set, schedule, change and publish it
    ("GET", "/organise/missions/{slug}/meetings"): Rule(office_read()),
    ("POST", "/organise/missions/{slug}/meetings/plan"): Rule(editors_write(303)),
    ("POST", "/organise/missions/{slug}/meetings/schedule"): Rule(editors_write(303), meeting_plan),
    ("POST", "/organise/missions/{slug}/meetings/publish"): Rule(editors_write(303), meeting_plan),
    ("POST", "/organise/missions/{slug}/meetings/{request_id}/lock"): Rule(editors_write(303), placed_meeting),
    ("POST", "/organise/missions/{slug}/meetings/{request_id}/unlock"): Rule(editors_write(303), placed_meeting),
    ("POST", "/organise/missions/{slug}/meetings/{request_id}/unplace"): Rule(editors_write(303), placed_meeting),
    ("POST", "/organise/missions/{slug}/meetings/{request_id}/move"): Rule(editors_write(303), accepted_request),
    # attendees, the door, messages: every member sees and exports; editors change and write
    ("GET", "/organise/missions/{slug}/registrations"): Rule(office_read()),
    ("GET", "/organise/missions/{slug}/registrations.csv"): Rule(office_read()),
    ("GET", "/organise/missions/{slug}/registrations.xlsx"): Rule(office_read()),
    ("GET", "/organise/missions/{slug}/sessions/{session_id}/attendees"): Rule(office_read()),
    ("POST", "/organise/missions/{slug}/sessions/{session_id}/attendees"): Rule(editors_write(303)),
    ("POST", "/organise/missions/{slug}/sessions/{session_id}/attendees/{registration_id}/promote"): Rule(
        editors_write(303), waitlisted_at_its_session),
    ("POST", "/organise/missions/{slug}/sessions/{session_id}/attendees/{registration_id}/cancel"): Rule(
        editors_write(303), registration_at_its_session),
    ("POST", "/organise/missions/{slug}/sessions/{session_id}/attendees/{registration_id}/move"): Rule(
        editors_write(303), registration_at_its_session),
    ("GET", "/organise/missions/{slug}/check-in"): Rule(office_read()),
    ("POST", "/organise/missions/{slug}/check-in"): Rule(editors_write(303), code_at_the_door),
    ("GET", "/organise/missions/{slug}/messages"): Rule(office_read()),
    ("POST", "/organise/missions/{slug}/messages/preview"): Rule(editors_write(200)),
    ("POST", "/organise/missions/{slug}/messages"): Rule(editors_write(303), previewed_audience),
    ("GET", "/organise/missions/{slug}/outbox"): Rule(office_read()),
    ("POST", "/organise/missions/{slug}/outbox/{message_id}/retry"): Rule(editors_write(303), mail_in_the_outbox),
    **{route: Rule(expect, target) for route, (target, expect) in PROGRAMME_OFFICE.items()},
}


async def account_sessions(world: World) -> dict[str, str | None]:
    """A browser session (the cookie's value) for each kind of account, made once per world."""
    if "sessions" not in world.ids:
        services, sessions = world.services, {SIGNED_OUT: None}
        for identity, mission, role in ((VIEWER, SLUG, Role.VIEWER), (EDITOR, SLUG, Role.EDITOR),
                                        (OTHERS_OWNER, OTHER_SLUG, Role.OWNER), (OWNER, SLUG, Role.OWNER)):
            account = await services.accounts.create(f"{role}{world.unique()}@example.org", identity, MATRIX_PASSWORD,
                                                     mission_slug=mission, role=role)
            sessions[identity] = (await services.accounts.start_session(account.id)).session_secret
        everywhere = await services.accounts.create(f"all{world.unique()}@example.org", ALL_ACCOUNT, MATRIX_PASSWORD,
                                                    all_missions=True)
        sessions[ALL_ACCOUNT] = (await services.accounts.start_session(everywhere.id)).session_secret
        world.ids["sessions"] = sessions
    return world.ids["sessions"]


async def call_signed_in(world: World, method: str, path: str, params: Params, identity: str) -> int:
    client = world.client
    client.cookies.clear()
    session = (await account_sessions(world))[identity]
    headers = {"Accept": "text/html"}
    cookies = [f"eventhub_session={session}"] if session else []
    body_for = BODIES.get((method, path))
    body = body_for(world, params) if body_for else None
    if method == "POST":
        csrf = await csrf_headers(world)
        cookies.append(csrf.pop("Cookie"))
        headers.update(csrf)
    if cookies:
        headers["Cookie"] = "; ".join(cookies)
    response = await client.request(method, path.format(**params), data=body, headers=headers, follow_redirects=False)
    return response.status_code


@pytest.mark.parametrize("route", ORGANISE_CALLS, ids=route_id)
async def test_every_back_office_route_answers_each_kind_of_account_as_its_role_allows(
    world: World, route: tuple[str, str]
) -> None:
    method, path = route
    rule = ACCOUNT_RULES.get(route)
    assert rule is not None, f"{method} {path} is a new back-office route: say in ACCOUNT_RULES who may call it"
    failures = []
    for identity in ACCOUNT_IDENTITIES:
        params = await rule.target(world)
        status = await call_signed_in(world, method, path, params, identity)
        if status != rule.expect[identity]:
            failures.append(f"{identity}: {status}, expected {rule.expect[identity]}")
    assert not failures, f"{method} {path}:\n  " + "\n  ".join(failures)


def test_every_back_office_route_has_an_account_rule() -> None:
    routes = set(ORGANISE_CALLS)
    assert routes == set(ACCOUNT_RULES), (
        f"without a rule: {sorted(routes - set(ACCOUNT_RULES))}, stale: {sorted(set(ACCOUNT_RULES) - routes)}"
    )

"""The attendee's meetings page, /manage/<token>/meetings: their profile, the directory of
the others with a profile, requests to answer and sent, and their published meetings.
Every change goes through `services.meetings`, as the API's do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from eventhub.db.services.meetings import Inbox, MyMeeting, ProfileEntry, RequestEntry
from eventhub.domain.errors import DomainError
from eventhub.domain.meetings.requests import LIVE_STATUSES, ProfileFields, RequestStatus
from eventhub.domain.time import zone
from eventhub.i18n import _
from eventhub.services import Services
from eventhub.urls import PATHS
from eventhub.web.formatting import clock, short_day
from eventhub.web.forms import FormState, PostedForm
from eventhub.web.language import settle


@dataclass(slots=True)
class ProfileForm:
    organisation: str = ""
    country: str = ""
    sector: str = ""
    offer: str = ""
    seek: str = ""


@dataclass(slots=True)
class RequestForm:
    to_profile_id: int = 0
    message: str = ""


ProfileBody = PostedForm[ProfileForm]
RequestBody = PostedForm[RequestForm]


@dataclass(frozen=True, slots=True)
class Card:
    """A person as the directory, requests and meetings show them."""

    profile_id: int
    name: str
    organisation: str
    country: str
    sector: str
    offer: str
    seek: str


@dataclass(frozen=True, slots=True)
class RequestLine:
    id: int
    other: Card
    message: str
    status: str  # in words
    pending: bool
    expires: str


@dataclass(frozen=True, slots=True)
class MeetingLine:
    other: Card
    when: str
    where: str
    cancelled: bool


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    card: Card
    can_ask: bool  # no pending or accepted request between us


@dataclass(frozen=True, slots=True)
class MeetingsPage:
    manage_path: str
    meetings_path: str
    profile: Card | None
    directory: list[DirectoryEntry]
    incoming: list[RequestLine]
    outgoing: list[RequestLine]
    meetings: list[MeetingLine]
    open_requests: int
    max_open_requests: int


def _card(entry: ProfileEntry) -> Card:
    p = entry.profile
    return Card(p.id, entry.name, p.organisation, p.country, p.sector, p.offer, p.seek)


def status_text(status: RequestStatus) -> str:
    return {
        RequestStatus.PENDING: _("Waiting for an answer"),
        RequestStatus.ACCEPTED: _("Accepted"),
        RequestStatus.DECLINED: _("Declined"),
        RequestStatus.EXPIRED: _("Expired"),
        RequestStatus.CANCELLED: _("Cancelled"),
    }[status]


def _request_line(entry: RequestEntry, mine: bool, zone_name: str) -> RequestLine:
    expires = entry.request.expires_at.astimezone(zone(zone_name))
    return RequestLine(
        entry.request.id, _card(entry.recipient if mine else entry.sender), entry.request.message,
        status_text(entry.status), entry.status == RequestStatus.PENDING, f"{short_day(expires)} {clock(expires)}",
    )


def _meeting_line(mine: MyMeeting) -> MeetingLine:
    m = mine.meeting
    assert m.published_starts_at is not None and m.published_ends_at is not None
    tz = zone(mine.timezone)
    starts, ends = m.published_starts_at.astimezone(tz), m.published_ends_at.astimezone(tz)
    venue = mine.venue.name if mine.venue is not None else ""
    return MeetingLine(
        _card(mine.other), f"{short_day(starts)}, {clock(starts)}–{clock(ends)}",
        f"{m.published_table_name}, {venue}" if venue else m.published_table_name, m.published_cancelled,
    )


def meetings_page(
    token: str, zone_name: str, profile: ProfileEntry | None, directory: list[ProfileEntry], inbox: Inbox | None,
    meetings: list[MyMeeting],
) -> MeetingsPage:
    busy_with: set[int] = set()
    if inbox is not None:
        for entry in (*inbox.incoming, *inbox.outgoing):
            if entry.status in LIVE_STATUSES:
                busy_with.update((entry.request.from_profile_id, entry.request.to_profile_id))
    return MeetingsPage(
        manage_path=PATHS.manage(token),
        meetings_path=f"{PATHS.manage(token)}/meetings",
        profile=_card(profile) if profile is not None and profile.active else None,
        directory=[DirectoryEntry(_card(p), p.profile.id not in busy_with) for p in directory],
        incoming=[_request_line(e, False, zone_name) for e in inbox.incoming] if inbox else [],
        outgoing=[_request_line(e, True, zone_name) for e in inbox.outgoing] if inbox else [],
        meetings=[_meeting_line(m) for m in meetings],
        open_requests=sum(1 for e in inbox.outgoing if e.status == RequestStatus.PENDING) if inbox else 0,
        max_open_requests=inbox.settings.max_open_requests if inbox else 0,
    )


def problem_text(error: DomainError) -> str:
    """What a refused change says on the page, in the reader's language."""
    texts = {
        "open_request_limit": _("You have as many unanswered requests out as the organisers allow (%(limit)s). "
                                "Wait for answers, or for them to expire.", limit=error.extra.get("limit", "")),
        "request_exists": _("You two already have a pending or accepted request."),
        "request_to_self": _("You cannot ask yourself for a meeting."),
        "profile_not_found": _("This person no longer takes part in meetings."),
        "request_expired": _("This request has expired."),
        "request_accepted": _("This request is accepted already."),
        "request_declined": _("This request is declined already."),
        "request_cancelled": _("This request is cancelled."),
        "message_invalid": _("The message is too long or has characters that cannot be sent."),
        "organisation_blank": _("Name your organisation."),
        "country_invalid": _("Enter the country as a two-letter code, such as LV or KG."),
        "profile_invalid": _("This field is too long or has characters that cannot be saved."),
    }
    return texts.get(error.code, _("This change could not be made."))


class MeetingPages(Controller):
    """Under /manage/<token>: the access log redacts the token (eventhub.logs)."""

    path = "/manage/{token:str}/meetings"
    include_in_schema = False

    @get("/", name="my_meetings")
    async def show(
        self, token: FromPath[str], services: NamedDependency[Services], sent: FromQuery[bool] = False,
        saved: FromQuery[bool] = False, answered: FromQuery[str | None] = None,
    ) -> Template:
        notice = None
        if sent:
            notice = _("Your request is sent; they are told by mail.")
        elif saved:
            notice = _("Your meeting profile is saved.")
        elif answered == "accepted":
            notice = _("Accepted. The organisers will place the meeting and write to you both.")
        elif answered == "declined":
            notice = _("Declined. They are told by mail.")
        return await self._page(token, services, notice=notice)

    async def _page(
        self, token: str, services: Services, *, form: FormState | None = None, problem: str | None = None,
        notice: str | None = None, status: int = 200,
    ) -> Template:
        view = await services.registrations.me(token)
        settle(view.mission.default_language)
        profile = await services.meetings.my_profile(token)
        active = profile is not None and profile.active
        directory = await services.meetings.directory(token) if active else []
        inbox = await services.meetings.inbox(token) if active else None
        mine = await services.meetings.my_meetings(token)
        page = meetings_page(token, view.mission.timezone, profile, directory, inbox, mine)
        if form is None:
            values = {}
            if active and profile is not None:
                p = profile.profile
                values = {"organisation": p.organisation, "country": p.country, "sector": p.sector,
                          "offer": p.offer, "seek": p.seek}
            form = FormState(values)
        return Template("meetings.html", status_code=status, context={
            "page": page, "form": form, "problem": problem, "notice": notice, "mission_title": view.mission.title,
            "mission_path": PATHS.mission(view.mission.slug),
        })

    @post("/profile", name="save_meeting_profile")
    async def save_profile(self, token: FromPath[str], data: ProfileBody, services: NamedDependency[Services]) -> Any:
        values = {k: getattr(data, k).strip() for k in ("organisation", "country", "sector", "offer", "seek")}
        values["country"] = values["country"].upper()
        try:
            fields = ProfileFields(**values)
            await services.meetings.save_profile(token, fields)
        except DomainError as error:
            form = FormState(values, {str(error.extra.get("field", "")): problem_text(error)})
            return await self._page(token, services, form=form, status=422)
        return Redirect(f"{PATHS.manage(token)}/meetings?saved=true", status_code=303)

    @post("/withdraw", name="withdraw_meeting_profile")
    async def withdraw(self, token: FromPath[str], services: NamedDependency[Services]) -> Redirect:
        await services.meetings.withdraw_profile(token)
        return Redirect(f"{PATHS.manage(token)}/meetings", status_code=303)

    @post("/requests", name="ask_for_meeting")
    async def ask(self, token: FromPath[str], data: RequestBody, services: NamedDependency[Services]) -> Any:
        try:
            await services.meetings.ask(token, data.to_profile_id, data.message)
        except DomainError as error:
            if error.code in ("meeting_profile_required", "attendee_not_found"):
                raise
            return await self._page(token, services, problem=problem_text(error), status=409)
        return Redirect(f"{PATHS.manage(token)}/meetings?sent=true", status_code=303)

    @post("/requests/{request_id:int}/accept", name="accept_meeting_request")
    async def accept(self, token: FromPath[str], request_id: FromPath[int], services: NamedDependency[Services]) -> Any:
        return await self._answer(token, request_id, services, accept=True)

    @post("/requests/{request_id:int}/decline", name="decline_meeting_request")
    async def decline(self, token: FromPath[str], request_id: FromPath[int], services: NamedDependency[Services]) -> Any:
        return await self._answer(token, request_id, services, accept=False)

    async def _answer(self, token: str, request_id: int, services: Services, *, accept: bool) -> Any:
        try:
            await services.meetings.answer(token, request_id, accept=accept)
        except DomainError as error:
            if error.code in ("meeting_profile_required", "attendee_not_found", "request_not_found"):
                raise
            return await self._page(token, services, problem=problem_text(error), status=409)
        answered = "accepted" if accept else "declined"
        return Redirect(f"{PATHS.manage(token)}/meetings?answered={answered}", status_code=303)

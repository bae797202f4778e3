"""Page handlers: each asks the services once or twice, builds its view, renders a template."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from eventhub.i18n import N_, _
from eventhub.present import Presenter
from eventhub.ratelimit import enforce_registration_rate_limit
from eventhub.db.services.registrations import AllSessionsRefused, Outcome, SignupOutcome, SignupRequest
from eventhub.domain.programme import MissionStatus, RegistrationStatus, SessionKind
from eventhub.domain.errors import InvalidInput
from eventhub.domain.registration import SignupStatus
from eventhub.domain.reminders import Reminder
from eventhub.services import Services
from eventhub.urls import PATHS
from eventhub.web import answer as answers
from eventhub.web import attendee, returning, views
from eventhub.web.errors import ErrorPage, render_error
from eventhub.web.forms import FormState, ProgrammeForm, RegistrationForm, validate, PostedForm
from eventhub.web.language import settle

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
FormBody = PostedForm[RegistrationForm]
SessionsBody = PostedForm[ProgrammeForm]


@dataclass(slots=True)
class LanguageForm:
    language: str = ""


LanguageBody = PostedForm[LanguageForm]


@dataclass
class ReminderForm:
    reminder: str = ""


ReminderBody = PostedForm[ReminderForm]


class ProgrammePages(Controller):
    include_in_schema = False

    @get("/", name="home")
    async def home(self, services: NamedDependency[Services]) -> Template:
        missions = views.mission_list(await services.missions.list(None))
        return Template("home.html", context={"missions": missions})

    @get("/missions/{slug:str}", name="agenda")
    async def agenda(
        self,
        slug: FromPath[str],
        services: NamedDependency[Services],
        present: NamedDependency[Presenter],
        kind: FromQuery[SessionKind | None] = None,
        day: FromQuery[str | None] = None,
    ) -> Template:
        """`day`: a date (that day's sessions) or `all` (the whole programme)."""
        mission, sessions = await services.sessions.list(slug, None)
        settle(mission.default_language)
        page = views.agenda_page(mission, sessions, present, services.clock(), kind, day)
        return Template("agenda.html", context={"page": page})


class SessionPages(Controller):
    path = "/missions/{slug:str}/sessions/{session_id:int}"
    include_in_schema = False

    @get("/", name="session")
    async def show(
        self,
        slug: FromPath[str],
        session_id: FromPath[int],
        services: NamedDependency[Services],
        present: NamedDependency[Presenter],
    ) -> Template:
        return await _session_template(services, present, slug, session_id, FormState())

    @post("/", name="register")
    async def register(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        session_id: FromPath[int],
        data: FormBody,
        services: NamedDependency[Services],
        present: NamedDependency[Presenter],
    ) -> Response[Any]:
        await enforce_registration_rate_limit(request)
        signup, form = validate(data, [session_id])
        if signup is None:
            return await _session_template(services, present, slug, session_id, form, status=422)
        try:
            return await sign_up(request, services, present, slug, signup)
        except AllSessionsRefused:
            closed = FormState(form.values, {"": _("Registration for this session has just closed.")})
            return await _session_template(services, present, slug, session_id, closed, status=409)


async def _session_template(
    services: Services, present: Presenter, slug: str, session_id: int, form: FormState, *, status: int = 200
) -> Template:
    mission = await services.missions.get(slug, None)
    settle(mission.default_language)
    view = await services.sessions.get(slug, session_id, None)
    page = views.session_page(mission, view, present, services.clock())
    return Template("session.html", context={"page": page, "form": form}, status_code=status)


async def sign_up(
    request: Request[Any, Any, Any], services: Services, present: Presenter, slug: str, signup: SignupRequest
) -> Redirect:
    """A registration form's signup, from a session page or the agenda's selection: the
    answer page for a new attendee (or this browser's own, recognised by its cookie);
    for an address registered before, nothing changes here and its owner is mailed the
    manage link, where this browser's picks wait (`returning`). Raises AllSessionsRefused."""
    remembered = returning.remembered(request)
    outcome = await services.registrations.register(slug, signup, None, remembered=remembered)
    if outcome.outcome == Outcome.EXISTING_ADDRESS:
        return registered_before(services, slug, signup.session_ids)
    token = outcome.manage_token or remembered
    assert token is not None
    return to_answer(services, present, outcome, token, slug)


def registered_before(services: Services, slug: str, session_ids: Sequence[int]) -> Redirect:
    """The plain answer for an address registered before; this browser keeps its choice."""
    now = int(services.clock().timestamp())
    keep = returning.keep_picked(slug, list(session_ids), _picked_key(services), now, secure=_secure(services))
    return Redirect(f"{PATHS.mission(slug)}/registered-before", status_code=303, cookies=[keep])


def _secure(services: Services) -> bool:
    return services.settings.public_url.startswith("https://")


def _picked_key(services: Services) -> bytes:
    return answers.signing_key(services.settings.secret_key, "picked-cookie")


def to_answer(
    services: Services,
    present: Presenter,
    outcome: SignupOutcome,
    manage_token: str,
    slug: str,
    *,
    extra: Sequence[Cookie] = (),
    members: Sequence[tuple[str, str]] = (),
) -> Redirect:
    """To the answer page (its data in a sealed cookie); this browser is remembered too."""
    answer = answers.Answer(
        manage_token=manage_token,
        session_ids=[r.session_id for r in outcome.results if r.status != SignupStatus.REFUSED],
        codes={r.session_id: r.code for r in outcome.results if r.code},
        warnings=[views.warning_text(w) for w in outcome.warnings],
        issued_at=int(services.clock().timestamp()),
        refused={r.session_id: r.title for r in outcome.results if r.status == SignupStatus.REFUSED and r.title},
        members=list(members),
    )
    cookie = Cookie(
        key=answers.COOKIE,
        value=answers.seal(answer, answers.signing_key(services.settings.secret_key)),
        path=answers.PATH,
        max_age=answers.MAX_AGE_SECONDS,
        httponly=True,
        secure=_secure(services),
        samesite="lax",
    )
    remember = returning.remember(manage_token, slug, secure=_secure(services))
    return Redirect(answers.PATH, status_code=303, cookies=[cookie, remember, *extra])


class RegistrationPages(Controller):
    path = "/registrations"
    include_in_schema = False

    @get("/answer", name="answer")
    async def answer(
        self,
        request: Request[Any, Any, Any],
        services: NamedDependency[Services],
        present: NamedDependency[Presenter],
    ) -> Template:
        key = answers.signing_key(services.settings.secret_key)
        found = answers.unseal(request.cookies.get(answers.COOKIE), key, services.clock())
        if found is None:
            expired = ErrorPage(
                404,
                N_("Nothing to show here any more"),
                N_(
                    "This page shows a registration only for a few minutes after it is made. Your registration "
                    "is kept: use your manage link to see it."
                ),
            )
            return render_error(request, expired)
        view = await services.registrations.me(found.manage_token)
        settle(view.mission.default_language)
        page = attendee.attendee_page(view, found.manage_token, present)
        just = [
            r for r in page.registrations if r.session_id in found.session_ids and r.status != RegistrationStatus.CANCELLED
        ]
        return Template("answer.html", context={"page": page, "just": just, "answer": found})


async def manage_page(
    request: Request[Any, Any, Any],
    token: str,
    services: Services,
    present: Presenter,
    *,
    cancelled: int | None = None,
    rotated: bool = False,
    language_saved: bool = False,
    reminder_saved: bool = False,
    member_removed: bool = False,
    member_swapped: bool = False,
    member_forms: dict[str, FormState] | None = None,
    status: int = 200,
) -> Template:
    """The manage page; `member_forms`, a delegation form that failed (by its field prefix,
    'add-member' or 'swap-<id>'), shown again with its errors at its fields."""
    view = await services.registrations.me(token)
    settle(view.mission.default_language)
    programme = []
    if view.mission.status == MissionStatus.PUBLISHED:
        _, programme = await services.sessions.list(view.mission.slug, None)
    slug, now = view.mission.slug, services.clock()
    picked = returning.picked(request, _picked_key(services), now, slug)
    page = attendee.attendee_page(view, token, present, programme, now, picked)
    cancelled_title = next((r.title for r in page.registrations if r.session_id == cancelled), None)
    members = attendee.member_rows(await services.delegations.members(token), present)
    return Template(
        "manage.html",
        context={
            "page": page,
            "token": token,
            "cancelled_title": cancelled_title,
            "rotated": rotated,
            "language_saved": language_saved,
            "reminder_saved": reminder_saved,
            "members": members,
            "member_removed": member_removed,
            "member_swapped": member_swapped,
            "member_forms": member_forms or {},
            "blank_form": FormState(),
        },
        status_code=status,
        # From now on this browser's forms for this mission add sessions to this attendee.
        cookies=[returning.remember(token, slug, secure=_secure(services))],
    )


class ManagePages(Controller):
    """Everything under /manage/<token>: the access log redacts the token (eventhub.logs)."""

    path = "/manage/{token:str}"
    include_in_schema = False

    @get("/", name="manage")
    async def show(
        self,
        request: Request[Any, Any, Any],
        token: FromPath[str],
        services: NamedDependency[Services],
        present: NamedDependency[Presenter],
        cancelled: FromQuery[int | None] = None,
        rotated: FromQuery[bool] = False,
        language_saved: FromQuery[bool] = False,
        reminder_saved: FromQuery[bool] = False,
        member_removed: FromQuery[bool] = False,
        member_swapped: FromQuery[bool] = False,
    ) -> Template:
        return await manage_page(
            request, token, services, present, cancelled=cancelled, rotated=rotated, language_saved=language_saved,
            reminder_saved=reminder_saved, member_removed=member_removed, member_swapped=member_swapped,
        )

    @post("/registrations/{session_id:int}/cancel", name="cancel")
    async def cancel(
        self, token: FromPath[str], session_id: FromPath[int], services: NamedDependency[Services]
    ) -> Redirect:
        await services.registrations.cancel_mine(token, session_id)
        return Redirect(f"{PATHS.manage(token)}?cancelled={session_id}", status_code=303)

    @post("/sessions/{session_id:int}/register", name="add_session")
    async def add_session(
        self,
        request: Request[Any, Any, Any],
        token: FromPath[str],
        session_id: FromPath[int],
        services: NamedDependency[Services],
        present: NamedDependency[Presenter],
    ) -> Redirect:
        """Sign up for one more session as the attendee of this manage link."""
        await enforce_registration_rate_limit(request)
        mission = (await services.registrations.me(token)).mission
        outcome = await services.registrations.register(
            mission.slug, SignupRequest(None, None, None, [session_id]), token
        )
        return to_answer(services, present, outcome, token, mission.slug)

    @post("/sessions", name="add_sessions")
    async def add_sessions(
        self,
        request: Request[Any, Any, Any],
        token: FromPath[str],
        data: SessionsBody,
        services: NamedDependency[Services],
        present: NamedDependency[Presenter],
    ) -> Redirect:
        """Sign up for the sessions picked on the agenda before this browser was recognised."""
        await enforce_registration_rate_limit(request)
        mission = (await services.registrations.me(token)).mission
        outcome = await services.registrations.register(mission.slug, SignupRequest(None, None, None, data.chosen), token)
        forget = returning.forget_picked(secure=_secure(services))
        return to_answer(services, present, outcome, token, mission.slug, extra=[forget])

    @post("/language", name="attendee_language")
    async def set_language(
        self, token: FromPath[str], data: LanguageBody, services: NamedDependency[Services]
    ) -> Redirect:
        """The language of this attendee's mail and personal feed (the page's own is the switcher's)."""
        await services.registrations.set_language(token, data.language)
        return Redirect(f"{PATHS.manage(token)}?language_saved=true", status_code=303)

    @post("/reminder", name="attendee_reminder")
    async def set_reminder(
        self, token: FromPath[str], data: ReminderBody, services: NamedDependency[Services]
    ) -> Redirect:
        """How long before each session this attendee's personal feed reminds them."""
        try:
            reminder = Reminder(data.reminder)
        except ValueError:
            raise InvalidInput(_("Choose one of the reminders offered."), code="reminder_not_supported", field="reminder") from None
        await services.registrations.set_reminder(token, reminder)
        return Redirect(f"{PATHS.manage(token)}?reminder_saved=true", status_code=303)

    @post("/feed-token", name="rotate_feed")
    async def rotate_feed(self, token: FromPath[str], services: NamedDependency[Services]) -> Redirect:
        await services.registrations.rotate_feed_token(token)
        return Redirect(f"{PATHS.manage(token)}?rotated=true", status_code=303)

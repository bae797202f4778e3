"""The programme's back office, part two: the session list (filters, inline edits, bulk
actions) and the session form (conflicts shown before saving, "save anyway", shifting
later sessions, cancel with a reason, delete while nobody registered). The same
services as the JSON API, with the signed-in organiser."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from eventhub.db.models import Mission
from eventhub.db.services.access import Organiser
from eventhub.db.services.bulk import BulkChange, ChangeSummary
from eventhub.db.services.sessions import SessionFilter, SessionView
from eventhub.domain.errors import InvalidInput, StateConflict
from eventhub.domain.permissions import Action
from eventhub.domain.time import zone
from eventhub.domain.programme import BulkAction, RegistrationMode, SessionKind, SessionStatus, SpeakerRole
from eventhub.i18n import N_, _, ngettext
from eventhub.i18n.labels import kind_label, role_label
from eventhub.schemas import BulkIn, SessionCancel, SessionCreate, SessionUpdate
from eventhub.services import Services
from eventhub.web.forms import FormState
from eventhub.web.organise import programme_views as views
from eventhub.web.organise.form_input import read_form, refusal_state, rule_text
from eventhub.web.organise.guard import mission_for
from eventhub.web.organise.programme import back_office, texts

SESSION_FIELDS = (
    "title", "kind", "description", "starts_at", "ends_at", "venue_id", "online_url", "capacity",
    "registration", "registration_opens_at", "registration_closes_at", "language", "status",
)
INLINE_FIELDS = ("title", "status", "capacity")
BULK_FIELDS = ("action", "minutes", "venue_id", "reason")
SPEAKER_ROWS_SPARE = 2  # empty speaker rows under the session's own
TRANSLATED = ("title", "description")

SESSION_DONE = {
    "created": N_("The session was added."),
    "saved": N_("Saved."),
    "cancelled": N_("The session is cancelled. Its registrants are being told."),
}
BULK_LABELS = {
    BulkAction.PUBLISH: N_("Publish"),
    BulkAction.CANCEL: N_("Cancel"),
    BulkAction.SHIFT: N_("Shift by minutes"),
    BulkAction.VENUE: N_("Move to venue"),
}


@dataclass(frozen=True, slots=True)
class ListFilter:
    day: date | None = None
    kind: SessionKind | None = None
    venue_id: int | None = None
    status: SessionStatus | None = None

    def query(self) -> str:
        pairs = {k: v for k, v in (("day", self.day), ("kind", self.kind), ("venue_id", self.venue_id),
                                   ("status", self.status)) if v is not None}
        return urlencode({k: str(v) for k, v in pairs.items()})

    def keeps(self, view: SessionView) -> bool:
        return self.status is None or view.session.status == self.status


def _list_filter(form: FormMultiDict) -> ListFilter:
    """The filters the list was showing, sent back with its forms (unreadable ones dropped)."""
    def value(name: str) -> str:
        return str(form.get(f"filter_{name}") or "")

    def parsed(kind: Any, text: str) -> Any:
        try:
            return kind(text) if text else None
        except ValueError:
            return None

    return ListFilter(
        parsed(date.fromisoformat, value("day")), parsed(SessionKind, value("kind")),
        parsed(int, value("venue_id")), parsed(SessionStatus, value("status")),
    )


def _list_path(slug: str, where: ListFilter, **extra: str) -> str:
    query = "&".join(q for q in (where.query(), urlencode(extra)) if q)
    return f"{views.Paths(slug).page('sessions')}{'?' + query if query else ''}"


# --- the session form -------------------------------------------------------------------------------


def session_values(view: SessionView) -> dict[str, str]:
    s = view.session
    values = {
        "title": s.title, "kind": s.kind.value, "description": s.description,
        "starts_at": s.starts_local.isoformat(timespec="minutes"), "ends_at": s.ends_local.isoformat(timespec="minutes"),
        "venue_id": str(s.venue_id or ""), "online_url": s.online_url or "",
        "capacity": "" if s.capacity is None else str(s.capacity), "registration": s.registration.value,
        "registration_opens_at": _local(s.registration_opens_at, s.timezone),
        "registration_closes_at": _local(s.registration_closes_at, s.timezone),
        "language": s.language or "", "status": s.status.value,
    }
    for index, speaker in enumerate(s.speakers):
        values[f"speakers-{index}-person_id"] = str(speaker.person_id)
        values[f"speakers-{index}-role"] = speaker.role.value
    for language, fields in (s.translations or {}).items():
        for name, text in fields.items():
            values[f"translations.{language}.{name}"] = text
    return values


def _local(instant: Any, zone_name: str) -> str:
    return "" if instant is None else instant.astimezone(zone(zone_name)).replace(tzinfo=None).isoformat(timespec="minutes")


def _speaker_rows(values: dict[str, str]) -> int:
    used = sum(1 for key in values if key.endswith("-person_id") and key.startswith("speakers-"))
    return used + SPEAKER_ROWS_SPARE


def _speakers(typed: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    index = 0
    while f"speakers-{index}-person_id" in typed:
        person = typed[f"speakers-{index}-person_id"].strip()
        if person:
            role = typed.get(f"speakers-{index}-role") or SpeakerRole.SPEAKER.value
            rows.append({"person_id": int(person) if person.isdigit() else person, "role": role})
        index += 1
    return rows


def _translations(typed: dict[str, str], mission: Mission) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for language in mission.content_languages:
        for name in TRANSLATED:
            text = typed.get(f"translations.{language}.{name}", "").strip()
            if text:
                found.setdefault(language, {})[name] = text
    return found


def read_session(
    typed: dict[str, str], mission: Mission, current: SessionView | None
) -> tuple[dict[str, Any] | None, FormState]:
    """The form as a create, or as the update of what changed (so an untouched time is not
    checked again and calendars hear only of real changes)."""
    extra: dict[str, Any] = {}
    if "speakers-0-person_id" in typed:  # the form has the speaker rows
        extra["speakers"] = _speakers(typed)
    if mission.content_languages and any(key.startswith("translations.") for key in typed):
        extra["translations"] = _translations(typed, mission)
    schema = SessionCreate if current is None else SessionUpdate
    fields, state = read_form(schema, typed, SESSION_FIELDS, extra=extra)
    shown = {**typed, **state.values}
    state = FormState(shown, state.errors)
    if fields is None:
        return None, state
    if "speakers" in fields:
        fields["speakers"] = [(s.person_id, s.role) for s in fields["speakers"]]
    if "translations" in fields:
        fields["translations"] = {k: v for k, v in (fields["translations"] or {}).items() if v}
    if current is None:
        return fields, state
    before = current.session
    unchanged = {
        name for name, value in fields.items()
        if name in SESSION_FIELDS and (session_values(current).get(name) or "") == (typed.get(name, "").strip())
    }
    if [(s.person_id, s.role) for s in before.speakers] == fields.get("speakers"):
        unchanged.add("speakers")
    if fields.get("translations", before.translations) == (before.translations or {}):
        unchanged.add("translations")
    return {k: v for k, v in fields.items() if k not in unchanged}, state


@dataclass(frozen=True, slots=True)
class SessionPage:
    """What the session form shows around the fields."""

    view: SessionView | None
    conflicts: list[views.ConflictNote] | None = None  # None: not checked
    offer_anyway: bool = False  # a save was refused for conflicts: offer to save anyway
    checked: bool = False  # a check found nothing


async def _session_form(
    services: Services, mission: Mission, signed_in: Organiser, form: FormState, page: SessionPage,
    *, status: int = 200, done: str | None = None,
) -> Template:
    _mission, venues = await services.venues.list(mission.slug, signed_in)
    _mission, people = await services.people.list(mission.slug, signed_in)
    return back_office(
        "organise/session_form.html", signed_in, mission, "sessions", status=status,
        form=form, page=page, choices=views.Choices.of(venues, people), speaker_rows=_speaker_rows(form.values),
        kinds=[(k.value, kind_label(k)) for k in SessionKind],
        roles=[(r.value, role_label(r)) for r in SpeakerRole],
        registrations=[m.value for m in RegistrationMode],
        statuses=[(s.value, views.status_label(s)) for s in SessionStatus],
        done=_(SESSION_DONE[done]) if done in SESSION_DONE else None,
        reason_form=FormState(),
    )


def _notes(mission: Mission, entries: list[dict[str, Any]], venues: Any, people: Any) -> list[views.ConflictNote]:
    return views.refused_notes(entries, views.Names.of(mission, venues, people))


class SessionPages(Controller):
    path = "/organise/missions/{slug:str}/sessions"
    include_in_schema = False

    # --- the list ---

    @get("/", name="organise_sessions")
    async def list_sessions(
        self, slug: FromPath[str], signed_in: NamedDependency[Organiser], services: NamedDependency[Services],
        day: FromQuery[date | None] = None, kind: FromQuery[SessionKind | None] = None,
        venue_id: FromQuery[int | None] = None, status: FromQuery[SessionStatus | None] = None,
        done: FromQuery[str | None] = None, count: FromQuery[int | None] = None,
    ) -> Template:
        where = ListFilter(day, kind, venue_id, status)
        return await self._list(services, slug, signed_in, where, done=done, count=count)

    async def _list(
        self, services: Services, slug: str, signed_in: Organiser, where: ListFilter, *, status: int = 200,
        done: str | None = None, count: int | None = None, bulk: FormState | None = None,
        preview: str | None = None, preview_conflicts: list[views.ConflictNote] | None = None,
        inline: tuple[int, FormState] | None = None, chosen: frozenset[int] = frozenset(),
    ) -> Template:
        mission = await mission_for(services, slug, signed_in, Action.VIEW)
        _mission, sessions = await services.sessions.list(
            slug, signed_in, SessionFilter(day=where.day, kind=where.kind, venue_id=where.venue_id)
        )
        _mission, venues = await services.venues.list(slug, signed_in)
        rows = views.session_rows([v for v in sessions if where.keeps(v)], views.Paths(slug))
        message = None
        if done == "bulk" and count is not None:
            message = ngettext("%(num)s session changed.", "%(num)s sessions changed.", count)
        elif done == "deleted":
            message = _("The session was deleted.")
        elif done == "saved":
            message = _("Saved.")
        return back_office(
            "organise/sessions.html", signed_in, mission, "sessions", status=status,
            rows=rows, where=where, venues=views.Choices.of(venues, []).venues, message=message,
            kinds=[(k.value, kind_label(k)) for k in SessionKind],
            statuses=[(s.value, views.status_label(s)) for s in SessionStatus],
            days=views.mission_days(mission), actions=[(a.value, _(label)) for a, label in BULK_LABELS.items()],
            bulk=bulk or FormState(), preview=preview, preview_conflicts=preview_conflicts,
            inline=inline, chosen=chosen,
        )

    @post("/bulk", name="organise_sessions_bulk")
    async def bulk(
        self, request: Request[Any, Any, Any], slug: FromPath[str], signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        """First a preview (what subscribers and registrants will see, and any conflict),
        then the change itself, all sessions or none."""
        await mission_for(services, slug, signed_in, Action.EDIT_PROGRAMME)
        form = await request.form()
        where = _list_filter(form)
        ids = [int(v) for v in form.getall("session_ids", []) if str(v).isdigit()]
        fields, state = read_form(BulkIn, texts(form), BULK_FIELDS, extra={"session_ids": ids})
        if fields is None:
            if not ids:
                state = FormState(state.values, {**state.errors, "session_ids": _("Choose at least one session.")})
            return await self._list(services, slug, signed_in, where, status=422, bulk=state, chosen=frozenset(ids))
        change = BulkChange(fields["action"], ids, fields.get("minutes"), fields.get("venue_id"), fields.get("reason"))
        apply = form.get("intent") == "apply"
        anyway = form.get("allow_conflicts") == "true"
        try:
            summary: ChangeSummary = await services.bulk.apply(
                slug, change, signed_in, allow_conflicts=anyway, dry_run=not apply
            )
        except StateConflict as error:
            if error.code != "scheduling_conflict":
                return await self._list(services, slug, signed_in, where, status=409, chosen=frozenset(ids),
                                        bulk=refusal_state(state.values, error))
            mission, venues = await services.venues.list(slug, signed_in)
            _mission, people = await services.people.list(slug, signed_in)
            notes = _notes(mission, error.extra.get("conflicts", []), venues, people)
            return await self._list(services, slug, signed_in, where, status=409, bulk=state, chosen=frozenset(ids),
                                    preview=_("This change would cause conflicts."), preview_conflicts=notes)
        except InvalidInput as error:
            return await self._list(services, slug, signed_in, where, status=422, chosen=frozenset(ids),
                                    bulk=refusal_state(state.values, error))
        if not apply:
            return await self._list(services, slug, signed_in, where, bulk=state, chosen=frozenset(ids),
                                    preview=views.change_text(summary), preview_conflicts=[] if anyway else None)
        return Redirect(_list_path(slug, where, done="bulk", count=str(len(set(ids)))), status_code=303)

    @post("/{session_id:int}/inline", name="organise_session_inline")
    async def inline(
        self, request: Request[Any, Any, Any], slug: FromPath[str], session_id: FromPath[int], signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        """A row of the list edited in place: title, status, capacity."""
        await mission_for(services, slug, signed_in, Action.EDIT_PROGRAMME)
        form = await request.form()
        where = _list_filter(form)
        typed = texts(form)
        current = await services.sessions.get(slug, session_id, signed_in)
        fields, state = read_form(SessionUpdate, typed, INLINE_FIELDS)
        if fields is not None:
            before = session_values(current)
            changes = {k: v for k, v in fields.items() if before.get(k, "") != typed.get(k, "").strip()}
            try:
                if changes:
                    await services.sessions.update(slug, session_id, changes, signed_in)
            except (InvalidInput, StateConflict) as error:
                state = refusal_state(state.values, error)
            else:
                return Redirect(_list_path(slug, where, done="saved"), status_code=303)
        return await self._list(services, slug, signed_in, where, status=422, inline=(session_id, state))

    # --- one session ---

    @get("/new", name="organise_session_new")
    async def new(
        self, slug: FromPath[str], signed_in: NamedDependency[Organiser], services: NamedDependency[Services],
        day: FromQuery[date | None] = None,
    ) -> Template:
        mission = await mission_for(services, slug, signed_in, Action.VIEW)
        first = day or mission.starts_on
        values = {
            "kind": SessionKind.WORKSHOP.value, "registration": RegistrationMode.OPEN.value,
            "status": SessionStatus.DRAFT.value, "starts_at": f"{first}T10:00", "ends_at": f"{first}T11:00",
        }
        return await _session_form(services, mission, signed_in, FormState(values), SessionPage(None))

    @post("/new", name="organise_session_create")
    async def create(
        self, request: Request[Any, Any, Any], slug: FromPath[str], signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        return await self._save(request, services, slug, signed_in, None)

    @get("/{session_id:int}", name="organise_session")
    async def show(
        self, slug: FromPath[str], session_id: FromPath[int], signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services], done: FromQuery[str | None] = None,
    ) -> Template:
        mission = await mission_for(services, slug, signed_in, Action.VIEW)
        view = await services.sessions.get(slug, session_id, signed_in)
        return await _session_form(services, mission, signed_in, FormState(session_values(view)), SessionPage(view),
                                   done=done)

    @post("/{session_id:int}", name="organise_session_update")
    async def update(
        self, request: Request[Any, Any, Any], slug: FromPath[str], session_id: FromPath[int], signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        return await self._save(request, services, slug, signed_in, session_id)

    async def _save(
        self, request: Request[Any, Any, Any], services: Services, slug: str, signed_in: Organiser,
        session_id: int | None,
    ) -> Template | Redirect:
        """Save, or with `intent=check` only say what saving would conflict with. A save that
        would conflict is refused and shows the conflicts; `allow_conflicts` saves anyway."""
        mission = await mission_for(services, slug, signed_in, Action.EDIT_PROGRAMME)
        form = await request.form()
        typed = texts(form)
        current = await services.sessions.get(slug, session_id, signed_in) if session_id is not None else None
        fields, state = read_session(typed, mission, current)
        page = SessionPage(current)
        if fields is None:
            return await _session_form(services, mission, signed_in, state, page, status=422)
        shift_later = typed.get("shift_later") == "true"
        anyway = typed.get("allow_conflicts") == "true"
        try:
            if typed.get("intent") == "check":
                entries = await services.sessions.check(
                    slug, fields, signed_in, session_id=session_id, shift_later=shift_later
                )
                return await self._with_conflicts(services, mission, signed_in, state, current, entries, refused=False)
            if session_id is None:
                view = await services.sessions.create(slug, fields, signed_in, allow_conflicts=anyway)
            else:
                view = await services.sessions.update(
                    slug, session_id, fields, signed_in, allow_conflicts=anyway, shift_later=shift_later
                )
        except StateConflict as error:
            if error.code == "scheduling_conflict":
                entries = error.extra.get("conflicts", [])
                return await self._with_conflicts(services, mission, signed_in, state, current, entries, refused=True)
            return await _session_form(services, mission, signed_in, refusal_state(state.values, error), page, status=409)
        except InvalidInput as error:
            return await _session_form(services, mission, signed_in, refusal_state(state.values, error), page, status=422)
        done = "created" if session_id is None else "saved"
        return Redirect(f"{views.Paths(slug).session(view.session.id)}?done={done}", status_code=303)

    async def _with_conflicts(
        self, services: Services, mission: Mission, signed_in: Organiser, state: FormState,
        current: SessionView | None, entries: list[dict[str, Any]], *, refused: bool,
    ) -> Template:
        _mission, venues = await services.venues.list(mission.slug, signed_in)
        _mission, people = await services.people.list(mission.slug, signed_in)
        notes = _notes(mission, entries, venues, people)
        page = SessionPage(current, notes, offer_anyway=refused, checked=not refused)
        return await _session_form(services, mission, signed_in, state, page, status=409 if refused else 200)

    @post("/{session_id:int}/cancel", name="organise_session_cancel")
    async def cancel(
        self, request: Request[Any, Any, Any], slug: FromPath[str], session_id: FromPath[int], signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        mission = await mission_for(services, slug, signed_in, Action.EDIT_PROGRAMME)
        typed = texts(await request.form())
        fields, state = read_form(SessionCancel, typed, ("reason",))
        if fields is None:
            view = await services.sessions.get(slug, session_id, signed_in)
            page = await _session_form(services, mission, signed_in, FormState(session_values(view)), SessionPage(view),
                                       status=422)
            page.context["reason_form"] = state
            return page
        await services.sessions.cancel(slug, session_id, signed_in, reason=fields.get("reason"))
        return Redirect(f"{views.Paths(slug).session(session_id)}?done=cancelled", status_code=303)

    @post("/{session_id:int}/delete", name="organise_session_delete")
    async def delete(
        self, slug: FromPath[str], session_id: FromPath[int], signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        mission = await mission_for(services, slug, signed_in, Action.EDIT_PROGRAMME)
        try:
            await services.sessions.delete(slug, session_id, signed_in)
        except StateConflict as error:
            view = await services.sessions.get(slug, session_id, signed_in)
            state = FormState(session_values(view), {"": rule_text(error)})
            return await _session_form(services, mission, signed_in, state, SessionPage(view), status=409)
        return Redirect(_list_path(slug, ListFilter(), done="deleted"), status_code=303)

"""The programme's back office, part one: missions (new, overview, details, publishing),
venues, people and travel times. Every change goes through the same service as the JSON
API with the signed-in organiser, so a page has exactly the API's rules, authorization
and history; sessions are in `organise/sessions.py`."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from eventhub.db.models import Mission
from eventhub.db.services.access import Organiser
from eventhub.db.services.bulk import BulkChange
from eventhub.domain.errors import InvalidInput, StateConflict
from eventhub.domain.languages import ENDONYMS, LANGUAGES
from eventhub.domain.permissions import Action, authorize, may
from eventhub.domain.programme import BulkAction, MissionStatus, SessionKind, SessionStatus
from eventhub.i18n import N_, _
from eventhub.present import Presenter
from eventhub.schemas import CloneIn, MissionCreate, MissionUpdate, PersonCreate, PersonUpdate, TravelTimeIn, VenueCreate, VenueUpdate
from eventhub.services import Services
from eventhub.web.forms import FormState
from eventhub.web import views as public_views
from eventhub.web.organise import programme_views as views
from eventhub.web.organise.form_input import read_form, refusal_state
from eventhub.web.organise.guard import mission_for

MISSION_FIELDS = (
    "title", "summary", "host_city", "host_country", "timezone", "starts_on", "ends_on",
    "organiser_name", "contact_email", "funding_note", "default_language",
)
VENUE_FIELDS = ("name", "address", "capacity", "latitude", "longitude", "timezone")
PERSON_FIELDS = ("name", "affiliation", "role_title", "email")

# What a page says after the change it redirected from (?done=...).
DONE_TEXTS = {
    "created": N_("The mission was created as a draft. Add venues, people and sessions next."),
    "saved": N_("Saved."),
    "published": N_("The mission is published: its programme and feeds are public."),
    "drafts_published": N_("The draft sessions are published."),
    "added": N_("Added."),
    "deleted": N_("Deleted."),
    "cloned": N_("This is the copy, as a draft: check its dates and sessions, then publish it."),
}
# Refusals that name no field, and the field they are about.
_FIELD_OF_CODE = {"slug_taken": "slug", "venue_name_taken": "name", "nonexistent_local_time": "starts_on"}


def done_text(done: str | None) -> str | None:
    return _(DONE_TEXTS[done]) if done in DONE_TEXTS else None


def back_office(
    template: str, signed_in: Organiser, mission: Mission | None, section: str, *, status: int = 200, **context: Any
) -> Template:
    """A back-office page: the layout's context, and whether the reader may change the programme."""
    may_edit = mission is not None and may(signed_in, Action.EDIT_PROGRAMME, mission.id)
    return Template(
        template,
        context={"signed_in": signed_in, "mission": mission, "section": section, "may_edit": may_edit, **context},
        status_code=status,
    )


def refused(values: dict[str, str], error: InvalidInput | StateConflict) -> FormState:
    state = refusal_state(values, error)
    if "" in state.errors and error.code in _FIELD_OF_CODE:
        return FormState(state.values, {_FIELD_OF_CODE[error.code]: state.errors[""]})
    return state


def texts(form: FormMultiDict) -> dict[str, str]:
    """The form's fields as typed (the last value of each)."""
    return {key: str(value) for key, value in form.items() if isinstance(value, str)}


def _content_languages(form: FormMultiDict) -> list[str]:
    return [str(v) for v in form.getall("content_languages", []) if v in LANGUAGES]


def _mission_values(mission: Mission) -> dict[str, str]:
    values = {name: "" if getattr(mission, name) is None else str(getattr(mission, name)) for name in MISSION_FIELDS}
    return {**values, "status": mission.status.value}


def _mission_form(
    signed_in: Organiser, mission: Mission | None, form: FormState, languages: list[str], *, status: int = 200
) -> Template:
    return back_office(
        "organise/mission_form.html", signed_in, mission, "edit" if mission else "", status=status,
        form=form, content_languages=languages, language_names=ENDONYMS, language_codes=LANGUAGES,
        statuses=[s.value for s in MissionStatus],
    )


class MissionPages(Controller):
    path = "/organise/missions"
    include_in_schema = False

    @get("/new", name="organise_mission_new")
    async def new(self, signed_in: NamedDependency[Organiser]) -> Template:
        authorize(signed_in, Action.CREATE_MISSION, None)
        return _mission_form(signed_in, None, FormState({"default_language": "en"}), [])

    @post("/new", name="organise_mission_create")
    async def create(
        self, request: Request[Any, Any, Any], signed_in: NamedDependency[Organiser], services: NamedDependency[Services]
    ) -> Template | Redirect:
        authorize(signed_in, Action.CREATE_MISSION, None)
        form = await request.form()
        languages = _content_languages(form)
        fields, state = read_form(
            MissionCreate, texts(form), ("slug", *MISSION_FIELDS), extra={"content_languages": languages}
        )
        if fields is None:
            return _mission_form(signed_in, None, state, languages, status=422)
        try:
            mission = await services.missions.create(fields, signed_in)
        except (InvalidInput, StateConflict) as error:
            return _mission_form(signed_in, None, refused(state.values, error), languages, status=422)
        return Redirect(f"{views.Paths(mission.slug).mission}?done=created", status_code=303)

    @get("/{slug:str}", name="organise_mission")
    async def overview(
        self, slug: FromPath[str], signed_in: NamedDependency[Organiser], services: NamedDependency[Services],
        done: FromQuery[str | None] = None,
    ) -> Template:
        mission = await mission_for(services, slug, signed_in, Action.VIEW)
        _mission, sessions = await services.sessions.list(slug, signed_in)
        _mission, venues = await services.venues.list(slug, signed_in)
        _mission, people = await services.people.list(slug, signed_in)
        names = views.Names.of(mission, venues, people)
        conflicts = views.conflict_notes(await services.sessions.conflicts(slug, signed_in), names)
        fills = await services.attendance.fill_rates(slug, signed_in)
        publish_preview = drafts_preview = None
        draft_ids = [v.session.id for v in sessions if v.session.status == SessionStatus.DRAFT]
        if may(signed_in, Action.EDIT_PROGRAMME, mission.id):
            if mission.status == MissionStatus.DRAFT:
                publish_preview = await services.bulk.publish_mission_preview(slug, signed_in)
            if draft_ids:
                drafts_preview = await services.bulk.apply(
                    slug, BulkChange(BulkAction.PUBLISH, draft_ids), signed_in, allow_conflicts=True, dry_run=True
                )
        page = views.overview(mission, sessions, conflicts, fills, publish_preview, drafts_preview)
        return back_office(
            "organise/mission.html", signed_in, mission, "overview", page=page, done=done_text(done),
            draft_ids=draft_ids,
        )

    @post("/{slug:str}/publish", name="organise_mission_publish")
    async def publish(self, slug: FromPath[str], signed_in: NamedDependency[Organiser], services: NamedDependency[Services]) -> Redirect:
        await services.missions.update(slug, {"status": MissionStatus.PUBLISHED}, signed_in)
        return Redirect(f"{views.Paths(slug).mission}?done=published", status_code=303)

    @post("/{slug:str}/publish-drafts", name="organise_mission_publish_drafts")
    async def publish_drafts(
        self, request: Request[Any, Any, Any], slug: FromPath[str], signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services],
    ) -> Redirect:
        """The drafts the overview listed (and previewed), published in one transaction."""
        form = await request.form()
        ids = [int(v) for v in form.getall("session_ids", []) if str(v).isdigit()]
        await services.bulk.apply(slug, BulkChange(BulkAction.PUBLISH, ids), signed_in, allow_conflicts=True)
        return Redirect(f"{views.Paths(slug).mission}?done=drafts_published", status_code=303)

    @get("/{slug:str}/preview", name="organise_mission_preview")
    async def preview(
        self, slug: FromPath[str], signed_in: NamedDependency[Organiser], services: NamedDependency[Services],
        present: NamedDependency[Presenter], kind: FromQuery[SessionKind | None] = None,
    ) -> Template:
        """The agenda as the public will see it once published: no drafts, nothing of the team's."""
        mission = await mission_for(services, slug, signed_in, Action.VIEW)
        _mission, sessions = await services.sessions.list(slug, signed_in)
        public = [v for v in sessions if v.session.status != SessionStatus.DRAFT]
        page = public_views.agenda_page(mission, public, present, services.clock(), kind)
        return Template("organise/preview.html", context={"page": page, "back": views.Paths(slug).mission})

    @get("/{slug:str}/clone", name="organise_mission_clone_form")
    async def clone_form(self, slug: FromPath[str], signed_in: NamedDependency[Organiser], services: NamedDependency[Services]) -> Template:
        mission = await mission_for(services, slug, signed_in, Action.VIEW)
        authorize(signed_in, Action.CREATE_MISSION, None)
        return back_office("organise/clone.html", signed_in, mission, "overview", form=FormState({"slug": f"{slug}-copy"}))

    @post("/{slug:str}/clone", name="organise_mission_clone")
    async def clone(
        self, request: Request[Any, Any, Any], slug: FromPath[str], signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        """A copy on new dates: venues, people, travel times and sessions, as a draft, nobody registered."""
        mission = await mission_for(services, slug, signed_in, Action.VIEW)
        authorize(signed_in, Action.CREATE_MISSION, None)
        fields, state = read_form(CloneIn, texts(await request.form()), ("slug", "starts_on"))
        if fields is not None:
            try:
                copy = await services.copies.clone(slug, fields["slug"], fields["starts_on"], signed_in)
            except (InvalidInput, StateConflict) as error:
                state = refused(state.values, error)
            else:
                return Redirect(f"{views.Paths(copy.slug).mission}?done=cloned", status_code=303)
        return back_office("organise/clone.html", signed_in, mission, "overview", status=422, form=state)

    @get("/{slug:str}/edit", name="organise_mission_edit")
    async def edit(self, slug: FromPath[str], signed_in: NamedDependency[Organiser], services: NamedDependency[Services]) -> Template:
        mission = await mission_for(services, slug, signed_in, Action.VIEW)
        return _mission_form(signed_in, mission, FormState(_mission_values(mission)), list(mission.content_languages))

    @post("/{slug:str}/edit", name="organise_mission_update")
    async def update(
        self, request: Request[Any, Any, Any], slug: FromPath[str], signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        mission = await mission_for(services, slug, signed_in, Action.EDIT_PROGRAMME)
        form = await request.form()
        languages = _content_languages(form)
        fields, state = read_form(
            MissionUpdate, texts(form), (*MISSION_FIELDS, "status"), extra={"content_languages": languages}
        )
        if fields is None:
            return _mission_form(signed_in, mission, state, languages, status=422)
        try:
            await services.missions.update(slug, fields, signed_in)
        except (InvalidInput, StateConflict) as error:
            return _mission_form(signed_in, mission, refused(state.values, error), languages, status=422)
        return Redirect(f"{views.Paths(slug).page('edit')}?done=saved", status_code=303)


# --- venues and people: a list of small forms, one per record, and one to add ---------------------


class _RecordPages:
    """What the venue and people pages share: a form per record, through the records service."""

    section: str
    fields: tuple[str, ...]
    create_schema: type[VenueCreate] | type[PersonCreate]
    update_schema: type[VenueUpdate] | type[PersonUpdate]

    @classmethod
    def records(cls, services: Services) -> Any:
        return services.venues if cls.section == "venues" else services.people

    @classmethod
    async def page(
        cls, services: Services, slug: str, signed_in: Organiser, *, done: str | None = None,
        editing: tuple[int | None, FormState] | None = None, status: int = 200,
    ) -> Template:
        await mission_for(services, slug, signed_in, Action.VIEW)
        mission, records = await cls.records(services).list(slug, signed_in)
        forms = {r.id: FormState(cls.values(r)) for r in records}
        new_form = FormState()
        if editing is not None:
            record_id, state = editing
            if record_id is None:
                new_form = state
            else:
                forms[record_id] = state
        return back_office(
            f"organise/{cls.section}.html", signed_in, mission, cls.section, status=status,
            records=[(r, forms[r.id]) for r in records], new_form=new_form, done=done_text(done),
            fields=cls.fields,
        )

    @classmethod
    def values(cls, record: Any) -> dict[str, str]:
        return {name: "" if getattr(record, name) is None else str(getattr(record, name)) for name in cls.fields}

    @classmethod
    async def save(
        cls, request: Request[Any, Any, Any], services: Services, slug: str, signed_in: Organiser, record_id: int | None
    ) -> Template | Redirect:
        await mission_for(services, slug, signed_in, Action.EDIT_PROGRAMME)
        schema = cls.create_schema if record_id is None else cls.update_schema
        fields, state = read_form(schema, texts(await request.form()), cls.fields)
        if fields is not None:
            try:
                if record_id is None:
                    await cls.records(services).create(slug, fields, signed_in)
                else:
                    await cls.records(services).update(slug, record_id, fields, signed_in)
            except (InvalidInput, StateConflict) as error:
                state = refused(state.values, error)
            else:
                done = "added" if record_id is None else "saved"
                return Redirect(f"{views.Paths(slug).page(cls.section)}?done={done}", status_code=303)
        return await cls.page(services, slug, signed_in, editing=(record_id, state), status=422)

    @classmethod
    async def remove(cls, services: Services, slug: str, signed_in: Organiser, record_id: int) -> Template | Redirect:
        await mission_for(services, slug, signed_in, Action.EDIT_PROGRAMME)
        try:
            await cls.records(services).delete(slug, record_id, signed_in)
        except StateConflict as error:
            _mission, records = await cls.records(services).list(slug, signed_in)
            record = next(r for r in records if r.id == record_id)
            state = refusal_state(cls.values(record), error)
            return await cls.page(services, slug, signed_in, editing=(record_id, state), status=409)
        return Redirect(f"{views.Paths(slug).page(cls.section)}?done=deleted", status_code=303)


class _Venues(_RecordPages):
    section, fields, create_schema, update_schema = "venues", VENUE_FIELDS, VenueCreate, VenueUpdate


class _People(_RecordPages):
    section, fields, create_schema, update_schema = "people", PERSON_FIELDS, PersonCreate, PersonUpdate


class _RecordController(Controller):
    """A mission's venues or people: the list with a form per record, add, change, delete."""

    pages: type[_RecordPages]
    include_in_schema = False

    @get("/")
    async def show(
        self, slug: FromPath[str], signed_in: NamedDependency[Organiser], services: NamedDependency[Services],
        done: FromQuery[str | None] = None,
    ) -> Template:
        return await self.pages.page(services, slug, signed_in, done=done)

    @post("/")
    async def add(
        self, request: Request[Any, Any, Any], slug: FromPath[str], signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        return await self.pages.save(request, services, slug, signed_in, None)

    @post("/{record_id:int}")
    async def change(
        self, request: Request[Any, Any, Any], slug: FromPath[str], record_id: FromPath[int],
        signed_in: NamedDependency[Organiser], services: NamedDependency[Services],
    ) -> Template | Redirect:
        return await self.pages.save(request, services, slug, signed_in, record_id)

    @post("/{record_id:int}/delete")
    async def delete(
        self, slug: FromPath[str], record_id: FromPath[int], signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        return await self.pages.remove(services, slug, signed_in, record_id)


class VenuePages(_RecordController):
    path = "/organise/missions/{slug:str}/venues"
    pages = _Venues


class PeoplePages(_RecordController):
    path = "/organise/missions/{slug:str}/people"
    pages = _People


class TravelTimePages(Controller):
    path = "/organise/missions/{slug:str}"
    include_in_schema = False

    @get("/travel-times", name="organise_travel_times")
    async def travel_times(
        self, slug: FromPath[str], signed_in: NamedDependency[Organiser], services: NamedDependency[Services],
        done: FromQuery[str | None] = None,
    ) -> Template:
        await mission_for(services, slug, signed_in, Action.VIEW)
        mission, venues = await services.venues.list(slug, signed_in)
        rows = await services.travel_times.get(slug, signed_in)
        matrix = views.travel_matrix(venues, rows)
        return back_office(
            "organise/travel_times.html", signed_in, mission, "travel-times", matrix=matrix, done=done_text(done),
            form_error=None,
        )

    @post("/travel-times", name="organise_travel_times_save")
    async def save_travel_times(
        self, request: Request[Any, Any, Any], slug: FromPath[str], signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        await mission_for(services, slug, signed_in, Action.EDIT_PROGRAMME)
        mission, venues = await services.venues.list(slug, signed_in)
        typed = texts(await request.form())
        minutes: dict[tuple[int, int], int | None] = {}
        errors: dict[str, str] = {}
        for a in venues:
            for b in venues:
                name = views.cell_name(a.id, b.id)
                if a.id == b.id or not typed.get(name, "").strip():
                    continue
                fields, state = read_form(
                    TravelTimeIn, {"minutes": typed[name]}, ("minutes",),
                    extra={"from_venue_id": a.id, "to_venue_id": b.id},
                )
                if fields is None:
                    errors[name] = state.errors.get("minutes", "")
                else:
                    minutes[(a.id, b.id)] = fields["minutes"]
        error_text = None
        if not errors:
            entries = views.travel_entries(venues, lambda a, b: minutes.get((a, b)))
            try:
                await services.travel_times.replace(slug, entries, signed_in)
            except InvalidInput as error:
                error_text = error.detail
            else:
                return Redirect(f"{views.Paths(slug).page('travel-times')}?done=saved", status_code=303)
        matrix = views.travel_matrix(venues, [], typed, errors)
        return back_office(
            "organise/travel_times.html", signed_in, mission, "travel-times", status=422, matrix=matrix, done=None,
            form_error=error_text or _("Some travel times are not right: see the marked cells."),
        )

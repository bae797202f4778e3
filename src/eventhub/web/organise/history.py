"""/organise/missions/{slug}/history: who changed what, when, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from eventhub.db.models import HistoryEntry
from eventhub.db.services.access import Organiser
from eventhub.domain.permissions import Action
from eventhub.i18n import N_, _
from eventhub.schemas import MAX_ID
from eventhub.services import Services
from eventhub.web.organise.guard import mission_for

SUBJECTS = {
    "mission": N_("Mission"), "session": N_("Session"), "speaker": N_("Speaker"), "venue": N_("Venue"),
    "person": N_("Person"), "travel_time": N_("Travel time"), "attendee": N_("Attendee"),
    "registration": N_("Registration"), "check_in": N_("Check-in"), "message": N_("Message"),
    "member": N_("Team member"), "token": N_("API token"), "invitation": N_("Invitation"),
    "meeting_plan": N_("Meeting plan"), "meeting_window": N_("Meeting window"), "meeting_table": N_("Meeting table"),
    "meeting": N_("Meeting"),
}
CHANGES = {
    "created": N_("created"), "updated": N_("changed"), "deleted": N_("deleted"), "checked_in": N_("checked in"),
    "invited": N_("invited"), "revoked": N_("revoked"), "promoted": N_("seated by hand"),
    "scheduled": N_("scheduled"), "published": N_("published"),
}


@dataclass(frozen=True, slots=True)
class HistoryRow:
    entry: HistoryEntry
    subject: str
    change: str
    fields: list[tuple[str, str, str]]  # field, old, new (as shown)
    summary: list[str]  # sentences that say what the change meant, where the fields alone would not


def _shown(value: Any) -> str:
    if isinstance(value, list) and value:
        return ", ".join(_shown(v) for v in value)  # names passed over, as a reader writes them
    return "—" if value in (None, "", [], {}) else str(value)


def _promotion_summary(fields: dict[str, list[Any]]) -> list[str]:
    """A seat given by hand, said plainly: an override names who was passed over."""
    name = fields.get("attendee", [None, "?"])[1]
    passed = fields.get("passed_over", [None, []])[1] or []
    if passed:
        said = [_("Override: %(name)s was seated ahead of the waitlist, passing over %(passed)s.",
                  name=name, passed=", ".join(passed))]
    elif fields.get("override", [None, False])[1]:  # the head, in a seat added for them
        said = [_("Override: %(name)s was seated from the head of the waitlist.", name=name)]
    else:
        said = [_("%(name)s was seated from the head of the waitlist.", name=name)]
    if "capacity" in fields:
        before, after = fields["capacity"]
        said.append(_("The capacity was raised from %(before)s to %(after)s to make room.",
                      before=before, after=after))
    return said


def history_row(entry: HistoryEntry) -> HistoryRow:
    return HistoryRow(
        entry,
        _(SUBJECTS[entry.subject]) if entry.subject in SUBJECTS else entry.subject,
        _(CHANGES[entry.change]) if entry.change in CHANGES else entry.change,
        [(name, _shown(pair[0]), _shown(pair[1])) for name, pair in entry.fields.items()],
        _promotion_summary(entry.fields) if entry.change == "promoted" else [],
    )


class HistoryPages(Controller):
    include_in_schema = False

    @get("/organise/missions/{slug:str}/history", name="organise_history")
    async def history(
        self,
        slug: FromPath[str],
        signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services],
        session_id: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
    ) -> Template:
        mission = await mission_for(services, slug, signed_in, Action.VIEW)
        page = await services.history.entries(slug, signed_in, session_id=session_id)
        _mission, sessions = await services.sessions.list(slug, signed_in)
        return Template("organise/history.html", context={
            "signed_in": signed_in, "mission": mission, "section": "history",
            "rows": [history_row(e) for e in page.entries], "sessions": [v.session for v in sessions],
            "session_id": session_id, "attendees_hidden": page.attendees_hidden,
        })

"""/api/missions: the public list, one mission, and organisers' changes."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from eventhub.api.deps import ORGANISER_ONLY, READ_ONE, WRITE, Lang, problems
from eventhub.present import Presenter
from eventhub.schemas import CloneIn, MissionCreate, MissionOut, MissionUpdate
from eventhub.db.services.access import Organiser
from eventhub.services import Services

class MissionController(Controller):
    path = "/api/missions"
    tags = ["missions"]

    @get("/", operation_id="listMissions", responses=problems(401, 422))
    async def list_missions(
        self,
        services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
        present: NamedDependency[Presenter],
        lang: Lang = None,
    ) -> list[MissionOut]:
        """Published missions; with an organiser token also the drafts it manages."""
        return [present.mission(m, lang) for m in await services.missions.list(organiser)]

    @post("/", guards=ORGANISER_ONLY, operation_id="createMission", responses=problems(401, 403, 409, 413, 422))
    async def create_mission(
        self,
        data: JSONBody[MissionCreate],
        services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
        present: NamedDependency[Presenter],
    ) -> MissionOut:
        """Create a mission (needs a token for all missions)."""
        return present.mission(await services.missions.create(data.set_fields(), organiser))

    @get("/{slug:str}", operation_id="getMission", responses=READ_ONE)
    async def get_mission(
        self,
        slug: FromPath[str],
        services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
        present: NamedDependency[Presenter],
        lang: Lang = None,
    ) -> MissionOut:
        return present.mission(await services.missions.get(slug, organiser), lang)

    @patch("/{slug:str}", guards=ORGANISER_ONLY, operation_id="updateMission", responses=WRITE)
    async def update_mission(
        self,
        slug: FromPath[str],
        data: JSONBody[MissionUpdate],
        services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
        present: NamedDependency[Presenter],
    ) -> MissionOut:
        """Change a mission; a new zone keeps every session's wall-clock time."""
        return present.mission(await services.missions.update(slug, data.set_fields(), organiser))

    @delete("/{slug:str}", guards=ORGANISER_ONLY, operation_id="deleteMission", responses=problems(401, 403, 404, 409))
    async def delete_mission(
        self, slug: FromPath[str], services: NamedDependency[Services], organiser: NamedDependency[Organiser | None]
    ) -> None:
        """Delete a mission; refused once anyone has registered (archive it instead)."""
        await services.missions.delete(slug, organiser)

    @post("/{slug:str}/clone", guards=ORGANISER_ONLY, operation_id="cloneMission", responses=problems(401, 403, 404, 409, 413, 422))
    async def clone_mission(
        self,
        slug: FromPath[str],
        data: JSONBody[CloneIn],
        services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
        present: NamedDependency[Presenter],
    ) -> MissionOut:
        """Copy the mission to new dates (needs an organiser of all missions): venues, people,
        travel times and sessions moved by whole days, as a draft, with nobody registered."""
        return present.mission(await services.copies.clone(slug, data.slug, data.starts_on, organiser))

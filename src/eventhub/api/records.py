"""/api/missions/{slug}/venues and /people."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from eventhub.api.deps import ORGANISER_ONLY, READ, PathId, problems
from eventhub.present import Presenter
from eventhub.schemas import PersonCreate, PersonOut, PersonUpdate, VenueCreate, VenueOut, VenueUpdate
from eventhub.db.services.access import Organiser, may_see_email
from eventhub.services import Services

CREATE = problems(401, 403, 404, 409, 413, 422)
DELETE = problems(401, 403, 404, 409, 422)


class VenueController(Controller):
    path = "/api/missions/{slug:str}/venues"
    tags = ["venues"]

    @get("/", operation_id="listVenues", responses=READ)
    async def list_venues(
        self, slug: FromPath[str], services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None], present: NamedDependency[Presenter],
    ) -> list[VenueOut]:
        mission, venues = await services.venues.list(slug, organiser)
        return [present.venue(v, mission) for v in venues]

    @post("/", guards=ORGANISER_ONLY, operation_id="createVenue", responses=CREATE)
    async def create_venue(
        self, slug: FromPath[str], data: JSONBody[VenueCreate], services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None], present: NamedDependency[Presenter],
    ) -> VenueOut:
        venue = await services.venues.create(slug, data.set_fields(), organiser)
        return present.venue(venue, await services.missions.get(slug, organiser))

    @patch("/{venue_id:int}", guards=ORGANISER_ONLY, operation_id="updateVenue", responses=CREATE)
    async def update_venue(
        self, slug: FromPath[str], venue_id: PathId, data: JSONBody[VenueUpdate], services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None], present: NamedDependency[Presenter],
    ) -> VenueOut:
        """Change a venue; its sessions keep their wall-clock times if its zone changes."""
        venue = await services.venues.update(slug, venue_id, data.set_fields(), organiser)
        return present.venue(venue, await services.missions.get(slug, organiser))

    @delete("/{venue_id:int}", guards=ORGANISER_ONLY, operation_id="deleteVenue", responses=DELETE)
    async def delete_venue(
        self, slug: FromPath[str], venue_id: PathId, services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
    ) -> None:
        """Delete a venue that no session uses."""
        await services.venues.delete(slug, venue_id, organiser)


class PersonController(Controller):
    path = "/api/missions/{slug:str}/people"
    tags = ["people"]

    @get("/", operation_id="listPeople", responses=READ)
    async def list_people(
        self, slug: FromPath[str], services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None], present: NamedDependency[Presenter],
    ) -> list[PersonOut]:
        """Speakers, hosts and moderators; e-mail addresses only for the mission's organisers."""
        mission, people = await services.people.list(slug, organiser)
        with_email = may_see_email(mission, organiser)
        return [present.person(p, with_email=with_email) for p in people]

    @post("/", guards=ORGANISER_ONLY, operation_id="createPerson", responses=CREATE)
    async def create_person(
        self, slug: FromPath[str], data: JSONBody[PersonCreate], services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None], present: NamedDependency[Presenter],
    ) -> PersonOut:
        return present.person(await services.people.create(slug, data.set_fields(), organiser), with_email=True)

    @patch("/{person_id:int}", guards=ORGANISER_ONLY, operation_id="updatePerson", responses=CREATE)
    async def update_person(
        self, slug: FromPath[str], person_id: PathId, data: JSONBody[PersonUpdate], services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None], present: NamedDependency[Presenter],
    ) -> PersonOut:
        person = await services.people.update(slug, person_id, data.set_fields(), organiser)
        return present.person(person, with_email=True)

    @delete("/{person_id:int}", guards=ORGANISER_ONLY, operation_id="deletePerson", responses=DELETE)
    async def delete_person(
        self, slug: FromPath[str], person_id: PathId, services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
    ) -> None:
        """Delete a person who is not on any session."""
        await services.people.delete(slug, person_id, organiser)

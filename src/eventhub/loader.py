"""Load a mission file (the format of fixtures/bishkek-2026.json) through the services,
so a file obeys exactly the rules the API enforces. Dates can be moved to a new start."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec

from eventhub.schemas import (
    Input,
    LanguageTag,
    LongText,
    Minutes,
    MissionCreate,
    PersonCreate,
    SessionTranslations,
    Title,
    Url,
    VenueCreate,
)
from eventhub.db.services.access import Organiser
from eventhub.domain.errors import NotFound
from eventhub.domain.programme import MissionStatus, RegistrationMode, SessionKind, SessionStatus, SpeakerRole
from eventhub.services import Services

# The loader acts with the rights of a token for all missions.
LOADER = Organiser(name="loader", all_missions=True)


# The file's records are the API's request bodies, plus a `key` that other records refer to.
class FileMission(MissionCreate, kw_only=True):
    status: MissionStatus = MissionStatus.PUBLISHED


class FileVenue(VenueCreate, kw_only=True):
    key: str


class FilePerson(PersonCreate, kw_only=True):
    key: str


class FileTravel(Input, kw_only=True):
    from_: str = msgspec.field(name="from")
    to: str
    minutes: Minutes


class FileSpeaker(Input, kw_only=True):
    person: str
    role: SpeakerRole = SpeakerRole.SPEAKER


class FileSession(Input, kw_only=True):
    title: Title
    kind: SessionKind
    description: LongText = ""
    starts_at: str  # wall-clock time, e.g. 2026-12-07T10:00
    ends_at: str
    venue: str | None = None
    online_url: Url | None = None
    speakers: list[FileSpeaker] = []
    capacity: int | None = None
    registration: RegistrationMode = RegistrationMode.OPEN
    registration_opens_at: str | None = None
    registration_closes_at: str | None = None
    language: LanguageTag | None = None
    status: SessionStatus = SessionStatus.PUBLISHED
    translations: SessionTranslations | None = None


class MissionFile(Input, kw_only=True):
    mission: FileMission
    venues: list[FileVenue] = []
    people: list[FilePerson] = []
    travel_times: list[FileTravel] = []
    sessions: list[FileSession] = []


def read_mission_file(path: Path) -> MissionFile:
    return msgspec.json.decode(path.read_bytes(), type=MissionFile)


async def load_mission(
    services: Services, data: MissionFile, *, start: date | None = None, replace: bool = False
) -> str:
    """Create the mission of `data`, its dates moved so that it starts on `start`; returns its slug."""
    shift = timedelta(days=(start - data.mission.starts_on).days) if start else timedelta(0)
    slug = data.mission.slug
    if replace:
        await _delete_if_present(services, slug)
    mission_fields = data.mission.set_fields()
    mission_fields.update(starts_on=data.mission.starts_on + shift, ends_on=data.mission.ends_on + shift)
    await services.missions.create(mission_fields, LOADER)
    try:
        await _load_programme(services, data, slug, shift)
    except Exception:
        await services.missions.delete(slug, LOADER)  # leave nothing half-loaded
        raise
    return slug


async def _load_programme(services: Services, data: MissionFile, slug: str, shift: timedelta) -> None:
    venue_ids: dict[str, int] = {}
    for venue in data.venues:
        fields = {k: v for k, v in venue.set_fields().items() if k != "key"}
        venue_ids[venue.key] = (await services.venues.create(slug, fields, LOADER)).id
    person_ids: dict[str, int] = {}
    for person in data.people:
        fields = {k: v for k, v in msgspec.structs.asdict(person).items() if k != "key"}
        person_ids[person.key] = (await services.people.create(slug, fields, LOADER)).id
    travel = [(venue_ids[t.from_], venue_ids[t.to], t.minutes) for t in data.travel_times]
    await services.travel_times.replace(slug, travel, LOADER)
    for session in data.sessions:
        await services.sessions.create(slug, _session_fields(session, venue_ids, person_ids, shift), LOADER)


def _session_fields(
    session: FileSession, venue_ids: dict[str, int], person_ids: dict[str, int], shift: timedelta
) -> dict[str, Any]:
    def moved(value: str | None) -> str | None:
        return None if value is None else (datetime.fromisoformat(value) + shift).isoformat()

    return {
        "title": session.title,
        "kind": session.kind,
        "description": session.description,
        "starts_at": moved(session.starts_at),
        "ends_at": moved(session.ends_at),
        "venue_id": venue_ids[session.venue] if session.venue else None,
        "online_url": session.online_url,
        "speakers": [(person_ids[s.person], s.role) for s in session.speakers],
        "capacity": session.capacity,
        "registration": session.registration,
        "registration_opens_at": moved(session.registration_opens_at),
        "registration_closes_at": moved(session.registration_closes_at),
        "language": session.language,
        "status": session.status,
        "translations": msgspec.to_builtins(session.translations) if session.translations else {},
    }


async def _delete_if_present(services: Services, slug: str) -> None:
    try:
        await services.missions.delete(slug, LOADER)
    except NotFound:
        pass

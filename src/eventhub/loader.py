"""Load a mission file (the format of fixtures/bishkek-2026.json) through the services,
so a file obeys exactly the rules the API enforces. Dates can be moved to a new start."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

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
    explain,
)
from eventhub.db.services.access import Organiser
from eventhub.domain.errors import DomainError, NotFound
from eventhub.domain.programme import MissionStatus, RegistrationMode, SessionKind, SessionStatus, SpeakerRole
from eventhub.services import Services

T = TypeVar("T")

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


class LoadError(Exception):
    """A mission file that cannot be loaded, saying which entry and field is wrong."""


def read_mission_file(path: Path) -> MissionFile:
    try:
        data = msgspec.json.decode(path.read_bytes(), type=MissionFile)
    except msgspec.ValidationError as error:
        message, _, where = str(error).rpartition(" - at `")
        place = where.rstrip("`").removeprefix("$.").removeprefix("$") if message else ""
        raise LoadError(f"{path.name}: {place or 'the file'}: {explain(message or str(error))}") from None
    except msgspec.DecodeError as error:
        raise LoadError(f"{path.name}: not a mission file ({error})") from None
    _check_keys(data, path.name)
    return data


def _check_keys(data: MissionFile, name: str) -> None:
    """Every reference to a venue or person names one the file defines (before anything is stored)."""
    venues = {v.key for v in data.venues}
    people = {p.key for p in data.people}
    problems = [
        *(f"travel_times[{i}].{end}: no venue has the key {key!r}"
          for i, t in enumerate(data.travel_times) for end, key in (("from", t.from_), ("to", t.to)) if key not in venues),
        *(f"sessions[{i}] ({s.title!r}).venue: no venue has the key {s.venue!r}"
          for i, s in enumerate(data.sessions) if s.venue is not None and s.venue not in venues),
        *(f"sessions[{i}] ({s.title!r}).speakers[{j}].person: no person has the key {sp.person!r}"
          for i, s in enumerate(data.sessions) for j, sp in enumerate(s.speakers) if sp.person not in people),
    ]
    if problems:
        raise LoadError(f"{name}: " + "; ".join(problems))


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
    await _entry("mission", services.missions.create(mission_fields, LOADER))
    try:
        await _load_programme(services, data, slug, shift)
    except Exception:
        await services.missions.delete(slug, LOADER)  # leave nothing half-loaded
        raise
    return slug


async def _entry(where: str, write: Awaitable[T]) -> T:
    """One service write of the file's entry `where`; a rule it breaks names the entry."""
    try:
        return await write
    except DomainError as error:
        field = f".{error.extra['field']}" if error.extra.get("field") else ""
        raise LoadError(f"{where}{field}: {error.detail} ({error.code})") from None


async def _load_programme(services: Services, data: MissionFile, slug: str, shift: timedelta) -> None:
    venue_ids: dict[str, int] = {}
    for i, venue in enumerate(data.venues):
        fields = {k: v for k, v in venue.set_fields().items() if k != "key"}
        venue_ids[venue.key] = (await _entry(f"venues[{i}] ({venue.key!r})", services.venues.create(slug, fields, LOADER))).id
    person_ids: dict[str, int] = {}
    for i, person in enumerate(data.people):
        fields = {k: v for k, v in msgspec.structs.asdict(person).items() if k != "key"}
        person_ids[person.key] = (await _entry(f"people[{i}] ({person.key!r})", services.people.create(slug, fields, LOADER))).id
    travel = [(venue_ids[t.from_], venue_ids[t.to], t.minutes) for t in data.travel_times]
    await _entry("travel_times", services.travel_times.replace(slug, travel, LOADER))
    for i, session in enumerate(data.sessions):
        fields = _session_fields(session, venue_ids, person_ids, shift)
        await _entry(f"sessions[{i}] ({session.title!r})", services.sessions.create(slug, fields, LOADER))


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

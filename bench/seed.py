"""Fast seeding for the benchmark: the scaled Bishkek programme written straight into the
tables (the loader checks every session against all others, which takes minutes at
1,000 sessions). The rows are the ones the loader would write; the registration
benchmark's hot sessions are added the same way."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from scale import scaled
from sqlalchemy import select

from eventhub.db.database import Database
from eventhub.db.models import Mission, Person, ProgrammeSession, SessionSpeaker, Venue
from eventhub.db.services.sessions import Sessions
from eventhub.domain.programme import MissionStatus, RegistrationMode, SessionKind, SessionStatus, SpeakerRole
from eventhub.domain.time import to_utc
from eventhub.loader import LOADER

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@dataclass
class Seeded:
    slug: str
    mission_id: int
    timezone: str
    sessions: int
    session_ids: list[int] = field(default_factory=list)

    async def touch_one_session(self, database: Database, run: int) -> None:
        """Change one session's title through the real service (SEQUENCE, version, all of it)."""
        target = self.session_ids[len(self.session_ids) // 2]
        service = Sessions(database, lambda: NOW + timedelta(minutes=run + 1))
        await service.update(self.slug, target, {"title": f"Changed title {run}"}, LOADER)


async def seed_mission(database: Database, count: int, *, slug: str, start: date | None = None) -> Seeded:
    data = scaled(count, slug=slug)
    mission_data = data["mission"]
    shift = timedelta(days=(start - date.fromisoformat(mission_data["starts_on"])).days) if start else timedelta(0)
    zone = mission_data["timezone"]
    async with database.write() as db:
        old = await db.scalar(select(Mission).where(Mission.slug == slug))
        if old is not None:
            await db.delete(old)
            await db.flush()
        mission = Mission(
            slug=slug, title=mission_data["title"], summary=mission_data.get("summary", ""),
            host_city=mission_data.get("host_city", ""), host_country=mission_data["host_country"], timezone=zone,
            starts_on=date.fromisoformat(mission_data["starts_on"]) + shift,
            ends_on=date.fromisoformat(mission_data["ends_on"]) + shift,
            organiser_name=mission_data.get("organiser_name", ""), contact_email=mission_data.get("contact_email") or "",
            funding_note=mission_data.get("funding_note", ""), status=MissionStatus.PUBLISHED, version=1,
            created_at=NOW, updated_at=NOW,
        )
        db.add(mission)
        await db.flush()
        venues = {}
        for item in data["venues"]:
            venue = Venue(mission_id=mission.id, name=item["name"], address=item.get("address", ""),
                          capacity=item.get("capacity"), latitude=item.get("latitude"),
                          longitude=item.get("longitude"), timezone=item.get("timezone"))
            db.add(venue)
            venues[item["key"]] = venue
        people = {}
        for item in data["people"]:
            person = Person(mission_id=mission.id, name=item["name"], affiliation=item.get("affiliation", ""),
                            role_title=item.get("role_title", ""), email=item.get("email"))
            db.add(person)
            people[item["key"]] = person
        await db.flush()
        sessions = []
        for item in data["sessions"]:
            venue = venues.get(item.get("venue") or "")
            session_zone = venue.timezone if venue is not None and venue.timezone else zone
            starts = datetime.fromisoformat(item["starts_at"]) + shift
            ends = datetime.fromisoformat(item["ends_at"]) + shift
            session = ProgrammeSession(
                mission_id=mission.id, uid=str(uuid.uuid4()), title=item["title"], kind=SessionKind(item["kind"]),
                description=item.get("description", ""), starts_local=starts, ends_local=ends, timezone=session_zone,
                starts_at_utc=to_utc(starts, session_zone), ends_at_utc=to_utc(ends, session_zone),
                venue_id=venue.id if venue is not None else None, online_url=item.get("online_url"),
                capacity=item.get("capacity"), registration=RegistrationMode(item.get("registration", "open")),
                language=item.get("language"), status=SessionStatus(item.get("status", "published")), sequence=0,
                created_at=NOW, updated_at=NOW,
                speakers=[
                    SessionSpeaker(person_id=people[s["person"]].id, role=SpeakerRole(s.get("role", "speaker")), position=i)
                    for i, s in enumerate(item.get("speakers", []))
                ],
            )
            db.add(session)
            sessions.append(session)
        await db.flush()
        seeded = Seeded(slug, mission.id, zone, len(sessions), [s.id for s in sessions])
    return seeded

"""ORM rows to response bodies. Times go out with their offset, in their zone, and in UTC."""

from __future__ import annotations

from eventhub.api.schemas import (
    ConflictingSession,
    ConflictOut,
    MissionOut,
    PersonOut,
    SessionOut,
    SpeakerOut,
    TravelTimeOut,
    VenueOut,
    VenueRef,
)
from eventhub.db.models import Mission, Person, TravelTime, Venue
from eventhub.db.services.sessions import SessionView
from eventhub.domain.scheduling import ConflictPair, Slot
from eventhub.domain.time import zone, with_offset


class Presenter:
    def __init__(self, public_base: str) -> None:
        self.base = public_base

    def mission_url(self, slug: str) -> str:
        return f"{self.base}/missions/{slug}"

    def mission(self, mission: Mission) -> MissionOut:
        return MissionOut(
            id=mission.id,
            slug=mission.slug,
            title=mission.title,
            summary=mission.summary,
            host_city=mission.host_city,
            host_country=mission.host_country,
            timezone=mission.timezone,
            starts_on=mission.starts_on,
            ends_on=mission.ends_on,
            organiser_name=mission.organiser_name,
            contact_email=mission.contact_email,
            funding_note=mission.funding_note,
            status=mission.status,
            url=self.mission_url(mission.slug),
            sessions_url=f"{self.base}/api/missions/{mission.slug}/sessions",
            created_at=mission.created_at,
            updated_at=mission.updated_at,
        )

    def venue(self, venue: Venue, mission: Mission | None = None) -> VenueOut:
        return VenueOut(
            id=venue.id,
            name=venue.name,
            address=venue.address,
            capacity=venue.capacity,
            latitude=venue.latitude,
            longitude=venue.longitude,
            timezone=venue.timezone,
            effective_timezone=venue.timezone or (mission.timezone if mission else ""),
        )

    def person(self, person: Person, *, with_email: bool) -> PersonOut:
        return PersonOut(
            id=person.id,
            name=person.name,
            affiliation=person.affiliation,
            role_title=person.role_title,
            email=person.email if with_email else None,
        )

    def session(self, view: SessionView, mission_slug: str) -> SessionOut:
        s = view.session
        tz = zone(s.timezone)
        return SessionOut(
            id=s.id,
            mission_slug=mission_slug,
            title=s.title,
            kind=s.kind,
            description=s.description,
            starts_at=with_offset(s.starts_local, s.timezone),
            ends_at=with_offset(s.ends_local, s.timezone),
            timezone=s.timezone,
            starts_at_utc=s.starts_at_utc,
            ends_at_utc=s.ends_at_utc,
            venue_id=s.venue_id,
            venue=VenueRef(id=s.venue.id, name=s.venue.name, address=s.venue.address) if s.venue else None,
            online_url=s.online_url,
            speakers=[
                SpeakerOut(person_id=sp.person_id, role=sp.role, name=sp.person.name, affiliation=sp.person.affiliation)
                for sp in s.speakers
            ],
            capacity=s.capacity,
            seats_left=None if s.capacity is None else max(s.capacity - view.seats.confirmed, 0),
            waitlist_length=view.seats.waitlisted,
            registration=s.registration,
            registration_opens_at=s.registration_opens_at.astimezone(tz) if s.registration_opens_at else None,
            registration_closes_at=s.registration_closes_at.astimezone(tz) if s.registration_closes_at else None,
            language=s.language,
            status=s.status,
            sequence=s.sequence,
            url=f"{self.mission_url(mission_slug)}/sessions/{s.id}",
            created_at=s.created_at,
            updated_at=s.updated_at,
        )

    def travel_time(self, row: TravelTime) -> TravelTimeOut:
        return TravelTimeOut(from_venue_id=row.from_venue_id, to_venue_id=row.to_venue_id, minutes=row.minutes)

    def conflict(self, pair: ConflictPair) -> ConflictOut:
        return ConflictOut(
            reason=pair.reason.value,
            sessions=[self._conflicting(slot) for slot in (pair.first, pair.second)],
            venue_id=pair.venue_id,
            person_ids=list(pair.person_ids),
            travel_minutes=pair.travel_minutes,
        )

    @staticmethod
    def _conflicting(slot: Slot) -> ConflictingSession:
        tz = zone(slot.timezone)
        return ConflictingSession(
            session_id=slot.session_id,
            title=slot.title,
            starts_at=slot.starts_utc.astimezone(tz),
            ends_at=slot.ends_utc.astimezone(tz),
        )


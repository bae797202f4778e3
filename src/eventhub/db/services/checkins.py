"""Checking people in at the door: by the code behind their QR code, once per
registration. The database's unique key decides between two phones scanning at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from eventhub.db.database import Database
from eventhub.db.models import CheckIn, Mission, ProgrammeSession, Registration
from eventhub.domain.permissions import Action
from eventhub.db.services.access import Clock, Organiser, managed_mission
from eventhub.db.services.history import record_change
from eventhub.db.services.attendees import Listed, listed, matches, session_not_found
from eventhub.domain.errors import NotFound
from eventhub.domain.programme import RegistrationStatus
from eventhub.domain.tokens import check_in_code_for, registration_of_check_in_code


class CheckInOutcome(StrEnum):
    CHECKED_IN = "checked_in"
    ALREADY_CHECKED_IN = "already_checked_in"  # a second scan: when the first was
    NOT_CONFIRMED = "not_confirmed"  # waitlisted or cancelled: no seat to check in to
    OTHER_SESSION = "other_session"  # a real code, for another session of the mission


@dataclass(frozen=True, slots=True)
class CheckInResult:
    outcome: CheckInOutcome
    listed: Listed
    checked_in_at: datetime | None  # this check-in's time, or the first one's


@dataclass(frozen=True, slots=True)
class Candidate:
    """A person at the door as the check-in page lists them."""

    listed: Listed
    code: str


def unknown_code() -> NotFound:
    return NotFound("No registration of this mission has this check-in code.", code="check_in_code_unknown")


class CheckIns:
    def __init__(self, database: Database, clock: Clock, secret_key: str) -> None:
        self._database = database
        self._clock = clock
        self._secret_key = secret_key

    def code_for(self, registration_id: int) -> str:
        return check_in_code_for(self._secret_key, registration_id)

    async def check_in(self, slug: str, session_id: int, code: str, organiser: Organiser | None) -> CheckInResult:
        now = self._clock()
        registration_id = registration_of_check_in_code(self._secret_key, code)
        async with self._database.write() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.MANAGE_ATTENDEES)
            await _session_in(db, mission, session_id)
            if registration_id is None:
                raise unknown_code()
            registered_for = await db.scalar(select(Registration.session_id).where(Registration.id == registration_id))
            found = [] if registered_for is None else [
                i for i in await listed(db, mission.id, registered_for) if i.registration.id == registration_id
            ]
            if not found:  # no such registration, or one of another mission
                raise unknown_code()
            item = found[0]
            if item.session.id != session_id:
                return CheckInResult(CheckInOutcome.OTHER_SESSION, item, None)
            if item.registration.status != RegistrationStatus.CONFIRMED:
                return CheckInResult(CheckInOutcome.NOT_CONFIRMED, item, None)
            statement = _INSERT_CHECK_IN[db.get_bind().dialect.name].values(
                registration_id=registration_id, session_id=session_id, checked_in_at=now,
                checked_in_by=organiser.name if organiser else "",
            )
            check_in_id = (await db.execute(statement)).scalar_one_or_none()
            if check_in_id is not None:
                await record_change(db, organiser, mission, subject="check_in", subject_id=check_in_id,
                                    change="checked_in", session_id=session_id, about_attendees=True, at=now,
                                    fields={"attendee": [None, item.attendee.name]})
                return CheckInResult(CheckInOutcome.CHECKED_IN, item, now)
            first = await db.scalar(select(CheckIn.checked_in_at).where(CheckIn.registration_id == registration_id))
            return CheckInResult(CheckInOutcome.ALREADY_CHECKED_IN, item, first)

    async def find(self, slug: str, session_id: int, query: str, organiser: Organiser | None) -> list[Candidate]:
        """The session's registrations (confirmed, waitlisted and cancelled alike, so the
        door can tell them apart) whose name, address or organisation matches, or whose
        check-in code is the one typed."""
        typed = registration_of_check_in_code(self._secret_key, query)
        async with self._database.read() as db:  # a viewer may look; checking in is the editor's
            mission = await managed_mission(db, slug, organiser, action=Action.VIEW_ATTENDEES)
            await _session_in(db, mission, session_id)
            items = await listed(db, mission.id, session_id)
        found = [i for i in items if i.registration.id == typed or matches(i, query)]
        return [Candidate(i, self.code_for(i.registration.id)) for i in found[:50]]


_INSERT_CHECK_IN = {
    name: dialect.insert(CheckIn).on_conflict_do_nothing(index_elements=["registration_id"]).returning(CheckIn.id)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


async def _session_in(db: AsyncSession, mission: Mission, session_id: int) -> ProgrammeSession:
    session = await db.scalar(
        select(ProgrammeSession).where(ProgrammeSession.id == session_id, ProgrammeSession.mission_id == mission.id)
    )
    if session is None:
        raise session_not_found(session_id)
    return session

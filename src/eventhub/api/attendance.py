"""Organisers and attendees by hand: promote, add, move, a session's list, check-in at the
door, messages, and the registrations export (CSV, XLSX). Every change goes through the
services the back office pages use."""

from __future__ import annotations

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from eventhub import exports
from eventhub.api.deps import ORGANISER_ONLY, PathId, problems
from eventhub.schemas import (
    AttendeeAdd,
    CheckInCreate,
    CheckInOut,
    MessageCreate,
    MessageOut,
    MoveCreate,
    MovedOut,
    PromotionOut,
    SeatedOut,
    SessionAttendeeOut,
    SessionAttendeesOut,
)
from eventhub.db.models import OrganiserMessage
from eventhub.db.services.access import Organiser
from eventhub.db.services.attendees import AttendeeDetails, Listed, Seated
from eventhub.db.services.checkins import CheckInOutcome, CheckInResult
from eventhub.db.services.messages import Audience, MessageDraft
from eventhub.domain.errors import StateConflict
from eventhub.domain.permissions import Action
from eventhub.domain.registration import seats_left
from eventhub.services import Services

# What each route needs (the organiser guard reads `opt["action"]`): a viewer reads and
# exports, an editor changes and writes to attendees.
VIEW, MANAGE, MAIL = Action.VIEW_ATTENDEES, Action.MANAGE_ATTENDEES, Action.WRITE_TO_ATTENDEES

CHANGE = problems(401, 403, 404, 409, 422)
READ = problems(401, 403, 404, 422)


class AttendanceController(Controller):
    path = "/api/missions/{slug:str}"
    tags = ["attendees"]

    @post("/registrations/{registration_id:int}/promote",
          guards=ORGANISER_ONLY, status_code=200, operation_id="promoteRegistration", opt={"action": MANAGE},
          responses=CHANGE)
    async def promote(
        self, slug: FromPath[str], registration_id: PathId, services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
    ) -> PromotionOut:
        """Seat this waitlisted person now, ahead of the queue (an explicit override). In a
        full session one seat is added for them, and the answer says so."""
        done = await services.attendance.promote(slug, registration_id, organiser)
        return PromotionOut(
            registration_id=done.registration.id, session_id=done.registration.session_id,
            status=done.registration.status.value, capacity_before=done.capacity_before,
            capacity=done.capacity_after, capacity_raised=done.capacity_raised,
            passed_over=done.passed_over,
        )

    @post("/registrations/{registration_id:int}/move",
          guards=ORGANISER_ONLY, status_code=200, operation_id="moveRegistration", opt={"action": MANAGE},
          responses=CHANGE)
    async def move(
        self, slug: FromPath[str], registration_id: PathId, data: JSONBody[MoveCreate],
        services: NamedDependency[Services], organiser: NamedDependency[Organiser | None],
    ) -> MovedOut:
        """Move someone to another session in one transaction; the seat they leave goes to
        the head of that waitlist. A full target is a 409 unless `allow_waitlist`."""
        moved = await services.attendance.move(
            slug, registration_id, data.session_id, organiser, allow_waitlist=data.allow_waitlist
        )
        return MovedOut(
            cancelled_registration_id=moved.left.id, seated=_seated(moved.seated),
            promoted_registration_ids=[r.id for r in moved.promoted],
        )

    @post("/sessions/{session_id:int}/registrations",
          guards=ORGANISER_ONLY, status_code=201, operation_id="addAttendee", opt={"action": MANAGE},
          responses=CHANGE)
    async def add_attendee(
        self, slug: FromPath[str], session_id: PathId, data: JSONBody[AttendeeAdd],
        services: NamedDependency[Services], organiser: NamedDependency[Organiser | None],
    ) -> SeatedOut:
        """Register someone by hand (confirmed while seats remain, else waitlisted; the
        signup window does not apply). They get their manage and feed links by mail."""
        details = AttendeeDetails(data.name, data.email, data.organisation)
        return _seated(await services.attendance.add(slug, session_id, details, organiser))

    @get("/sessions/{session_id:int}/attendees",
          guards=ORGANISER_ONLY, operation_id="listSessionAttendees", opt={"action": VIEW}, responses=READ)
    async def session_attendees(
        self, slug: FromPath[str], session_id: PathId, services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
    ) -> SessionAttendeesOut:
        """Who is confirmed, the waitlist in order, seats left and who has checked in."""
        view = await services.attendance.session_attendees(slug, session_id, organiser)
        return SessionAttendeesOut(
            session_id=view.session.id, title=view.session.title, status=view.session.status,
            capacity=view.session.capacity, seats_left=seats_left(view.session.capacity, len(view.confirmed)),
            checked_in=view.checked_in, confirmed=[_attendee(i) for i in view.confirmed],
            waitlist=[_attendee(i) for i in view.waitlist],
        )

    @post("/check-ins", guards=ORGANISER_ONLY, status_code=201, operation_id="checkIn", opt={"action": MANAGE},
          responses=CHANGE)
    async def check_in(
        self, slug: FromPath[str], data: JSONBody[CheckInCreate], services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
    ) -> CheckInOut:
        """Check a confirmed attendee in by the code of their QR code, once: a second time
        is a 409 (`already_checked_in`) with `checked_in_at`; a waitlisted or cancelled
        registration is `not_confirmed`, another session's is `other_session`."""
        return _checked_in(await services.check_ins.check_in(slug, data.session_id, data.code, organiser))

    @post("/messages", guards=ORGANISER_ONLY, status_code=202, operation_id="sendMessage", opt={"action": MAIL},
          responses=CHANGE)
    async def send_message(
        self, slug: FromPath[str], data: JSONBody[MessageCreate], services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
    ) -> MessageOut:
        """Write to the confirmed (optionally also waitlisted) attendees of a session or of
        the mission: one mail per person through the outbox; `recipients` is the count."""
        draft = MessageDraft(data.subject, data.body, Audience(data.session_id, data.include_waitlisted))
        return _message(await services.messages.send(slug, draft, organiser))

    @get("/messages", guards=ORGANISER_ONLY, operation_id="listMessages", opt={"action": VIEW}, responses=READ)
    async def list_messages(
        self, slug: FromPath[str], services: NamedDependency[Services], organiser: NamedDependency[Organiser | None],
    ) -> list[MessageOut]:
        """The messages organisers sent, newest first."""
        return [_message(m) for m in await services.messages.sent(slug, organiser)]

    @post("/outbox/{message_id:int}/retry",
          guards=ORGANISER_ONLY, status_code=204, operation_id="retryMail", opt={"action": MAIL}, responses=CHANGE)
    async def retry_mail(
        self, slug: FromPath[str], message_id: PathId, services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
    ) -> None:
        """Try a failed message again now (a sent one is never sent twice)."""
        await services.outbox.retry(slug, message_id, organiser)

    @get("/registrations.csv",
          guards=ORGANISER_ONLY, operation_id="exportRegistrationsCsv", opt={"action": VIEW}, tags=["registrations"],
         responses=problems(401, 403, 404), media_type=exports.CSV_MEDIA_TYPE)
    async def export_csv(
        self, slug: FromPath[str], services: NamedDependency[Services], organiser: NamedDependency[Organiser | None],
    ) -> Response[bytes]:
        """One row per attendee and session, times in the mission's zone (UTF-8 with a BOM)."""
        return exports.csv_response(slug, await services.attendance.registrations(slug, organiser))

    @get("/registrations.xlsx",
          guards=ORGANISER_ONLY, operation_id="exportRegistrationsXlsx", opt={"action": VIEW}, tags=["registrations"],
         responses=problems(401, 403, 404), media_type=exports.XLSX_MEDIA_TYPE)
    async def export_xlsx(
        self, slug: FromPath[str], services: NamedDependency[Services], organiser: NamedDependency[Organiser | None],
    ) -> Response[bytes]:
        """The same rows as the CSV, as an Excel workbook."""
        return exports.xlsx_response(slug, await services.attendance.registrations(slug, organiser))


def _seated(seated: Seated) -> SeatedOut:
    registration = seated.listed.registration
    return SeatedOut(
        registration_id=registration.id, attendee_id=seated.listed.attendee.id, session_id=registration.session_id,
        status=registration.status.value, waitlist_position=seated.listed.waitlist_position,
        new_attendee=seated.new_attendee,
    )


def _attendee(item: Listed) -> SessionAttendeeOut:
    return SessionAttendeeOut(
        registration_id=item.registration.id, attendee_id=item.attendee.id, name=item.attendee.name,
        email=item.attendee.email, organisation=item.attendee.organisation, status=item.registration.status.value,
        waitlist_position=item.waitlist_position, registered_at=item.registration.created_at,
        checked_in_at=item.checked_in_at,
    )


def _checked_in(result: CheckInResult) -> CheckInOut:
    item = result.listed
    if result.outcome == CheckInOutcome.ALREADY_CHECKED_IN:
        raise StateConflict(
            f"{item.attendee.name} was checked in already.", code=result.outcome.value,
            checked_in_at=result.checked_in_at.isoformat() if result.checked_in_at else None,
            registration_id=item.registration.id,
        )
    if result.outcome == CheckInOutcome.NOT_CONFIRMED:
        raise StateConflict(
            f"{item.attendee.name} is {item.registration.status.value}, not confirmed.", code=result.outcome.value,
            registration_status=item.registration.status.value, waitlist_position=item.waitlist_position,
            registration_id=item.registration.id,
        )
    if result.outcome == CheckInOutcome.OTHER_SESSION:
        raise StateConflict(
            f"This code is for another session: {item.session.title}.", code=result.outcome.value,
            session_id=item.session.id, registration_id=item.registration.id,
        )
    assert result.checked_in_at is not None
    return CheckInOut(
        registration_id=item.registration.id, session_id=item.session.id, attendee_id=item.attendee.id,
        name=item.attendee.name, organisation=item.attendee.organisation, checked_in_at=result.checked_in_at,
    )


def _message(message: OrganiserMessage) -> MessageOut:
    return MessageOut(
        id=message.id, session_id=message.session_id, subject=message.subject,
        include_waitlisted=message.include_waitlisted, recipients=message.recipients, sent_by=message.sent_by,
        created_at=message.created_at,
    )

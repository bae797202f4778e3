"""Registrations: signing up for sessions, the attendee's own view, cancelling, tokens,
and the organiser's export. Seats move only through `seats` (the locked ledger)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from eventhub.db.database import Database
from eventhub.db.models import Attendee, Mission, ProgrammeSession, Registration
from eventhub.domain.permissions import Action
from eventhub.db.services.access import Clock, Organiser, managed_mission, mission_not_found
from eventhub.db.services.outbox import enqueue
from eventhub.db.services.seats import (
    LockedSession,
    claim_seat,
    lock_for_signup,
    lock_session,
    release_seat,
    signup_turns,
    waitlist_positions,
)
from eventhub.db.services.travel import mission_travel_times
from eventhub.domain.errors import InvalidInput, NotFound, StateConflict
from eventhub.domain.languages import LANGUAGES, supported
from eventhub.domain.mail import MailKind
from eventhub.domain.reminders import Reminder
from eventhub.domain.programme import MissionStatus, RegistrationStatus, SessionStatus
from eventhub.domain.registration import (
    ALREADY_REGISTERED,
    ATTENDEE_EXISTS,
    Refusal,
    ScheduleWarning,
    SignupStatus,
    refusal,
    check_delegation,
    schedule_warnings,
    signup_window,
)
from eventhub.domain.scheduling import Slot
from eventhub.domain.tokens import (
    check_in_code_for,
    feed_token_for,
    manage_token_for,
    new_token_salt,
    token_digest,
)

@dataclass(frozen=True, slots=True)
class SignupRequest:
    name: str | None
    email: str | None
    organisation: str | None
    session_ids: Sequence[int]
    language: str | None = None  # a new attendee's mail and feed language; None: the mission's default
    reminder: Reminder | None = None  # a new attendee's reminder before each session; None: none


@dataclass(frozen=True, slots=True)
class SessionResult:
    session_id: int
    status: SignupStatus
    waitlist_position: int | None = None
    code: str | None = None
    title: str | None = None  # the session's, when it exists (pages name the refused ones)


class Outcome(StrEnum):
    CREATED = "created"  # a new attendee: 201 with tokens
    ADDED = "added"  # an attendee who showed their manage token: 200
    EXISTING_ADDRESS = "existing_address"  # 202, nothing changed, the owner gets their link by mail


@dataclass(frozen=True, slots=True)
class SignupOutcome:
    outcome: Outcome
    mission_title: str
    results: list[SessionResult] = field(default_factory=list)
    warnings: list[ScheduleWarning] = field(default_factory=list)
    attendee_id: int | None = None
    manage_token: str | None = None
    feed_token: str | None = None


@dataclass(frozen=True, slots=True)
class AttendeeRegistration:
    registration: Registration
    session: ProgrammeSession
    waitlist_position: int | None
    check_in_code: str | None = None  # for confirmed registrations


@dataclass(frozen=True, slots=True)
class AttendeeView:
    attendee: Attendee
    mission: Mission
    registrations: list[AttendeeRegistration]


@dataclass(frozen=True, slots=True)
class MemberRequest:
    name: str
    email: str | None  # None: no address of their own; the head manages them


@dataclass(frozen=True, slots=True)
class GroupRequest:
    """A head of delegation (the signup's name, address and sessions) and the members
    they register for the same sessions."""

    head: SignupRequest
    members: Sequence[MemberRequest]


@dataclass(frozen=True, slots=True)
class MemberOutcome:
    name: str
    email: str | None
    attendee_id: int | None  # None: the address was registered already (its owner is mailed their link)
    results: list[SessionResult]
    # Only for a member without an address: the head holds their links.
    manage_token: str | None = None
    feed_token: str | None = None


@dataclass(frozen=True, slots=True)
class GroupOutcome:
    head: SignupOutcome
    members: list[MemberOutcome]


class AllSessionsRefused(StateConflict):
    default_code = "registration_refused"


def email_key(email: str) -> str:
    """The identity of an address: case-insensitive (also beyond ASCII)."""
    return email.strip().casefold()


class Registrations:
    def __init__(self, database: Database, clock: Clock, secret_key: str) -> None:
        self._database = database
        self._clock = clock
        self._secret_key = secret_key

    async def register(
        self, slug: str, request: SignupRequest, manage_token: str | None, *, remembered: str | None = None
    ) -> SignupOutcome:
        """Sign up for sessions: the hot path of a registration rush, so it reads and writes
        plain rows (no ORM objects), and holds each session's lock only for the seat: the
        attendee is written before the first lock (see `seats`).

        `remembered`: a manage token the caller's browser keeps (a page's cookie). It acts
        as the manage token only for a request with that attendee's own address; with any
        other address it is ignored, so it never lends one attendee's rights to another."""
        now = self._clock()
        turns = signup_turns(request.session_ids, self._database.lock_timeout_seconds)
        async with turns, self._database.write() as db:
            attendee = await self._attendee_for(db, slug, request, manage_token, now, remembered)
            if attendee is None:
                return SignupOutcome(Outcome.EXISTING_ADDRESS, "")
            attendee_id, tokens = attendee
            newcomer = tokens is not None
            mission, signups = await _take_seats(db, slug, request.session_ids, [(attendee_id, newcomer)], now)
            results = [result for _, result, _ in signups]
            if all(r.status == SignupStatus.REFUSED for r in results):
                raise AllSessionsRefused(
                    "No session of this request takes registrations.",
                    results=[_result_dict(r) for r in results],
                )
            newly = [locked for _, result, locked in signups
                     if locked is not None and result.status != SignupStatus.REFUSED and result.code is None]
            warnings = await _warnings_for(db, mission.id, attendee_id, newly, newcomer=tokens is not None)

        return SignupOutcome(
            Outcome.ADDED if tokens is None else Outcome.CREATED,
            mission.title,
            results,
            warnings,
            attendee_id,
            manage_token=tokens[0] if tokens else None,
            feed_token=tokens[1] if tokens else None,
        )

    async def register_group(
        self, slug: str, request: GroupRequest, manage_token: str | None, *, remembered: str | None = None
    ) -> GroupOutcome:
        """A head of delegation and their members, for the same sessions, in one transaction.

        The head is found or created as in `register` (an address registered before, without
        its manage token, changes nothing and is mailed its link). Each member becomes an
        attendee of their own, led by the head; a member whose address is registered already
        is left as they are and mailed their link. Then session by session (in id order, the
        one lock order) the head and the members in the order given take their seats
        through the seat ledger: confirmed while seats remain, the rest waitlisted in that
        order. When nobody got anything, nothing is stored (`AllSessionsRefused`)."""
        head = request.head
        check_delegation(head.email, [m.email for m in request.members])
        now = self._clock()
        turns = signup_turns(head.session_ids, self._database.lock_timeout_seconds)
        async with turns, self._database.write() as db:
            found = await self._attendee_for(db, slug, head, manage_token, now, remembered)
            if found is None:
                return GroupOutcome(SignupOutcome(Outcome.EXISTING_ADDRESS, ""), [])
            head_id, tokens = found
            if tokens is None:  # an existing head brings their own name, address and language
                head = await _as_signup(db, head_id, head.session_ids)
            members = [await self._new_member(db, slug, member, head, head_id, now) for member in request.members]
            seated = [(head_id, tokens is not None), *((m[1], True) for m in members if m[1] is not None)]
            mission, signups = await _take_seats(db, slug, head.session_ids, seated, now)
            by_attendee: dict[int, list[SessionResult]] = {}
            for attendee_id, result, _ in signups:
                by_attendee.setdefault(attendee_id, []).append(result)
            if all(r.status == SignupStatus.REFUSED for rs in by_attendee.values() for r in rs):
                raise AllSessionsRefused(
                    "No session of this request takes registrations.",
                    results=[_result_dict(r) for r in by_attendee[head_id]],
                )
            newly = [locked for attendee_id, result, locked in signups if attendee_id == head_id
                     and locked is not None and result.status != SignupStatus.REFUSED and result.code is None]
            warnings = await _warnings_for(db, mission.id, head_id, newly, newcomer=tokens is not None)
        head_outcome = SignupOutcome(
            Outcome.ADDED if tokens is None else Outcome.CREATED, mission.title, by_attendee[head_id], warnings,
            head_id, manage_token=tokens[0] if tokens else None, feed_token=tokens[1] if tokens else None,
        )
        return GroupOutcome(head_outcome, [
            _member_outcome(member, attendee_id, member_tokens, by_attendee, head.session_ids)
            for member, attendee_id, member_tokens in members
        ])

    async def _new_member(
        self, db: AsyncSession, slug: str, member: MemberRequest, head: SignupRequest, head_id: int, now: datetime
    ) -> tuple[MemberRequest, int | None, tuple[str, str] | None]:
        """(member, new attendee id, their tokens), or no id when the address is taken
        (its owner is mailed their link, as for any repeated address)."""
        salt = new_token_salt()
        manage = manage_token_for(self._secret_key, salt, 0)
        tokens = manage, feed_token_for(manage, 0)
        created = await _insert_person(db, slug, member.name, member.email, head.organisation, head.language,
                                       salt, tokens, now, head_id)
        if created is not None:
            return member, created, tokens
        mission = await _open_mission(db, slug)
        owner = await _attendee_by_email(db, mission.id, member.email or "")
        if owner is not None:
            await enqueue(db, MailKind.MANAGE_LINK, mission_id=mission.id, attendee_id=owner.id, session_id=None, now=now)
        return member, None, None

    async def _attendee_for(
        self, db: AsyncSession, slug: str, request: SignupRequest, manage_token: str | None, now: datetime,
        remembered: str | None = None,
    ) -> tuple[int, tuple[str, str] | None] | None:
        """(attendee id, new tokens): the attendee of the manage token (or of a remembered
        one, for its own address), or a new one with their tokens. None when the address is
        registered already: nothing of that attendee changes, the caller learns nothing, and
        the owner is mailed their link."""
        if manage_token is None and remembered is not None:
            manage_token = await _remembered_for(db, slug, remembered, request.email)
        if manage_token is not None:
            found = (await db.execute(_ATTENDEE_IN_MISSION, {"hash": token_digest(manage_token), "slug": slug})).first()
            if found is None:
                await _open_mission(db, slug)  # a missing mission is told first
                # The same answer for a random token and another attendee's: nothing to probe.
                raise NotFound("No attendee for this token.", code="attendee_not_found")
            return found.id, None
        salt = new_token_salt()
        manage = manage_token_for(self._secret_key, salt, 0)
        tokens = manage, feed_token_for(manage, 0)
        created = await _insert_attendee(db, slug, request, salt, tokens, now)
        if created is not None:
            return created, tokens
        mission = await _open_mission(db, slug)  # no such mission, or the address is taken
        if mission.status == MissionStatus.DRAFT:
            raise mission_not_found(slug)
        owner = await _attendee_by_email(db, mission.id, request.email or "")
        if owner is not None:
            await enqueue(db, MailKind.MANAGE_LINK, mission_id=mission.id, attendee_id=owner.id, session_id=None, now=now)
        return None

    async def resend_manage_link(self, slug: str, email: str) -> None:
        """Mail the manage link to `email` if it is registered for this published mission.
        The caller learns nothing either way: the answer is the same."""
        now = self._clock()
        async with self._database.write() as db:
            mission = await _open_mission(db, slug)
            if mission.status != MissionStatus.PUBLISHED:
                raise mission_not_found(slug)
            owner = await _attendee_by_email(db, mission.id, email)
            if owner is not None:
                await enqueue(db, MailKind.MANAGE_LINK, mission_id=mission.id, attendee_id=owner.id, session_id=None,
                              now=now)

    async def me(self, manage_token: str) -> AttendeeView:
        async with self._database.read() as db:
            attendee = await attendee_by_manage_token(db, manage_token)
            return await attendee_view(db, attendee, self._secret_key)

    async def cancel_mine(self, manage_token: str, session_id: int) -> AttendeeView:
        now = self._clock()
        async with self._database.write() as db:
            attendee = await attendee_by_manage_token(db, manage_token)
            locked = await lock_session(db, session_id, attendee.mission_id)
            registration = None if locked is None else await _live_registration(db, session_id, attendee.id)
            if locked is None or registration is None:
                raise NotFound(f"No registration for session {session_id}.", code="registration_not_found")
            await release_seat(db, locked, registration, now)
            return await attendee_view(db, attendee, self._secret_key)

    async def cancel_by_organiser(self, slug: str, registration_id: int, organiser: Organiser | None) -> None:
        now = self._clock()
        async with self._database.write() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.MANAGE_ATTENDEES)
            registration = await db.scalar(
                select(Registration)
                .join(ProgrammeSession, ProgrammeSession.id == Registration.session_id)
                .where(Registration.id == registration_id, ProgrammeSession.mission_id == mission.id)
            )
            if registration is None:
                raise NotFound(f"No registration {registration_id} in this mission.", code="registration_not_found")
            locked = await lock_session(db, registration.session_id)
            await db.refresh(registration)
            if registration.status == RegistrationStatus.CANCELLED or locked is None:
                return
            await release_seat(db, locked, registration, now)

    async def set_language(self, manage_token: str, language: str) -> None:
        """The language of the attendee's mail and personal feed from now on."""
        await self.set_preferences(manage_token, language, None)

    async def set_reminder(self, manage_token: str, reminder: Reminder) -> None:
        """How long before each of their sessions the attendee's personal feed reminds them."""
        await self.set_preferences(manage_token, None, reminder)

    async def set_preferences(self, manage_token: str, language: str | None, reminder: Reminder | None) -> AttendeeView:
        """The attendee's language and reminder (None: as they are), in one transaction."""
        chosen = None if language is None else supported(language)
        if language is not None and chosen is None:
            raise InvalidInput(
                f"The language must be one of {', '.join(LANGUAGES)}.", code="language_not_supported", field="language"
            )
        async with self._database.write() as db:
            attendee = await attendee_by_manage_token(db, manage_token)
            if chosen is not None:
                attendee.language = chosen
            if reminder is not None:
                attendee.reminder = Reminder(reminder).value
            attendee.updated_at = self._clock()
            return await attendee_view(db, attendee, self._secret_key)

    async def rotate_feed_token(self, manage_token: str) -> str:
        """A new personal feed token; the old feed URL stops working at once."""
        async with self._database.write() as db:
            attendee = await attendee_by_manage_token(db, manage_token)
            attendee.feed_generation += 1
            token = feed_token_for(manage_token, attendee.feed_generation)
            attendee.feed_token_hash = token_digest(token)
            attendee.updated_at = self._clock()
            await enqueue(db, MailKind.FEED_ROTATED, mission_id=attendee.mission_id, attendee_id=attendee.id,
                          session_id=None, now=attendee.updated_at)
        return token

    async def rotate_manage_token(self, manage_token: str) -> tuple[str, str]:
        """A new manage token (the old one stops working at once) and, since the feed token
        derives from it, a new feed token too; returns both."""
        async with self._database.write() as db:
            attendee = await attendee_by_manage_token(db, manage_token)
            attendee.manage_generation += 1
            manage = manage_token_for(self._secret_key, attendee.token_salt, attendee.manage_generation)
            attendee.manage_token_hash = token_digest(manage)
            feed = feed_token_for(manage, attendee.feed_generation)
            attendee.feed_token_hash = token_digest(feed)
            attendee.updated_at = self._clock()
            await enqueue(db, MailKind.MANAGE_LINK, mission_id=attendee.mission_id, attendee_id=attendee.id,
                          session_id=None, now=attendee.updated_at)
        return manage, feed


async def mission_has_registrations(db: AsyncSession, mission_id: int) -> bool:
    query = select(
        exists()
        .where(Registration.session_id == ProgrammeSession.id)
        .where(ProgrammeSession.mission_id == mission_id)
    )
    return bool(await db.scalar(query))


async def attendee_by_feed_token(db: AsyncSession, feed_token: str) -> Attendee | None:
    return await db.scalar(select(Attendee).where(Attendee.feed_token_hash == token_digest(feed_token)))


# --- helpers ----------------------------------------------------------------------------------------


async def attendee_by_manage_token(db: AsyncSession, token: str) -> Attendee:
    attendee = await db.scalar(select(Attendee).where(Attendee.manage_token_hash == token_digest(token)))
    if attendee is None:
        # The same answer for a random token and another attendee's: nothing to probe.
        raise NotFound("No attendee for this token.", code="attendee_not_found")
    return attendee


async def _remembered_for(db: AsyncSession, slug: str, token: str, email: str | None) -> str | None:
    """The remembered manage token, when it is an attendee's of this mission with this address."""
    if email is None:
        return None
    key = await db.scalar(
        _ATTENDEE_IN_MISSION.with_only_columns(_ATTENDEE.c.email_key), {"hash": token_digest(token), "slug": slug}
    )
    return token if key is not None and key == email_key(email) else None


async def _attendee_by_email(db: AsyncSession, mission_id: int, email: str) -> Attendee | None:
    return await db.scalar(
        select(Attendee).where(Attendee.mission_id == mission_id, Attendee.email_key == email_key(email))
    )


@dataclass(frozen=True, slots=True)
class _SignupMission:
    id: int
    status: MissionStatus
    title: str

    @classmethod
    def of(cls, locked: LockedSession) -> _SignupMission:
        row = locked.session
        return cls(row.mission_id, row.mission_status, row.mission_title)


_ATTENDEE = Attendee.__table__
_MISSION = Mission.__table__
_SIGNUP_MISSION = select(_MISSION.c.id, _MISSION.c.status, _MISSION.c.title).where(_MISSION.c.slug == bindparam("slug"))
_ATTENDEE_IN_MISSION = (
    select(_ATTENDEE.c.id)
    .join_from(_ATTENDEE, _MISSION, _MISSION.c.id == _ATTENDEE.c.mission_id)
    .where(_ATTENDEE.c.manage_token_hash == bindparam("hash"), _MISSION.c.slug == bindparam("slug"))
)


async def _open_mission(db: AsyncSession, slug: str) -> _SignupMission:
    """The mission of a signup (published, or a draft the caller turns away); 404 if none."""
    row = (await db.execute(_SIGNUP_MISSION, {"slug": slug})).first()
    if row is None:
        raise mission_not_found(slug)
    return _SignupMission(row.id, row.status, row.title)


# A new attendee of the mission `slug` in one statement. An address already registered
# (the unique key decides, also against a concurrent request) or a missing mission
# inserts nothing and returns no id.
_NEW_ATTENDEE_COLUMNS = [c for c in _ATTENDEE.c if c.name not in ("id", "mission_id")]
_NEW_ATTENDEE = select(
    _MISSION.c.id,
    *(
        # Without a language of their own, an attendee reads the mission's default.
        func.coalesce(bindparam(c.name, type_=c.type), _MISSION.c.default_language)
        if c.name == "language" else bindparam(c.name, type_=c.type)
        for c in _NEW_ATTENDEE_COLUMNS
    ),
).where(_MISSION.c.slug == bindparam("slug"))
_INSERT_ATTENDEE = {
    name: dialect.insert(_ATTENDEE)
    .from_select(["mission_id", *(c.name for c in _NEW_ATTENDEE_COLUMNS)], _NEW_ATTENDEE)
    .on_conflict_do_nothing(index_elements=["mission_id", "email_key"])
    .returning(_ATTENDEE.c.id)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


async def _insert_attendee(
    db: AsyncSession, slug: str, request: SignupRequest, salt: str, tokens: tuple[str, str], now: datetime
) -> int | None:
    """The new attendee's id, or None (the address is registered already, or no mission)."""
    if not request.name or not request.email:
        raise InvalidInput(
            "A new registration needs name and email (or a manage token as bearer).",
            code="attendee_details_missing",
            field="email",
        )
    return await _insert_person(db, slug, request.name, request.email, request.organisation, request.language,
                                salt, tokens, now, reminder=request.reminder)


async def _insert_person(
    db: AsyncSession, slug: str, name: str, email: str | None, organisation: str | None, language: str | None,
    salt: str, tokens: tuple[str, str], now: datetime, head_id: int | None = None,
    reminder: Reminder | None = None,
) -> int | None:
    """One new attendee row; without an address (a delegation member) it has no address key."""
    statement = _INSERT_ATTENDEE[db.get_bind().dialect.name]
    return (await db.execute(statement, {
        "slug": slug,
        "name": name.strip(),
        "email": (email or "").strip(),
        "email_key": email_key(email) if email else None,
        "organisation": (organisation or "").strip(),
        "token_salt": salt,
        "manage_token_hash": token_digest(tokens[0]),
        "feed_token_hash": token_digest(tokens[1]),
        "manage_generation": 0,
        "feed_generation": 0,
        "language": supported(language),
        "delegation_head_id": head_id,
        "reminder": Reminder(reminder or Reminder.NONE).value,
        "created_at": now,
        "updated_at": now,
    })).scalar_one_or_none()


async def _sign_up(
    db: AsyncSession, mission: _SignupMission, locked: LockedSession | None, attendee_id: int, session_id: int,
    now: datetime, *, newcomer: bool,
) -> tuple[SessionResult, LockedSession | None]:
    """One session of a signup, under its lock. A newcomer (created in this transaction)
    has no registration yet, so only an existing attendee is checked for one."""
    if locked is None or locked.session.status == SessionStatus.DRAFT:
        return SessionResult(session_id, SignupStatus.REFUSED, code=Refusal.SESSION_NOT_FOUND), None
    if not newcomer:
        existing = await _live_registration(db, session_id, attendee_id)
        if existing is not None:  # idempotent: the same answer again, and nothing stored
            position = (await waitlist_positions(db, [existing])).get(existing.id)
            return SessionResult(session_id, SignupStatus(existing.status), position, ALREADY_REGISTERED), locked
    reason = refusal(signup_window(mission.status, locked.session), now)
    if reason is not None:
        return SessionResult(session_id, SignupStatus.REFUSED, code=reason, title=locked.session.title), locked
    seat = await claim_seat(db, locked, attendee_id, now)
    return SessionResult(session_id, SignupStatus(seat.status), seat.waitlist_position), locked


async def _take_seats(
    db: AsyncSession, slug: str, session_ids: Sequence[int], attendees: Sequence[tuple[int, bool]], now: datetime
) -> tuple[_SignupMission, list[tuple[int, SessionResult, LockedSession | None]]]:
    """Seats for several attendees ((id, newcomer), in queue order) in each session, the
    sessions locked one at a time in id order; results in the order of `session_ids`."""
    mission: _SignupMission | None = None
    signups = []
    for session_id in sorted(set(session_ids)):
        locked = await lock_for_signup(db, slug, session_id)
        if mission is None:  # the first lock reads the mission too
            mission = _SignupMission.of(locked) if locked else await _open_mission(db, slug)
            if mission.status == MissionStatus.DRAFT:
                raise mission_not_found(slug)  # and the new attendees are rolled back
        for attendee_id, newcomer in attendees:
            result, _ = await _sign_up(db, mission, locked, attendee_id, session_id, now, newcomer=newcomer)
            signups.append((attendee_id, result, locked))
    assert mission is not None  # session_ids is never empty
    order = {sid: i for i, sid in enumerate(session_ids)}
    signups.sort(key=lambda s: order[s[1].session_id])  # stable: each session's queue order stays
    return mission, signups


def _member_outcome(
    member: MemberRequest, attendee_id: int | None, tokens: tuple[str, str] | None,
    by_attendee: dict[int, list[SessionResult]], session_ids: Sequence[int],
) -> MemberOutcome:
    if attendee_id is None:  # the address was taken: nothing of its owner changed
        refused = [SessionResult(sid, SignupStatus.REFUSED, code=ATTENDEE_EXISTS) for sid in dict.fromkeys(session_ids)]
        return MemberOutcome(member.name, member.email, None, refused)
    held = tokens if tokens is not None and not member.email else (None, None)  # the head keeps only these
    return MemberOutcome(member.name, member.email, attendee_id, by_attendee.get(attendee_id, []), *held)


async def _as_signup(db: AsyncSession, attendee_id: int, session_ids: Sequence[int]) -> SignupRequest:
    attendee = await db.get_one(Attendee, attendee_id)
    return SignupRequest(attendee.name, attendee.email, attendee.organisation, session_ids, attendee.language)


async def _live_registration(db: AsyncSession, session_id: int, attendee_id: int) -> Registration | None:
    return await db.scalar(
        select(Registration).where(
            Registration.session_id == session_id,
            Registration.attendee_id == attendee_id,
            Registration.status != RegistrationStatus.CANCELLED,
        )
    )


def _slot(session: Any) -> Slot:
    """A session (an ORM object or a locked row) as an attendee's schedule sees it."""
    return Slot(session.id, session.title, session.starts_at_utc, session.ends_at_utc, session.venue_id,
                frozenset(), session.timezone)


async def _warnings_for(
    db: AsyncSession, mission_id: int, attendee_id: int, newly: list[LockedSession], *, newcomer: bool
) -> list[ScheduleWarning]:
    """Clashes of the newly registered sessions with each other and with the attendee's
    confirmed ones; a newcomer has none of the latter, and one session alone clashes with nothing."""
    if not newly or (newcomer and len(newly) < 2):
        return []
    new = [_slot(locked.session) for locked in newly]
    confirmed = [] if newcomer else await _other_confirmed_slots(db, attendee_id, {s.session_id for s in new})
    if len(new) + len(confirmed) < 2:
        return []
    return schedule_warnings(new, confirmed, await mission_travel_times(db, mission_id))


async def _other_confirmed_slots(db: AsyncSession, attendee_id: int, new_ids: set[int]) -> list[Slot]:
    rows = await db.scalars(
        select(ProgrammeSession)
        .join(Registration, Registration.session_id == ProgrammeSession.id)
        .where(Registration.attendee_id == attendee_id, Registration.status == RegistrationStatus.CONFIRMED)
        .where(ProgrammeSession.status != SessionStatus.CANCELLED)
    )
    return [_slot(s) for s in rows if s.id not in new_ids]


async def attendee_view(db: AsyncSession, attendee: Attendee, secret_key: str) -> AttendeeView:
    mission = await db.get_one(Mission, attendee.mission_id)
    rows = list(await db.execute(
        select(Registration, ProgrammeSession)
        .join(ProgrammeSession, ProgrammeSession.id == Registration.session_id)
        .where(Registration.attendee_id == attendee.id)
        .order_by(ProgrammeSession.starts_at_utc, Registration.id)
    ))
    positions = await waitlist_positions(db, (registration for registration, _ in rows))
    return AttendeeView(attendee, mission, [
        AttendeeRegistration(r, s, positions.get(r.id), _check_in_code(secret_key, r)) for r, s in rows
    ])


def _check_in_code(secret_key: str, registration: Registration) -> str | None:
    if registration.status != RegistrationStatus.CONFIRMED:
        return None
    return check_in_code_for(secret_key, registration.id)


def _result_dict(result: SessionResult) -> dict[str, object]:
    return {
        "session_id": result.session_id,
        "status": result.status,
        "waitlist_position": result.waitlist_position,
        "code": result.code,
    }

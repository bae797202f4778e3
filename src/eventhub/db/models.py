"""Tables. Wall-clock times plus their IANA zone are the truth; UTC columns are an index."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from advanced_alchemy.base import BigIntBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    JSON,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.domain.mail import MailKind, MailStatus
from eventhub.domain.permissions import Role
from eventhub.domain.reminders import Reminder
from eventhub.domain.programme import (
    MissionStatus,
    RegistrationMode,
    RegistrationStatus,
    SessionKind,
    SessionStatus,
    SpeakerRole,
)


def _enum(enum_class: type, name: str, length: int = 16) -> Enum:
    # Stored as VARCHAR plus a CHECK constraint: portable, and new values need no ALTER TYPE.
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda members: [m.value for m in members],
    )


# JSON documents (translations, language lists): JSONB on PostgreSQL. (advanced-alchemy's
# JsonB type does the same but calls a helper SQLAlchemy 2.1 removed.)
Json = JSON().with_variant(JSONB(), "postgresql")


class Timestamps:
    """Set by the services from the injected clock, so tests control them."""

    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class Mission(Timestamps, BigIntBase):
    __tablename__ = "mission"

    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    host_city: Mapped[str] = mapped_column(String(120), default="")
    host_country: Mapped[str] = mapped_column(String(2))
    timezone: Mapped[str] = mapped_column(String(64))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    organiser_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    funding_note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[MissionStatus] = mapped_column(_enum(MissionStatus, "mission_status"))
    # The language the mission's own texts are written in, and its pages' default.
    default_language: Mapped[str] = mapped_column(String(8), default="en", server_default=text("'en'"))
    # The languages it offers translations in (eventhub.domain.translations).
    content_languages: Mapped[list[str]] = mapped_column(Json, default=list, server_default=text("'[]'"))
    translations: Mapped[dict[str, Any]] = mapped_column(Json, default=dict, server_default=text("'{}'"))
    # Bumped by every change to the mission or its programme: the key of cached feeds.
    version: Mapped[int] = mapped_column(Integer, default=1)


class Venue(BigIntBase):
    __tablename__ = "venue"
    __table_args__ = (UniqueConstraint("mission_id", "name", name="uq_venue_mission_name"),)

    mission_id: Mapped[int] = mapped_column(ForeignKey("mission.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int | None] = mapped_column(Integer)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    timezone: Mapped[str | None] = mapped_column(String(64))
    translations: Mapped[dict[str, Any]] = mapped_column(Json, default=dict, server_default=text("'{}'"))


class Person(BigIntBase):
    __tablename__ = "person"

    mission_id: Mapped[int] = mapped_column(ForeignKey("mission.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    role_title: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254))


class ProgrammeSession(Timestamps, BigIntBase):
    """A session of the programme (named so it cannot be mistaken for a database session)."""

    __tablename__ = "programme_session"
    __table_args__ = (
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
    )

    mission_id: Mapped[int] = mapped_column(ForeignKey("mission.id", ondelete="CASCADE"), index=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)  # random, the calendar UID's local part
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[SessionKind] = mapped_column(_enum(SessionKind, "session_kind"))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_local: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    ends_local: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    timezone: Mapped[str] = mapped_column(String(64))
    starts_at_utc: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    ends_at_utc: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id", ondelete="RESTRICT"), index=True)
    online_url: Mapped[str | None] = mapped_column(String(500))
    capacity: Mapped[int | None] = mapped_column(Integer)
    registration: Mapped[RegistrationMode] = mapped_column(_enum(RegistrationMode, "registration_mode"))
    registration_opens_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    registration_closes_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    language: Mapped[str | None] = mapped_column(String(35))
    status: Mapped[SessionStatus] = mapped_column(_enum(SessionStatus, "session_status"))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    # Why the organisers cancelled it (page, feeds, mail); None while not cancelled.
    cancel_reason: Mapped[str | None] = mapped_column(Text, default=None)
    translations: Mapped[dict[str, Any]] = mapped_column(Json, default=dict, server_default=text("'{}'"))
    # Live registrations by status, kept by database triggers (migration 0006) on every
    # write of a registration: read them, never set them. The seat lock reads them with
    # the locked row, so they are current there.
    confirmed_count: Mapped[int] = mapped_column(Integer, server_default=text("0"), default=0)
    waitlisted_count: Mapped[int] = mapped_column(Integer, server_default=text("0"), default=0)

    speakers: Mapped[list[SessionSpeaker]] = relationship(
        order_by="SessionSpeaker.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    venue: Mapped[Venue | None] = relationship(lazy="joined")


class SessionSpeaker(BigIntBase):
    __tablename__ = "session_speaker"
    __table_args__ = (UniqueConstraint("session_id", "person_id", name="uq_session_speaker"),)

    session_id: Mapped[int] = mapped_column(ForeignKey("programme_session.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    role: Mapped[SpeakerRole] = mapped_column(_enum(SpeakerRole, "speaker_role"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    person: Mapped[Person] = relationship(lazy="joined")


class TravelTime(BigIntBase):
    __tablename__ = "travel_time"
    __table_args__ = (
        UniqueConstraint("from_venue_id", "to_venue_id", name="uq_travel_time_pair"),
        CheckConstraint("minutes >= 0", name="minutes_not_negative"),
    )

    mission_id: Mapped[int] = mapped_column(ForeignKey("mission.id", ondelete="CASCADE"), index=True)
    from_venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"))
    to_venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"))
    minutes: Mapped[int] = mapped_column(Integer)


class OrganiserToken(BigIntBase):
    """An organiser's API token; only its SHA-256 digest is kept. It belongs to an account
    (and never acts above that account's role) or, without one, to the installation."""

    __tablename__ = "organiser_token"

    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    mission_id: Mapped[int | None] = mapped_column(ForeignKey("mission.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    # The most the token may do in its mission (domain.permissions.Role); None: owner.
    role: Mapped[Role | None] = mapped_column(_enum(Role, "token_role"))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class Account(BigIntBase):
    """An organiser who signs in. The password is kept only as an Argon2id hash."""

    __tablename__ = "account"

    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254), unique=True)  # case-folded: the identity
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    all_missions: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class Membership(BigIntBase):
    """An account's role in one mission's team."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("account_id", "mission_id", name="uq_membership_account_mission"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    mission_id: Mapped[int] = mapped_column(ForeignKey("mission.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "membership_role"))
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class WebSession(BigIntBase):
    """A signed-in browser: the cookie holds a random id, the table only its digest, so
    every worker sees the session and signing out ends it everywhere."""

    __tablename__ = "web_session"

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class AccountLink(BigIntBase):
    """A single-use link mailed to someone: a password reset (for an account) or a team
    invitation (to an address, with a mission and role). Only the digest is kept."""

    __tablename__ = "account_link"

    purpose: Mapped[str] = mapped_column(String(16))  # "reset" | "invitation"
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    mission_id: Mapped[int | None] = mapped_column(ForeignKey("mission.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role | None] = mapped_column(_enum(Role, "link_role"))
    invited_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    # The link's mail, sent like the outbox's (claimed under a lease, retried): the link's
    # secret is derived from the server key and this random key, so it is never stored.
    message_key: Mapped[str] = mapped_column(String(36), unique=True)
    language: Mapped[str] = mapped_column(String(8), default="en", server_default=text("'en'"))
    mail_status: Mapped[MailStatus] = mapped_column(
        _enum(MailStatus, "link_mail_status"), default=MailStatus.PENDING, server_default=text("'pending'")
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    lease_until: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class HistoryEntry(BigIntBase):
    """One organiser write, recorded in the transaction that made it."""

    __tablename__ = "history_entry"
    __table_args__ = (Index("ix_history_mission_id", "mission_id", "id"),)

    mission_id: Mapped[int] = mapped_column(ForeignKey("mission.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))  # the account's or the token's name, as it was
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    token_id: Mapped[int | None] = mapped_column(ForeignKey("organiser_token.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(String(32))  # session, venue, person, registration, ...
    subject_id: Mapped[int | None] = mapped_column(BigInteger)
    session_id: Mapped[int | None] = mapped_column(BigInteger, index=True)  # for the filter by session
    change: Mapped[str] = mapped_column(String(32))  # created, updated, deleted, cancelled, ...
    fields: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    # Names and addresses of attendees: shown only to those who may see attendees.
    about_attendees: Mapped[bool] = mapped_column(default=False)


class Attendee(Timestamps, BigIntBase):
    """One per e-mail address per mission; tokens are kept only as SHA-256 digests.

    A delegation's member names its head (`delegation_head_id`); a member without an
    address of their own has an empty `email` and no `email_key`, and their mail goes to
    the head."""

    __tablename__ = "attendee"
    __table_args__ = (UniqueConstraint("mission_id", "email_key", name="uq_attendee_mission_email"),)

    # Not indexed on its own: the unique (mission_id, email_key) constraint serves it.
    mission_id: Mapped[int] = mapped_column(ForeignKey("mission.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str | None] = mapped_column(String(254))  # case-folded: the identity of the address
    organisation: Mapped[str] = mapped_column(String(200), default="")
    manage_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    feed_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Tokens are derived (server secret -> manage token -> feed token) from the salt and
    # these counters, so mail can carry the links without the tokens being stored;
    # rotating bumps a counter.
    token_salt: Mapped[str] = mapped_column(String(32))
    manage_generation: Mapped[int] = mapped_column(Integer, default=0)
    feed_generation: Mapped[int] = mapped_column(Integer, default=0)
    # The interface language they registered in: their mail and personal feed use it.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default=text("'en'"))
    delegation_head_id: Mapped[int | None] = mapped_column(
        ForeignKey("attendee.id", ondelete="SET NULL"), index=True, default=None
    )
    # How long before each of their sessions their personal feed reminds them (a VALARM).
    reminder: Mapped[str] = mapped_column(String(8), default=Reminder.NONE.value, server_default=text("'none'"))


_LIVE = text("status <> 'cancelled'")


class Registration(Timestamps, BigIntBase):
    """An attendee in a session. Waitlist order is the id order among waitlisted rows."""

    __tablename__ = "registration"
    __table_args__ = (
        # The database backs the rule: at most one live registration per attendee and session.
        Index(
            "uq_registration_live", "session_id", "attendee_id",
            unique=True, sqlite_where=_LIVE, postgresql_where=_LIVE,
        ),
        Index("ix_registration_session_status", "session_id", "status", "id"),
    )

    session_id: Mapped[int] = mapped_column(ForeignKey("programme_session.id", ondelete="CASCADE"))
    attendee_id: Mapped[int] = mapped_column(ForeignKey("attendee.id", ondelete="CASCADE"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(_enum(RegistrationStatus, "registration_status"))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class OutboxMessage(Timestamps, BigIntBase):
    """Mail to send, written in the transaction of the change that causes it.

    It holds references and facts, not text: `facts` (eventhub.db.mail_facts) keep what
    was true when the change happened, and the message (with the attendee's links,
    derived from the server secret) is composed from them when it is sent, so no secret
    is stored. Rows without facts (older ones, and kinds that need none) are composed
    from the state at send time.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        UniqueConstraint("organiser_message_id", "attendee_id", name="uq_outbox_organiser_message_attendee"),
    )

    mission_id: Mapped[int] = mapped_column(ForeignKey("mission.id", ondelete="CASCADE"), index=True)
    attendee_id: Mapped[int] = mapped_column(ForeignKey("attendee.id", ondelete="CASCADE"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("programme_session.id", ondelete="CASCADE"))
    kind: Mapped[MailKind] = mapped_column(_enum(MailKind, "mail_kind", length=32))
    status: Mapped[MailStatus] = mapped_column(_enum(MailStatus, "mail_status"))
    message_key: Mapped[str] = mapped_column(String(36), unique=True)  # the stable Message-ID
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    lease_until: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    # A message an organiser wrote (kind organiser_message); one row per recipient, never two.
    organiser_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("organiser_message.id", ondelete="CASCADE")
    )
    # The meeting request a meeting mail is about (eventhub.db.meeting_models).
    meeting_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_request.id", ondelete="CASCADE")
    )
    facts: Mapped[dict[str, Any] | None] = mapped_column(Json)


class FeedStamp(BigIntBase):
    """A feed entry's or a whole feed's content digest with its SEQUENCE and time
    (eventhub.domain.stamps); `key` names the entry and its language, e.g. "s12/ru/ru"."""

    __tablename__ = "feed_stamp"

    key: Mapped[str] = mapped_column(String(160), unique=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("mission.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64))
    sequence: Mapped[int] = mapped_column(Integer)
    stamped_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class CheckIn(BigIntBase):
    """An attendee at the door: at most one per registration (the database decides a race)."""

    __tablename__ = "check_in"

    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), unique=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("programme_session.id", ondelete="CASCADE"), index=True)
    checked_in_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    checked_in_by: Mapped[str] = mapped_column(String(200), default="")


class OrganiserMessage(BigIntBase):
    """A message organisers wrote to attendees; the outbox holds one row per recipient."""

    __tablename__ = "organiser_message"

    mission_id: Mapped[int] = mapped_column(ForeignKey("mission.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("programme_session.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    include_waitlisted: Mapped[bool] = mapped_column(default=False)
    recipients: Mapped[int] = mapped_column(Integer)
    sent_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class IdempotencyRecord(BigIntBase):
    """A POST made with an Idempotency-Key: its fingerprint, and once done its answer
    (encrypted: a registration's answer carries the attendee's tokens)."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("client", "key", name="uq_idempotency_client_key"),)

    client: Mapped[str] = mapped_column(String(64))  # digest of who asked (token or address)
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of path, query string and body (POSTs only)
    completed: Mapped[bool] = mapped_column(default=False)
    response: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    locked_until: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


# The meeting tables live in their own module; imported here so that one metadata holds them all.
from eventhub.db import meeting_models as _meeting_models  # noqa: E402, F401

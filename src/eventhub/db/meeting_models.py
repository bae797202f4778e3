"""Tables of bilateral meetings: profiles, requests, the plan (slots cut from windows,
tables) and its meetings. Times are UTC instants; the mission's zone shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from advanced_alchemy.base import BigIntBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from eventhub.db.models import Json, Timestamps, _enum
from eventhub.domain.meetings.requests import DEFAULT_EXPIRY_HOURS, DEFAULT_MAX_OPEN_REQUESTS, RequestStatus


class MeetingProfile(Timestamps, BigIntBase):
    """An attendee who takes part in meetings; one per attendee (so per mission)."""

    __tablename__ = "meeting_profile"

    mission_id: Mapped[int] = mapped_column(ForeignKey("mission.id", ondelete="CASCADE"), index=True)
    attendee_id: Mapped[int] = mapped_column(ForeignKey("attendee.id", ondelete="CASCADE"), unique=True)
    organisation: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    sector: Mapped[str] = mapped_column(String(200), default="")
    offer: Mapped[str] = mapped_column(Text, default="")
    seek: Mapped[str] = mapped_column(Text, default="")
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class MeetingRequestRow(Timestamps, BigIntBase):
    __tablename__ = "meeting_request"
    __table_args__ = (
        CheckConstraint("from_profile_id <> to_profile_id", name="not_to_self"),
        Index("ix_meeting_request_from_status", "from_profile_id", "status"),
        Index("ix_meeting_request_to_status", "to_profile_id", "status"),
    )

    mission_id: Mapped[int] = mapped_column(ForeignKey("mission.id", ondelete="CASCADE"), index=True)
    from_profile_id: Mapped[int] = mapped_column(ForeignKey("meeting_profile.id", ondelete="CASCADE"))
    to_profile_id: Mapped[int] = mapped_column(ForeignKey("meeting_profile.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[RequestStatus] = mapped_column(_enum(RequestStatus, "meeting_request_status"))
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class MeetingPlan(Timestamps, BigIntBase):
    """A mission's meeting settings and plan. `version` goes up with every change a
    schedule depends on; the solve lease keeps two solves of one mission apart."""

    __tablename__ = "meeting_plan"

    mission_id: Mapped[int] = mapped_column(ForeignKey("mission.id", ondelete="CASCADE"), unique=True)
    slot_minutes: Mapped[int] = mapped_column(Integer, default=30)
    request_expiry_hours: Mapped[int] = mapped_column(Integer, default=DEFAULT_EXPIRY_HOURS)
    max_open_requests: Mapped[int] = mapped_column(Integer, default=DEFAULT_MAX_OPEN_REQUESTS)
    version: Mapped[int] = mapped_column(Integer, default=1)
    published_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    solve_id: Mapped[str | None] = mapped_column(String(36))
    solving_until: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    # The last schedule's answer beyond the placements: bound, proof, left-out reasons.
    last_run: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)


class MeetingWindow(BigIntBase):
    __tablename__ = "meeting_window"

    plan_id: Mapped[int] = mapped_column(ForeignKey("meeting_plan.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="RESTRICT"), index=True)


class MeetingTable(BigIntBase):
    __tablename__ = "meeting_table"
    __table_args__ = (UniqueConstraint("plan_id", "name", name="uq_meeting_table_plan_name"),)

    plan_id: Mapped[int] = mapped_column(ForeignKey("meeting_plan.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Meeting(Timestamps, BigIntBase):
    """An accepted request's place in the plan. The working placement is what organisers
    edit; the published one is what the two sides see (feeds, mail) until the next
    publish. A meeting once published keeps its row: unplaced, it shows as cancelled."""

    __tablename__ = "meeting"

    mission_id: Mapped[int] = mapped_column(ForeignKey("mission.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("meeting_request.id", ondelete="CASCADE"), unique=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)  # the calendar UID's local part
    starts_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    ends_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    table_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_table.id", ondelete="SET NULL"))
    locked: Mapped[bool] = mapped_column(default=False)
    published_starts_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    published_ends_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    published_table_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_table.id", ondelete="SET NULL"))
    published_table_name: Mapped[str] = mapped_column(String(100), default="")
    published_venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id", ondelete="SET NULL"))
    published_cancelled: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    sequence: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def placed(self) -> bool:
        return self.starts_at is not None and self.table_id is not None

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

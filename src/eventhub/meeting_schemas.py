"""Request and response bodies of the bilateral meetings API (the rest is `schemas`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import Meta

from eventhub.domain.meetings.plan import MAX_SLOT_MINUTES, MIN_SLOT_MINUTES
from eventhub.domain.meetings.requests import (
    MAX_EXPIRY_HOURS,
    MAX_OPEN_REQUESTS,
    MESSAGE_MAX,
    PROFILE_LINE_MAX,
    PROFILE_TEXT_MAX,
)
from eventhub.schemas import CountryCode, Id, Input, LocalDateTime

ProfileLine = Annotated[str, Meta(max_length=PROFILE_LINE_MAX)]
ProfileText = Annotated[str, Meta(max_length=PROFILE_TEXT_MAX)]
TableName = Annotated[str, Meta(min_length=1, max_length=100)]


class MeetingProfileIn(Input, kw_only=True):
    organisation: Annotated[str, Meta(min_length=1, max_length=PROFILE_LINE_MAX)]
    country: CountryCode
    sector: ProfileLine = ""
    offer: ProfileText = ""
    seek: ProfileText = ""


class MeetingProfileOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    organisation: str
    country: str
    sector: str
    offer: str
    seek: str


class MeetingRequestIn(Input, kw_only=True):
    to_profile_id: Id
    message: Annotated[str, Meta(max_length=MESSAGE_MAX)] = ""


class MeetingRequestOut(msgspec.Struct, kw_only=True):
    id: int
    status: str
    message: str
    expires_at: datetime
    created_at: datetime
    answered_at: datetime | None
    sender: MeetingProfileOut
    recipient: MeetingProfileOut


class MeetingInboxOut(msgspec.Struct, kw_only=True):
    profile: MeetingProfileOut
    incoming: list[MeetingRequestOut]
    outgoing: list[MeetingRequestOut]
    open_requests: int
    max_open_requests: int
    request_expiry_hours: int


class VenueNameOut(msgspec.Struct, kw_only=True):
    id: int
    name: str


class MyMeetingOut(msgspec.Struct, kw_only=True):
    request_id: int
    status: str  # confirmed or cancelled
    starts_at: datetime  # with the mission zone's offset
    ends_at: datetime
    timezone: str
    table: str
    venue: VenueNameOut | None
    sequence: int
    other: MeetingProfileOut


class MeetingWindowIn(Input, kw_only=True):
    starts_at: LocalDateTime
    ends_at: LocalDateTime
    venue_id: Id


class MeetingTableIn(Input, kw_only=True):
    name: TableName
    venue_id: Id


class MeetingPlanIn(Input, kw_only=True):
    slot_minutes: Annotated[int, Meta(ge=MIN_SLOT_MINUTES, le=MAX_SLOT_MINUTES)]
    windows: Annotated[list[MeetingWindowIn], Meta(max_length=200)]
    tables: Annotated[list[MeetingTableIn], Meta(max_length=500)]
    request_expiry_hours: Annotated[int, Meta(ge=1, le=MAX_EXPIRY_HOURS)] | None = None
    max_open_requests: Annotated[int, Meta(ge=1, le=MAX_OPEN_REQUESTS)] | None = None


class MeetingMoveIn(Input, kw_only=True):
    starts_at: LocalDateTime
    table_id: Id


class MeetingWindowOut(msgspec.Struct, kw_only=True):
    starts_at: datetime
    ends_at: datetime
    venue_id: int


class MeetingTableOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    venue_id: int


class PlannedMeetingOut(msgspec.Struct, kw_only=True):
    request_id: int
    starts_at: datetime
    ends_at: datetime
    table_id: int
    table: str
    venue_id: int
    locked: bool
    published: bool
    unpublished_change: bool
    sides: list[MeetingProfileOut]


class LeftOutOut(msgspec.Struct, kw_only=True):
    request_id: int
    reason: str  # no_common_free_slot, table_capacity, locked_conflict, schedule_full, time_limit, not_scheduled_yet
    sides: list[MeetingProfileOut]


class ScheduleRunOut(msgspec.Struct, kw_only=True):
    at: datetime
    placed: int
    upper_bound: int
    proven_optimal: bool
    fewest_per_participant: int
    moves: int
    solver_seconds: float
    locked_clashes: list[int]


class MeetingPlanOut(msgspec.Struct, kw_only=True):
    slot_minutes: int
    request_expiry_hours: int
    max_open_requests: int
    timezone: str
    version: int
    published_at: datetime | None
    windows: list[MeetingWindowOut]
    tables: list[MeetingTableOut]
    slots: list[MeetingWindowOut]
    meetings: list[PlannedMeetingOut]
    left_out: list[LeftOutOut]
    unpublished_changes: int
    last_run: ScheduleRunOut | None


class MeetingPublishOut(msgspec.Struct, kw_only=True):
    scheduled: int
    moved: int
    cancelled: int
    plan: MeetingPlanOut

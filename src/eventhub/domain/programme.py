"""Vocabulary of a mission's programme, and which changes a calendar must hear about."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from eventhub.domain.errors import InvalidInput


class MissionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class SessionKind(StrEnum):
    WORKSHOP = "workshop"
    SEMINAR = "seminar"
    PRESENTATION = "presentation"
    INTERACTIVE = "interactive"
    MEETING = "meeting"
    SITE_VISIT = "site_visit"
    NETWORKING = "networking"
    OTHER = "other"

    @property
    def label(self) -> str:
        """How people write it: "Site visit", "Workshop"."""
        return self.value.replace("_", " ").capitalize()


class SessionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class RegistrationMode(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    NONE = "none"  # no sign-up needed


class SpeakerRole(StrEnum):
    SPEAKER = "speaker"
    HOST = "host"
    MODERATOR = "moderator"


@dataclass(frozen=True, slots=True)
class CalendarFacts:
    """What subscribers' calendars show of a session; a change here bumps SEQUENCE."""

    title: str
    starts_local: datetime
    ends_local: datetime
    timezone: str
    venue_id: int | None
    venue_label: str  # the venue's name and address as calendars show them
    status: SessionStatus
    # The venue itself, so that a "changed" mail can say where the session was; the
    # label above is what calendars compare.
    place: Place | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Place:
    """A venue's name and address with their translations ({language: {field: text}})."""

    name: str
    address: str
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


def next_sequence(sequence: int, before: CalendarFacts, after: CalendarFacts) -> int:
    """RFC 5545 SEQUENCE after an edit: up by one when the calendar entry changes."""
    return sequence + 1 if before != after else sequence


def check_session_times(
    starts_local: datetime,
    ends_local: datetime,
    starts_utc: datetime,
    ends_utc: datetime,
    mission_starts_on: date,
    mission_ends_on: date,
) -> None:
    """A session ends after it starts and lies within the mission's (local) dates."""
    if ends_utc <= starts_utc:
        raise InvalidInput("ends_at must be after starts_at.", code="ends_before_start", field="ends_at")
    if not within_mission_dates(starts_local, ends_local, mission_starts_on, mission_ends_on):
        raise InvalidInput(
            f"The session must lie within the mission's dates, {mission_starts_on} to {mission_ends_on}.",
            code="outside_mission_dates",
            field="starts_at",
        )


def within_mission_dates(starts_local: datetime, ends_local: datetime, starts_on: date, ends_on: date) -> bool:
    return starts_on <= starts_local.date() and ends_local.date() <= ends_on


def check_mission_dates(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise InvalidInput("ends_on must not be before starts_on.", code="ends_before_start", field="ends_on")


class RegistrationStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class ChangeKind(StrEnum):
    """What a change to one session means for the people who follow the programme."""

    PUBLISHED = "published"  # a draft goes public
    CANCELLED = "cancelled"
    REINSTATED = "reinstated"  # a cancelled session is on again
    WITHDRAWN = "withdrawn"  # back to draft: feeds that showed it show it cancelled
    MOVED = "moved"  # time, zone or venue
    CHANGED = "changed"  # what calendars show otherwise (its title, its venue's name)


def change_kind(before: CalendarFacts, after: CalendarFacts) -> ChangeKind | None:
    """How subscribers see the change from `before` to `after`; None if they see none."""
    if before == after:
        return None
    if before.status != after.status:
        if after.status == SessionStatus.CANCELLED:
            return ChangeKind.CANCELLED
        if after.status == SessionStatus.DRAFT:
            return ChangeKind.WITHDRAWN if before.status == SessionStatus.PUBLISHED else None
        return ChangeKind.PUBLISHED if before.status == SessionStatus.DRAFT else ChangeKind.REINSTATED
    if after.status == SessionStatus.DRAFT:
        return None  # nobody outside sees a draft
    placed = (before.starts_local, before.ends_local, before.timezone, before.venue_id)
    if placed != (after.starts_local, after.ends_local, after.timezone, after.venue_id):
        return ChangeKind.MOVED
    return ChangeKind.CHANGED


class BulkAction(StrEnum):
    """What the session list does to the sessions an organiser ticked."""

    PUBLISH = "publish"
    CANCEL = "cancel"
    SHIFT = "shift"  # by a number of minutes, earlier when negative
    VENUE = "venue"  # to another venue, or to none

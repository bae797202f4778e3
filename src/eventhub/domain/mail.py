"""What attendees are told, and how often a failed delivery is retried."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

MAX_ATTEMPTS = 10
LEASE = timedelta(minutes=2)  # a sender that dies mid-send frees its messages after this


class MailKind(StrEnum):
    REGISTERED = "registered"  # confirmation (or waitlist place) after signing up
    PROMOTED = "promoted"  # moved up from the waitlist into a seat
    REGISTRATION_CANCELLED = "registration_cancelled"
    SESSION_CHANGED = "session_changed"  # time, place or title changed (SEQUENCE went up)
    SESSION_CANCELLED = "session_cancelled"
    MANAGE_LINK = "manage_link"  # someone registered with this address and no manage token
    FEED_ROTATED = "feed_rotated"


class MailStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a sender under a lease
    SENT = "sent"
    FAILED = "failed"  # gave up after MAX_ATTEMPTS


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 30 s, 1 min, 2 min, ... capped at 6 hours."""
    doublings = min(max(attempts - 1, 0), 10)  # 30 s * 2**10 is past the cap already
    return min(timedelta(seconds=30 * 2**doublings), timedelta(hours=6))


def gives_up(attempts: int) -> bool:
    return attempts >= MAX_ATTEMPTS

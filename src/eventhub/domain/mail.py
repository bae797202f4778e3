"""What attendees are told, and how often a failed delivery is retried."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from eventhub.domain.errors import InvalidInput

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
    ORGANISER_MESSAGE = "organiser_message"  # written by the organisers to a session or the mission
    # Bilateral meetings (the outbox row names the request):
    MEETING_REQUESTED = "meeting_requested"  # to the one asked
    MEETING_ACCEPTED = "meeting_accepted"  # to the one who asked
    MEETING_DECLINED = "meeting_declined"  # to the one who asked
    MEETING_REQUEST_EXPIRED = "meeting_request_expired"  # to the one who asked
    MEETING_REQUEST_CANCELLED = "meeting_request_cancelled"  # the other side withdrew
    MEETING_SCHEDULED = "meeting_scheduled"  # published: when, where, with whom
    MEETING_MOVED = "meeting_moved"  # published again elsewhere (SEQUENCE went up)
    MEETING_CANCELLED = "meeting_cancelled"  # unplaced after publishing, or the other side withdrew


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


SUBJECT_MAX = 200
BODY_MAX = 20_000


def check_message(subject: str, body: str) -> None:
    """What an organiser writes to attendees: a one-line subject (a line break there would
    start a new mail header), a body of text without control characters."""
    check_subject(subject)
    check_body(body)


def check_subject(subject: str) -> None:
    if not subject.strip():
        raise InvalidInput("Write a subject.", code="subject_blank", field="subject")
    if len(subject) > SUBJECT_MAX or any(ord(c) < 32 or 127 <= ord(c) < 160 for c in subject):
        raise InvalidInput(
            f"The subject is one line of at most {SUBJECT_MAX} characters.", code="subject_invalid", field="subject"
        )


def check_body(body: str) -> None:
    if not body.strip():
        raise InvalidInput("Write the message.", code="body_blank", field="body")
    if len(body) > BODY_MAX or any((ord(c) < 32 and c not in "\n\r\t") or ord(c) == 127 for c in body):
        raise InvalidInput(
            f"The message is text of at most {BODY_MAX} characters.", code="body_invalid", field="body"
        )


def body_paragraphs(body: str) -> list[str]:
    """An organiser's text as paragraphs: blank lines between them, single breaks kept."""
    return [p.strip() for p in body.replace("\r\n", "\n").split("\n\n") if p.strip()]

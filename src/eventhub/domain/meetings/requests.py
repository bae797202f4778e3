"""Meeting profiles and requests: their states and the rules for asking, answering and
expiring. Plain data; the service reads and writes the rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from eventhub.domain.errors import InvalidInput, StateConflict

DEFAULT_EXPIRY_HOURS = 72
DEFAULT_MAX_OPEN_REQUESTS = 10
MAX_EXPIRY_HOURS = 24 * 60
MAX_OPEN_REQUESTS = 200
MESSAGE_MAX = 1_000
PROFILE_TEXT_MAX = 2_000
PROFILE_LINE_MAX = 200


class RequestStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"  # a side withdrew their profile


LIVE_STATUSES = (RequestStatus.PENDING, RequestStatus.ACCEPTED)


@dataclass(frozen=True, slots=True)
class RequestSettings:
    """What the organiser sets: how long a request waits for an answer, and how many
    unanswered requests one participant may have out at once."""

    expiry_hours: int = DEFAULT_EXPIRY_HOURS
    max_open_requests: int = DEFAULT_MAX_OPEN_REQUESTS

    def __post_init__(self) -> None:
        if not 1 <= self.expiry_hours <= MAX_EXPIRY_HOURS:
            raise InvalidInput(
                f"Requests expire after 1 to {MAX_EXPIRY_HOURS} hours.", code="expiry_out_of_range",
                field="request_expiry_hours",
            )
        if not 1 <= self.max_open_requests <= MAX_OPEN_REQUESTS:
            raise InvalidInput(
                f"The cap on open requests is 1 to {MAX_OPEN_REQUESTS}.", code="open_request_cap_out_of_range",
                field="max_open_requests",
            )

    def expires_at(self, now: datetime) -> datetime:
        return now + timedelta(hours=self.expiry_hours)


def current_status(status: RequestStatus, expires_at: datetime, now: datetime) -> RequestStatus:
    """A pending request past its expiry is expired, whether or not the row says so yet."""
    if status == RequestStatus.PENDING and expires_at <= now:
        return RequestStatus.EXPIRED
    return status


def check_new_request(
    *, from_profile: int, to_profile: int, to_active: bool, open_requests: int, live_between: bool,
    settings: RequestSettings, message: str,
) -> None:
    """Whether one participant may ask another for a meeting now."""
    if from_profile == to_profile:
        raise InvalidInput("You cannot ask yourself for a meeting.", code="request_to_self", field="to_profile_id")
    if not to_active:
        raise InvalidInput("No such meeting profile in this mission.", code="profile_not_found", field="to_profile_id")
    check_message(message)
    if live_between:
        raise StateConflict(
            "You two already have a pending or accepted request.", code="request_exists"
        )
    if open_requests >= settings.max_open_requests:
        raise StateConflict(
            f"You have {open_requests} unanswered requests out; the limit is {settings.max_open_requests}. "
            "Wait for answers or for them to expire.",
            code="open_request_limit", limit=settings.max_open_requests,
        )


def check_message(message: str) -> None:
    if len(message) > MESSAGE_MAX or any((ord(c) < 32 and c not in "\n\r\t") or ord(c) == 127 for c in message):
        raise InvalidInput(
            f"The message is text of at most {MESSAGE_MAX} characters.", code="message_invalid", field="message"
        )


def check_answer(status: RequestStatus, *, answering_profile: int, recipient_profile: int) -> None:
    """Only the recipient answers, and only a pending request."""
    if answering_profile != recipient_profile:
        raise StateConflict("Only the person asked can answer this request.", code="not_your_request")
    if status != RequestStatus.PENDING:
        raise StateConflict(f"This request is {status.value}.", code=f"request_{status.value}", request_status=status.value)


@dataclass(frozen=True, slots=True)
class ProfileFields:
    organisation: str
    country: str
    sector: str
    offer: str
    seek: str

    def __post_init__(self) -> None:
        for name in ("organisation", "sector"):
            value = getattr(self, name)
            if len(value) > PROFILE_LINE_MAX or any(ord(c) < 32 or ord(c) == 127 for c in value):
                raise InvalidInput(
                    f"{name} is one line of at most {PROFILE_LINE_MAX} characters.", code="profile_invalid", field=name
                )
        if not self.organisation.strip():
            raise InvalidInput("Name your organisation.", code="organisation_blank", field="organisation")
        if not (len(self.country) == 2 and self.country.isascii() and self.country.isalpha() and self.country.isupper()):
            raise InvalidInput(
                "country is an ISO 3166-1 alpha-2 code such as LV or KG.", code="country_invalid", field="country"
            )
        for name in ("offer", "seek"):
            value = getattr(self, name)
            if len(value) > PROFILE_TEXT_MAX or any((ord(c) < 32 and c not in "\n\r\t") or ord(c) == 127 for c in value):
                raise InvalidInput(
                    f"{name} is text of at most {PROFILE_TEXT_MAX} characters.", code="profile_invalid", field=name
                )

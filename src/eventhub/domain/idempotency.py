"""Idempotency-Key (IETF httpapi draft): a retried POST gets the first answer again.

The same key with another body is an error (422), a key whose first request is still
running is a conflict (409); a key is remembered for 24 hours per client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

RETENTION = timedelta(hours=24)
IN_FLIGHT_LEASE = timedelta(seconds=60)  # a request that died mid-way frees its key after this
# Visible ASCII, as a structured-field string carries. The OpenAPI document spells the same
# rule as KEY_PATTERN; the check is a full match (Python's `$` would also take a final newline).
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
_KEY = re.compile(r"[\x21-\x7e]{1,255}")


class Decision(StrEnum):
    PROCEED = "proceed"  # first use (or the earlier attempt died): run the request
    REPLAY = "replay"  # done before with the same request: answer as then
    IN_FLIGHT = "in_flight"
    MISMATCH = "mismatch"  # the key was used for a different request


@dataclass(frozen=True, slots=True)
class PriorUse:
    fingerprint: str
    completed: bool
    locked_until: datetime
    expires_at: datetime


def is_valid_key(key: str) -> bool:
    return _KEY.fullmatch(key) is not None


def normalized_key(key: str) -> str:
    """The key a client means: `"abc"` (the draft's structured-field string) and `abc` are one
    key. Quotes alone (`"`, `""`) are a key of their own, as the pattern allows them."""
    if len(key) > 2 and key[0] == key[-1] == '"':
        return key[1:-1]
    return key


def decide(prior: PriorUse | None, fingerprint: str, now: datetime) -> Decision:
    if prior is None or prior.expires_at <= now:
        return Decision.PROCEED
    if prior.fingerprint != fingerprint:
        return Decision.MISMATCH
    if prior.completed:
        return Decision.REPLAY
    return Decision.IN_FLIGHT if prior.locked_until > now else Decision.PROCEED


def should_remember(status: int) -> bool:
    """Final answers are replayed; transient ones (429, 5xx) let the client try again."""
    return status < 500 and status != 429

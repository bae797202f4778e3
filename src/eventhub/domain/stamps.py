"""The one rule for calendar validators: a feed's entries and the feed itself are
stamped with the moment their content last changed, never with the moment they were read.

An event's content is everything a calendar shows of it except its own SEQUENCE, DTSTAMP
and LAST-MODIFIED; a feed's content is its bytes. Each keeps a `Stamp`: the digest of the
content it was last seen with, its SEQUENCE and when that content first appeared. The
digest moves exactly when the content does, so the stamp does too, and a change that
shows nowhere (a capacity, a count of registrations) leaves every byte as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

_RESOLUTION = timedelta(seconds=1)  # DTSTAMP and Last-Modified are written in whole seconds


@dataclass(frozen=True, slots=True)
class Stamp:
    digest: str
    sequence: int
    stamped_at: datetime
    """Aware, whole seconds: DTSTAMP and LAST-MODIFIED of an event, Last-Modified of a feed."""


def restamp(stored: Stamp | None, digest: str, *, base_sequence: int, base_time: datetime, now: datetime) -> Stamp:
    """The stamp of content with `digest`, given the one stored for it.

    First seen: the entity's own record (`base_*`: the session's sequence and last change),
    so existing subscribers see the bytes they saw before stamps were kept. Same digest:
    unchanged. A new digest: SEQUENCE up (never below the base, which mail invitations
    carry) and the time moved on by at least a second, so that it visibly moves."""
    if stored is None:
        return Stamp(digest, base_sequence, _whole(base_time))
    if stored.digest == digest:
        return stored
    return Stamp(
        digest,
        max(stored.sequence + 1, base_sequence),
        max(_whole(now), stored.stamped_at + _RESOLUTION),
    )


def _whole(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)

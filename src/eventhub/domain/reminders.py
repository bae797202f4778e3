"""The reminder an attendee may ask for before each of their sessions."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum


class Reminder(StrEnum):
    NONE = "none"
    MINUTES_15 = "15m"
    HOUR_1 = "1h"
    DAY_1 = "1d"

    @property
    def before(self) -> timedelta | None:
        """How long before the start the calendar reminds; None: no reminder."""
        return _BEFORE[self]


_BEFORE = {
    Reminder.NONE: None,
    Reminder.MINUTES_15: timedelta(minutes=15),
    Reminder.HOUR_1: timedelta(hours=1),
    Reminder.DAY_1: timedelta(days=1),
}

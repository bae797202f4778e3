"""RFC 5545 feeds from plain objects.

Imports only the standard library and icalendar: no web framework, no database,
no I/O beyond reading tz data, no clock. Every time comes in as data.
"""

from eventhub.calendar.model import CalendarEvent, CalendarMeta, EventStatus
from eventhub.calendar.render import PRODID, EventCache, clear_zone_caches, content_digest, render_calendar, render_event
from eventhub.calendar.vtimezone import build_vtimezone

__all__ = [
    "PRODID",
    "CalendarEvent",
    "CalendarMeta",
    "EventCache",
    "EventStatus",
    "build_vtimezone",
    "clear_zone_caches",
    "content_digest",
    "render_calendar",
    "render_event",
]

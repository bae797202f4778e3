"""eventhub: mission programmes, registrations with waitlists, and iCalendar feeds."""

__version__ = "0.1.0"

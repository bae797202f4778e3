"""The programme's part of the back office, every controller of it, for ORGANISE_ROUTES:
missions (new, overview, details, publishing, preview, copy), venues, people, travel
times, sessions (list, bulk, form), the timetable editor and the import."""

from __future__ import annotations

from typing import Any

from eventhub.web.organise import importing, programme, sessions, timetable

ROUTES: list[Any] = [
    programme.MissionPages,
    programme.VenuePages,
    programme.PeoplePages,
    programme.TravelTimePages,
    sessions.SessionPages,
    timetable.TimetablePages,
    importing.ImportPages,
]

"""The timetable editor's grid: five-minute rows, every venue a column, sessions by their
wall-clock time (no HTTP, no database)."""

from __future__ import annotations

from datetime import date, datetime

from eventhub.db.models import Mission, ProgrammeSession, Venue
from eventhub.db.services.seats import SeatCount
from eventhub.db.services.sessions import SessionView
from eventhub.domain.programme import MissionStatus, SessionKind, SessionStatus
from eventhub.web.organise.timetable_grid import build_grid

MISSION = Mission(
    id=1, slug="riga-2027", title="Riga", timezone="Europe/Riga", starts_on=date(2027, 3, 27),
    ends_on=date(2027, 3, 28), status=MissionStatus.DRAFT,
)
HALL = Venue(id=1, name="Hall", timezone=None)
BISHKEK = Venue(id=2, name="Bishkek office", timezone="Asia/Bishkek")


def view(sid: int, start: str, end: str, venue: Venue | None, status: SessionStatus = SessionStatus.PUBLISHED) -> SessionView:
    session = ProgrammeSession(
        id=sid, title=f"S{sid}", kind=SessionKind.SEMINAR, status=status, venue_id=venue.id if venue else None,
        starts_local=datetime.fromisoformat(start), ends_local=datetime.fromisoformat(end), timezone="Europe/Riga",
    )
    session.venue = venue
    return SessionView(session, SeatCount())


def cells(grid_day, column: int):  # type: ignore[no-untyped-def]
    """(title or None, rowspan) down one column."""
    found, covered = [], [0] * len(grid_day.columns)
    for row in grid_day.rows:
        lane = 0
        for cell in row.cells:
            while covered[lane] > 0:
                lane += 1
            covered[lane] = cell.rowspan
            if lane == column:
                found.append((cell.item.title if cell.item else None, cell.rowspan))
            lane += 1
        covered = [max(c - 1, 0) for c in covered]
    return found


def test_every_day_has_every_venue_and_rows_of_five_minutes() -> None:
    grid = build_grid(MISSION, [view(1, "2027-03-27T10:00", "2027-03-27T11:30", HALL)], [HALL, BISHKEK], [])
    first, second = grid.days
    assert [c.heading for c in first.columns] == ["Hall", "Bishkek office"]
    assert first.columns[1].zone == "Asia/Bishkek"  # a venue in another zone says so
    assert first.first_minute == 8 * 60 and len(first.rows) == (19 - 8) * 12
    assert cells(first, 0) == [(None, 24), ("S1", 18), (None, 90)]
    assert cells(first, 1) == [(None, 132)]
    assert second.rows == [] and second.columns == []  # an empty day: its grid on its own page
    alone = build_grid(MISSION, [], [HALL, BISHKEK], [], only_day=second.day).days[0]
    assert [c.heading for c in alone.columns] == ["Hall", "Bishkek office"] and alone.rows  # to drop onto
    assert first.hour_label(first.rows[0]) == "08:00" and first.hour_label(first.rows[1]) is None


def test_an_early_session_widens_the_day_and_odd_times_snap_to_the_grid() -> None:
    grid = build_grid(MISSION, [view(1, "2027-03-27T06:40", "2027-03-27T07:07", HALL)], [HALL], [])
    day = grid.days[0]
    assert day.first_minute == 6 * 60
    assert cells(day, 0)[:2] == [(None, 8), ("S1", 6)]  # 06:40 to 07:10
    block = cells(day, 0)[1]
    assert block == ("S1", 6)
    only = [c.item for row in day.rows for c in row.cells if c.item][0]
    assert (only.starts_at, only.ends_at, only.times) == ("2027-03-27T06:40", "2027-03-27T07:07", "06:40–07:07")


def test_overlapping_sessions_share_a_venue_in_two_lanes_and_cancelled_ones_are_listed_apart() -> None:
    sessions = [
        view(1, "2027-03-27T10:00", "2027-03-27T11:00", HALL),
        view(2, "2027-03-27T10:30", "2027-03-27T11:30", HALL, SessionStatus.DRAFT),
        view(3, "2027-03-27T12:00", "2027-03-27T13:00", HALL, SessionStatus.CANCELLED),
        view(4, "2027-03-28T09:00", "2027-03-28T10:00", None),
    ]
    grid = build_grid(MISSION, sessions, [HALL], conflicted=[1, 2])
    day = grid.days[0]
    assert [(c.heading, c.venue_id) for c in day.columns] == [("Hall", 1), ("Hall (2)", 1)]
    blocks = {c.item.id: c.item for row in day.rows for c in row.cells if c.item}
    assert blocks[2].status == "draft" and blocks[1].in_conflict and blocks[2].in_conflict
    assert [b.id for b in grid.cancelled] == [3]
    assert [(c.heading, c.venue_id) for c in grid.days[1].columns] == [("Hall", 1), ("No venue", None)]


def test_one_day_only() -> None:
    grid = build_grid(MISSION, [], [HALL], [], only_day=date(2027, 3, 28))
    assert [d.day for d in grid.days] == [date(2027, 3, 28)]

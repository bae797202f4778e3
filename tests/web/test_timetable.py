"""The timetable grid: rows between distinct times, rowspans, and lanes for overlaps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from eventhub.web.timetable import build_timetable


@dataclass(frozen=True)
class Slot:
    name: str
    starts: datetime
    ends: datetime
    column_key: tuple[int, str]


def at(hh_mm: str) -> datetime:
    hour, minute = map(int, hh_mm.split(":"))
    return datetime(2026, 12, 7, hour, minute)


HALL, ROOM = (1, "Hall"), (2, "Room")


def spans(table, column: int) -> list[tuple[str | None, int]]:  # type: ignore[no-untyped-def]
    """(item name or None, rowspan) down one column, following the rowspans."""
    cells, row = [], 0
    while row < len(table.rows):
        cell = _cell_at(table, row, column)
        cells.append((cell.item.name if cell.item else None, cell.rowspan))
        row += cell.rowspan
    return cells


def _cell_at(table, row: int, column: int):  # type: ignore[no-untyped-def]
    covered = [0] * len(table.columns)
    for index, current in enumerate(table.rows):
        lane = 0
        for cell in current.cells:
            while covered[lane] > index:
                lane += 1
            if index == row and lane == column:
                return cell
            covered[lane] = index + cell.rowspan
            lane += 1
    raise AssertionError("no cell starts there")


def test_rows_are_the_intervals_between_distinct_times_and_sessions_span_theirs() -> None:
    table = build_timetable(
        [
            Slot("a", at("09:00"), at("10:00"), HALL),
            Slot("b", at("09:30"), at("11:00"), ROOM),
            Slot("c", at("10:30"), at("11:00"), HALL),
        ]
    )
    assert table.columns == ["Hall", "Room"]
    assert [r.starts for r in table.rows] == [at("09:00"), at("09:30"), at("10:00"), at("10:30")]
    assert spans(table, 0) == [("a", 2), (None, 1), ("c", 1)]
    assert spans(table, 1) == [(None, 1), ("b", 3)]


def test_every_column_fills_every_row_exactly_once() -> None:
    slots = [
        Slot("a", at("09:00"), at("12:00"), HALL),
        Slot("b", at("10:00"), at("10:30"), ROOM),
        Slot("c", at("11:15"), at("12:30"), ROOM),
    ]
    table = build_timetable(slots)
    for column in range(len(table.columns)):
        assert sum(span for _, span in spans(table, column)) == len(table.rows)


def test_overlapping_sessions_at_one_venue_get_a_second_lane() -> None:
    table = build_timetable(
        [
            Slot("a", at("09:00"), at("10:00"), HALL),
            Slot("b", at("09:30"), at("10:30"), HALL),
            Slot("c", at("10:00"), at("11:00"), HALL),  # fits after a in the first lane
        ]
    )
    assert table.columns == ["Hall", "Hall (2)"]
    assert spans(table, 0) == [("a", 2), ("c", 2)]
    assert spans(table, 1) == [(None, 1), ("b", 2), (None, 1)]


def test_an_empty_day_has_no_grid() -> None:
    table = build_timetable([])
    assert table.columns == [] and table.rows == []

"""A day's timetable as an HTML table: one column per venue, one row per time step.

Rows are the intervals between the distinct start and end times of the day, so a session
spans (rowspan) exactly the rows it covers and the table needs no inline styles, which
the pages' Content-Security-Policy forbids. Two sessions that overlap at one venue (an
organiser may allow such a conflict) get side-by-side columns instead of colliding.
The back office's editor asks for rows of equal length instead (`times`), so that height
is time, and for every venue's column, empty ones too (`columns`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, Protocol, TypeVar


class Placed(Protocol):
    @property
    def starts(self) -> datetime: ...

    @property
    def ends(self) -> datetime: ...

    @property
    def column_key(self) -> tuple[int, str]:
        """(sort order, heading) of the venue column; sessions without a venue share one."""
        ...


T = TypeVar("T", bound=Placed)


@dataclass(frozen=True, slots=True)
class Cell(Generic[T]):
    item: T | None  # None: an empty stretch of the column
    rowspan: int


@dataclass(frozen=True, slots=True)
class Row(Generic[T]):
    starts: datetime
    cells: list[Cell[T]]  # only the cells that begin in this row (the rest are spanned)


@dataclass(frozen=True, slots=True)
class Timetable(Generic[T]):
    columns: list[str]
    rows: list[Row[T]]
    keys: list[tuple[int, str]] = field(default_factory=list)  # each column's venue key


def build_timetable(
    items: Sequence[T], *, times: Sequence[datetime] | None = None, columns: Sequence[tuple[int, str]] = ()
) -> Timetable[T]:
    """`times`: the rows' boundaries, which must include every item's start and end
    (default: exactly those); `columns`: venue keys that get a column without items."""
    if not items and not (times and columns):
        return Timetable([], [])
    lanes = _lanes(items, columns)
    times = sorted(times or {t for item in items for t in (item.starts, item.ends)})
    steps = times[:-1]
    index = {t: i for i, t in enumerate(times)}
    rows: list[Row[T]] = [Row(t, []) for t in steps]
    for lane in lanes:
        _fill_lane(lane.items, rows, index)
    return Timetable([lane.heading for lane in lanes], rows, [lane.key for lane in lanes])


@dataclass(slots=True)
class _Lane(Generic[T]):
    key: tuple[int, str]
    heading: str
    items: list[T]


def _lanes(items: Sequence[T], columns: Sequence[tuple[int, str]] = ()) -> list[_Lane[T]]:
    """Columns per venue, split into extra lanes only where sessions overlap."""
    lanes: list[_Lane[T]] = [_Lane(key, key[1], []) for key in sorted(set(columns))]
    for item in sorted(items, key=lambda i: (i.column_key, i.starts, i.ends)):
        same_venue = [lane for lane in lanes if lane.key == item.column_key]
        free = next((lane for lane in same_venue if not lane.items or lane.items[-1].ends <= item.starts), None)
        if free is None:
            heading = (
                item.column_key[1] if not same_venue else f"{item.column_key[1]} ({len(same_venue) + 1})"
            )
            free = _Lane(item.column_key, heading, [])
            lanes.append(free)
        free.items.append(item)
    return sorted(lanes, key=lambda lane: lane.key)  # stable: a venue's lanes stay in order


def _fill_lane(items: list[T], rows: list[Row[T]], index: dict[datetime, int]) -> None:
    position = 0
    for item in items:
        first, last = index[item.starts], index[item.ends]
        if first > position:
            rows[position].cells.append(Cell(None, first - position))
        rows[first].cells.append(Cell(item, last - first))
        position = last
    if position < len(rows):
        rows[position].cells.append(Cell(None, len(rows) - position))

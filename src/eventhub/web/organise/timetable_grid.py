"""The timetable editor's grid: one table per day, a column per venue (and a lane more
where sessions overlap), rows of five minutes, so that a session's height is its length
and its place the wall-clock time at its venue. The drag-and-drop script reads the
table's data attributes; without it the grid is a page of links and the move form."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from eventhub.db.models import Mission, Venue
from eventhub.db.services.sessions import SessionView
from eventhub.domain.programme import SessionStatus
from eventhub.i18n import _
from eventhub.i18n.labels import kind_label
from eventhub.web.formatting import clock, day_heading
from eventhub.web.organise.programme_views import Paths, status_label
from eventhub.web.timetable import Row, build_timetable

STEP = 5  # minutes per row; moves snap to it
DAY_FIRST = time(8)  # a day's grid shows at least 08:00 to 19:00, and every session
DAY_LAST = time(19)
NO_VENUE = 1 << 62  # the column of sessions without a venue, last


@dataclass(frozen=True, slots=True)
class Block:
    """A session in the grid."""

    id: int
    title: str
    kind: str
    href: str
    status: str  # draft | published (cancelled sessions are listed apart)
    status_label: str
    starts_at: str  # 2026-12-08T10:00, its wall-clock time as the form and the API take it
    ends_at: str
    times: str  # 10:00–11:00
    venue_id: int | None
    in_conflict: bool
    # Snapped to the grid: what the table places.
    starts: datetime
    ends: datetime
    column_key: tuple[int, str]


@dataclass(frozen=True, slots=True)
class Column:
    venue_id: int | None
    heading: str
    zone: str | None  # the venue's own zone, when not the mission's


@dataclass(frozen=True, slots=True)
class DayGrid:
    day: date
    heading: str
    anchor: str
    first_minute: int  # minutes after midnight of the first row
    columns: list[Column]
    rows: list[Row[Block]]
    hour_rows: int  # rows per hour, for the time column's rowspan

    def hour_label(self, row: Row[Block]) -> str | None:
        """'10:00' on the first row of each hour."""
        return clock(row.starts) if row.starts.minute == 0 else None


@dataclass(frozen=True, slots=True)
class Grid:
    days: list[DayGrid]
    cancelled: list[Block]
    step: int = STEP


def _floor(moment: datetime) -> datetime:
    return moment.replace(minute=moment.minute - moment.minute % STEP, second=0, microsecond=0)


def _ceil(moment: datetime) -> datetime:
    floored = _floor(moment)
    return floored if floored == moment else floored + timedelta(minutes=STEP)


def _block(view: SessionView, day: date, paths: Paths, conflicted: set[int], names: dict[int, str]) -> Block:
    s = view.session
    midnight = datetime.combine(day + timedelta(days=1), time())
    starts = _floor(s.starts_local)
    ends = min(max(_ceil(s.ends_local), starts + timedelta(minutes=STEP)), midnight)  # a night session stops at 24:00
    key = (s.venue_id, names[s.venue_id]) if s.venue_id in names else (NO_VENUE, _("No venue"))
    return Block(
        s.id, s.title, kind_label(s.kind), paths.session(s.id), s.status.value, status_label(s.status),
        s.starts_local.isoformat(timespec="minutes"), s.ends_local.isoformat(timespec="minutes"),
        f"{clock(s.starts_local)}–{clock(s.ends_local)}", s.venue_id, s.id in conflicted, starts, ends, key,
    )


def build_grid(
    mission: Mission, sessions: Sequence[SessionView], venues: Sequence[Venue], conflicted: Iterable[int],
    only_day: date | None = None,
) -> Grid:
    """Every day of the mission (or one), each with every venue's column."""
    paths = Paths(mission.slug)
    names = {v.id: v.name for v in venues}
    zones = {v.id: v.timezone for v in venues if v.timezone and v.timezone != mission.timezone}
    marked = set(conflicted)
    by_day: dict[date, list[Block]] = {}
    cancelled = []
    for view in sessions:
        day = view.session.starts_local.date()
        block = _block(view, day, paths, marked, names)
        if view.session.status == SessionStatus.CANCELLED:
            cancelled.append(block)
        else:
            by_day.setdefault(day, []).append(block)
    days = []
    day = mission.starts_on
    while day <= mission.ends_on:
        if only_day is None or day == only_day:
            blocks = by_day.get(day, [])
            # A day without sessions gets its grid when asked for alone (to place one there):
            # a long mission's empty days would otherwise be most of the page.
            days.append(_day(day, blocks, venues, zones) if blocks or only_day else _empty(day))
        day += timedelta(days=1)
    return Grid(days, cancelled)


def _day(day: date, blocks: list[Block], venues: Sequence[Venue], zones: dict[int, str]) -> DayGrid:
    first = min([datetime.combine(day, DAY_FIRST), *(b.starts.replace(minute=0) for b in blocks)])
    last = max([datetime.combine(day, DAY_LAST), *(_ceil_hour(b.ends) for b in blocks)])
    times = [first + timedelta(minutes=STEP * i) for i in range(int((last - first).total_seconds()) // (STEP * 60) + 1)]
    keys = [(v.id, v.name) for v in venues]
    table = build_timetable(blocks, times=times, columns=keys)
    columns = [
        Column(None if key[0] == NO_VENUE else key[0], heading, zones.get(key[0]))
        for key, heading in zip(table.keys, table.columns, strict=True)
    ]
    return DayGrid(
        day, day_heading(day), f"day-{day.isoformat()}", first.hour * 60 + first.minute, columns, table.rows,
        60 // STEP,
    )


def _empty(day: date) -> DayGrid:
    return DayGrid(day, day_heading(day), f"day-{day.isoformat()}", 0, [], [], 60 // STEP)


def _ceil_hour(moment: datetime) -> datetime:
    hour = moment.replace(minute=0, second=0, microsecond=0)
    return hour if hour == moment else hour + timedelta(hours=1)

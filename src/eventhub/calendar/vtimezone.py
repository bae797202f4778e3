"""VTIMEZONE components with RRULE observances, derived from the zone's own tz data.

icalendar's `add_missing_timezones()` writes one RDATE per past transition, which
Outlook mishandles; we write the zone's current POSIX rule as yearly RRULEs and use
dated observances only for transitions that rule does not describe. The result is
checked against `zoneinfo` before anyone gets to see it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard
from icalendar.timezone import TZP

from eventhub.calendar.tzif import LocalType, PosixRule, PosixTZ, Transition, load_zone

_DAY = 86_400
_EPOCH = datetime(1970, 1, 1)
_YEAR_ONE = -62_135_596_800 + _DAY  # 0001-01-02 UTC, in Unix seconds
_WEEKDAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")  # POSIX numbering, 0 = Sunday
_FIXED_MONTH_LENGTH = {1: 31, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}
# Our own provider instance: the library-wide default can be switched to pytz by others.
_ZONEINFO_TZP = TZP("zoneinfo")

# An observance with its onset in UTC and its name, which order the VTIMEZONE.
_Observance = tuple[datetime, str, TimezoneStandard | TimezoneDaylight]


@dataclass(frozen=True, slots=True)
class _Part:
    """One yearly RRULE: a weekday within a set of days of one month, at a wall time."""

    month: int
    weekday: int
    days: tuple[int, ...]  # 1..31, or negative counting from the month's end (-1 = last day)
    seconds: int  # time of day

    def rrule(self) -> dict[str, object]:
        weekday, low, high = _WEEKDAYS[self.weekday], self.days[0], self.days[-1]
        if len(self.days) == 7 and low > 0 and (low - 1) % 7 == 0:
            return {"FREQ": "YEARLY", "BYMONTH": self.month, "BYDAY": f"{(low + 6) // 7}{weekday}"}
        if len(self.days) == 7 and high < 0 and (high + 1) % 7 == 0:
            return {"FREQ": "YEARLY", "BYMONTH": self.month, "BYDAY": f"{low // 7}{weekday}"}
        # Rules shifted past midnight ("M3.4.4/26"): the weekday then falls in a
        # seven-day window that is not a whole week of the month.
        return {"FREQ": "YEARLY", "BYMONTH": self.month, "BYDAY": weekday, "BYMONTHDAY": list(self.days)}


def build_vtimezone(zone: str, first: date, last: date) -> Timezone:
    """A VTIMEZONE for `zone`, correct for every local time from `first` to `last`."""
    if last < first:
        raise ValueError("last must not be before first")
    data = load_zone(zone)
    start = _unix(datetime.combine(first - timedelta(days=1), time()))
    end = _unix(datetime.combine(last + timedelta(days=2), time()))
    transitions = data.transitions_until(end)
    earlier = [t for t in transitions if t.at <= start]
    inside = [t for t in transitions if start < t.at <= end]
    initial = earlier[-1].after if earlier else data.initial
    checks = _check_instants(start, end, inside)
    # Prefer yearly rules; dated observances for everything are the fallback.
    for use_rules in (True, False):
        vtz = _assemble(zone, data.footer, use_rules, earlier[-1:], inside, start, initial)
        if _implies_zoneinfo(vtz, zone, checks):
            return vtz
    raise RuntimeError(f"cannot describe {zone} between {first} and {last} as a VTIMEZONE")


def current_rules_year(zone: str) -> int:
    """The first year in which the zone follows only its current rule, per its tz data.

    A feed without events has no dates, yet RFC 5545 wants one component in it: it
    gets the VTIMEZONE of its own zone for this year, a choice that needs no clock.
    """
    data = load_zone(zone)
    return _year(data.transitions[-1].at) + 1 if data.transitions else 1970


def _assemble(
    zone: str,
    footer: PosixTZ | None,
    use_rules: bool,
    earlier: list[Transition],
    inside: list[Transition],
    start: int,
    initial: LocalType,
) -> Timezone:
    relevant = earlier + inside
    parts = _rule_parts(footer) if use_rules else None
    covered = len(relevant)  # index of the first transition the rule describes from then on
    if footer is not None and parts is not None:
        years = range(_year(relevant[0].at) - 1, _year(relevant[-1].at) + 2) if relevant else range(0)
        ruled = {_key(t) for year in years for t in footer.transitions(year)}
        while covered > 0 and _key(relevant[covered - 1]) in ruled:
            covered -= 1
    negative_dst = footer is not None and footer.dst is not None and footer.dst.utcoffset < footer.std.utcoffset
    observances: list[_Observance] = []
    if not earlier:  # no change in the data before the range: one constant offset from 1970 on
        onset = _wall(min(start, 0), initial.utcoffset)
        observances.append(_observance(False, onset, initial, initial, ()))
    observances += _dated(relevant[:covered], negative_dst, floor=min(start, _unix(datetime(1800, 1, 1))))
    if footer is not None and parts is not None and covered < len(relevant):
        observances += _ruled(footer, parts, relevant[covered].at)
    vtz = Timezone()
    vtz.add("TZID", zone)
    for _, _, observance in sorted(observances, key=lambda o: (o[0], o[1])):
        vtz.add_component(observance)
    return vtz


def _dated(transitions: list[Transition], negative_dst: bool, floor: int) -> list[_Observance]:
    """One observance per kind of change, its first occurrence as DTSTART and the rest as RDATEs."""
    groups: dict[tuple[int, int, str, bool], list[datetime]] = {}
    for t in transitions:
        key = (t.before.utcoffset, t.after.utcoffset, t.after.abbr, t.after.isdst)
        groups.setdefault(key, []).append(_wall(max(t.at, floor), t.before.utcoffset))
    result = []
    for (before, after, abbr, isdst), walls in groups.items():
        daylight = isdst != negative_dst  # tzdata's "negative DST" (Europe/Dublin) flips the flag
        result.append(
            _observance(daylight, walls[0], LocalType(before, False, ""), LocalType(after, isdst, abbr), walls[1:])
        )
    return result


def _ruled(footer: PosixTZ, parts: dict[str, list[_Part]], since: int) -> list[_Observance]:
    """RRULE observances, each starting at its first occurrence at or after `since`."""
    assert footer.dst is not None
    assert footer.start is not None
    assert footer.end is not None
    legs = (("start", footer.start, footer.std, footer.dst), ("end", footer.end, footer.dst, footer.std))
    result = []
    for name, rule, before, after in legs:
        for part in parts[name]:
            dtstart = _first_occurrence(rule, part, before.utcoffset, since)
            if dtstart is not None:
                daylight = after.utcoffset > before.utcoffset
                result.append(_observance(daylight, dtstart, before, after, (), part.rrule()))
    return result


def _first_occurrence(rule: PosixRule, part: _Part, before: int, since: int) -> datetime | None:
    year = _year(since) - 1
    for candidate in range(year, year + 60):  # weekday patterns repeat within 28 years
        wall = rule.local(candidate)
        if wall.month == part.month and _unix(wall) - before >= since:
            return wall
    return None


def _rule_parts(footer: PosixTZ | None) -> dict[str, list[_Part]] | None:
    if footer is None or footer.start is None or footer.end is None:
        return None
    start, end = _to_parts(footer.start), _to_parts(footer.end)
    if start is None or end is None:
        return None
    return {"start": start, "end": end}


def _to_parts(rule: PosixRule) -> list[_Part] | None:
    """Express an `Mm.w.d/time` rule as one RRULE, or two when it spills into a neighbour month."""
    if rule.kind != "M":
        return None  # Julian-day rules: left to dated observances
    shift, seconds = divmod(rule.time, _DAY)
    positive = rule.week < 5
    window = range(7 * rule.week - 6, 7 * rule.week + 1) if positive else range(-7, 0)
    groups: dict[int, list[int]] = {}
    for day in window:
        placed = _place(rule.month, day + shift, positive)
        if placed is None:
            return None
        groups.setdefault(placed[0], []).append(placed[1])
    weekday = (rule.weekday + shift) % 7
    return [
        _Part((rule.month - 1 + delta) % 12 + 1, weekday, tuple(sorted(days)), seconds)
        for delta, days in sorted(groups.items())
    ]


def _place(month: int, day: int, positive: bool) -> tuple[int, int] | None:
    """(month delta, day of that month) for a day counted from the start or end of `month`."""
    length = _FIXED_MONTH_LENGTH.get(month)
    if positive:
        if day <= 0:
            return -1, day - 1  # counted back from the end of the previous month
        if day <= (length or 28):
            return 0, day
        return None if length is None else (1, day - length)
    if day >= 0:
        return 1, day + 1
    if day >= -(length or 28):
        return 0, day
    return None if length is None else (-1, day + length)


def _observance(
    daylight: bool,
    dtstart: datetime,
    before: LocalType,
    after: LocalType,
    rdates: Iterable[datetime],
    rrule: dict[str, object] | None = None,
) -> _Observance:
    observance = TimezoneDaylight() if daylight else TimezoneStandard()
    observance.add("DTSTART", dtstart)
    observance.add("TZOFFSETFROM", timedelta(seconds=before.utcoffset))
    observance.add("TZOFFSETTO", timedelta(seconds=after.utcoffset))
    if rrule is not None:
        observance.add("RRULE", rrule)
    for rdate in rdates:  # one per line: vobject, for one, keeps only the first of a list
        observance.add("RDATE", rdate)
    if after.abbr.isalpha():  # "+06"-style numeric abbreviations are no names
        observance.add("TZNAME", after.abbr)
    onset = dtstart - timedelta(seconds=before.utcoffset)
    return onset, observance.name, observance


def _check_instants(start: int, end: int, inside: list[Transition]) -> list[int]:
    """Twice a day over the range, and the hour around each transition."""
    instants = list(range(start, end + 1, _DAY // 2))
    for t in inside:
        instants += [t.at - 3_600, t.at - 1, t.at, t.at + 1, t.at + 3_599]
    return sorted(instants)


def _implies_zoneinfo(vtz: Timezone, zone: str, instants: list[int]) -> bool:
    """Whether an independent reader of `vtz` (dateutil, via icalendar) agrees with zoneinfo."""
    try:
        implied = vtz.to_tz(_ZONEINFO_TZP, lookup_tzid=False)
    except ValueError:  # e.g. no observance at all: not a usable VTIMEZONE either
        return False
    actual = ZoneInfo(zone)
    for instant in instants:
        local = datetime.fromtimestamp(instant, actual)  # sets fold for repeated wall times
        if local.replace(tzinfo=implied).utcoffset() != local.utcoffset():
            return False
    return True


def _key(t: Transition) -> tuple[int, int, int]:
    return t.at, t.before.utcoffset, t.after.utcoffset


def _wall(unix: int, utcoffset: int) -> datetime:
    return _EPOCH + timedelta(seconds=unix + utcoffset)


def _unix(wall: datetime) -> int:
    return int((wall - _EPOCH).total_seconds())


def _year(unix: int) -> int:
    # zic may list a "big bang" transition at -2**59; datetime stops at year 1.
    return datetime.fromtimestamp(max(unix, _YEAR_ONE), UTC).year

"""Read a zone's TZif file (RFC 8536): its transitions and its POSIX TZ footer rule.

The VTIMEZONE writer needs what `zoneinfo` knows but does not expose: the list of
offset changes and the rule that extends it into the future.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
import struct
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path


@dataclass(frozen=True, slots=True)
class LocalType:
    """One kind of local time: its offset from UTC in seconds, DST flag, abbreviation."""

    utcoffset: int
    isdst: bool
    abbr: str


@dataclass(frozen=True, slots=True)
class Transition:
    """The instant (Unix seconds) at which local time changes from `before` to `after`."""

    at: int
    before: LocalType
    after: LocalType


@dataclass(frozen=True, slots=True)
class PosixRule:
    """One date rule of a POSIX TZ string: `Mm.w.d`, `Jn` or `n`, plus `/time`."""

    kind: str  # "M", "J" or "n"
    month: int = 0
    week: int = 0  # 1..5, 5 meaning the last
    weekday: int = 0  # 0 = Sunday, as in POSIX
    day: int = 0  # for "J" (1..365, no Feb 29) and "n" (0..365)
    time: int = 7_200  # seconds after local midnight; may be negative or >= 24h

    def local(self, year: int) -> datetime:
        """The wall-clock time of this rule's transition in `year`, in the old offset."""
        if self.kind == "M":
            first = date(year, self.month, 1)
            day = 1 + (self.weekday - (first.isoweekday() % 7)) % 7 + 7 * (self.week - 1)
            while day > _month_length(year, self.month):
                day -= 7
            base = date(year, self.month, day)
        elif self.kind == "J":
            leap_skip = 1 if _is_leap(year) and self.day >= 60 else 0
            base = date(year, 1, 1) + timedelta(days=self.day - 1 + leap_skip)
        else:
            base = date(year, 1, 1) + timedelta(days=self.day)
        return datetime(base.year, base.month, base.day) + timedelta(seconds=self.time)


@dataclass(frozen=True, slots=True)
class PosixTZ:
    """The TZif footer: standard time, and optionally DST with its start and end rules."""

    std: LocalType
    dst: LocalType | None = None
    start: PosixRule | None = None  # std -> dst, in standard wall time
    end: PosixRule | None = None  # dst -> std, in daylight wall time

    def transitions(self, year: int) -> list[Transition]:
        """This rule's two offset changes in `year` (none without DST)."""
        if self.dst is None or self.start is None or self.end is None:
            return []
        on = _at(self.start.local(year), self.std.utcoffset)
        off = _at(self.end.local(year), self.dst.utcoffset)
        found = [Transition(on, self.std, self.dst), Transition(off, self.dst, self.std)]
        return sorted(found, key=lambda t: t.at)


@dataclass(frozen=True, slots=True)
class ZoneData:
    initial: LocalType  # local time before the first transition
    transitions: tuple[Transition, ...]  # the explicit ones
    footer: PosixTZ | None

    def transitions_until(self, end: int) -> list[Transition]:
        """Explicit transitions, extended by the footer rule up to `end` (Unix seconds)."""
        found = [t for t in self.transitions if t.at <= end]
        if self.footer is None:
            return found
        last = self.transitions[-1].at if self.transitions else None
        first_year = _year(last) if last is not None else 1970
        for year in range(first_year, _year(end) + 1):
            for t in self.footer.transitions(year):
                if (last is None or t.at > last) and t.at <= end:
                    found.append(t)
        return found


@functools.lru_cache(maxsize=64)
def load_zone(zone: str) -> ZoneData:
    """Parse the TZif file that `zoneinfo.ZoneInfo(zone)` itself reads (cached, as zoneinfo does)."""
    zoneinfo.ZoneInfo(zone)  # rejects unknown and malformed keys before any file access
    return parse_tzif(_tzif_bytes(zone))


def _tzif_bytes(zone: str) -> bytes:
    # Same search order as zoneinfo (TZPATH first, then the tzdata package), so the
    # rules we write come from the data that our verification compares against.
    for root in zoneinfo.TZPATH:
        candidate = Path(root, zone)
        if candidate.is_file():
            return candidate.read_bytes()
    resource = importlib.resources.files("tzdata.zoneinfo").joinpath(*zone.split("/"))
    return resource.read_bytes()


def parse_tzif(data: bytes) -> ZoneData:
    if data[:4] != b"TZif":
        raise ValueError("not a TZif file")
    version = data[4:5]
    counts = struct.unpack(">6l", data[20:44])
    if version == b"\x00":
        times, types, ttinfos = _read_block(data, 44, counts, 4)
        footer = None
    else:
        # Skip the 32-bit block; the 64-bit one after it is authoritative.
        offset = 44 + _block_size(counts, 4)
        counts = struct.unpack(">6l", data[offset + 20 : offset + 44])
        times, types, ttinfos = _read_block(data, offset + 44, counts, 8)
        tail = data[offset + 44 + _block_size(counts, 8) :].strip(b"\n").decode("ascii")
        footer = parse_posix_tz(tail) if tail else None
    transitions: list[Transition] = []
    current = ttinfos[0]
    for at, index in zip(times, types, strict=True):
        new = ttinfos[index]
        if new != current:  # zic also writes transitions that change nothing we use
            transitions.append(Transition(at, current, new))
        current = new
    return ZoneData(ttinfos[0], tuple(transitions), footer)


def _block_size(counts: tuple[int, ...], width: int) -> int:
    isut, isstd, leap, timecnt, typecnt, charcnt = counts
    return timecnt * (width + 1) + typecnt * 6 + charcnt + leap * (width + 4) + isstd + isut


def _read_block(
    data: bytes, offset: int, counts: tuple[int, ...], width: int
) -> tuple[list[int], list[int], list[LocalType]]:
    _, _, _, timecnt, typecnt, charcnt = counts
    fmt = f">{timecnt}{'q' if width == 8 else 'l'}"
    times = list(struct.unpack_from(fmt, data, offset))
    offset += timecnt * width
    types = list(data[offset : offset + timecnt])
    offset += timecnt
    raw = [struct.unpack_from(">lBB", data, offset + 6 * i) for i in range(typecnt)]
    chars = data[offset + 6 * typecnt : offset + 6 * typecnt + charcnt]
    ttinfos = [
        LocalType(utoff, bool(isdst), chars[idx : chars.index(b"\0", idx)].decode("ascii")) for utoff, isdst, idx in raw
    ]
    return times, types, ttinfos


_NAME = r"(<[^>]+>|[A-Za-z]{3,})"
_OFFSET = r"([+-]?\d{1,3}(?::\d{1,2}){0,2})"
_POSIX = re.compile(rf"^{_NAME}{_OFFSET}(?:{_NAME}{_OFFSET}?(?:,([^,]+),([^,]+))?)?$")
_RULE = re.compile(r"^(?:M(\d+)\.(\d)\.(\d)|J(\d+)|(\d+))(?:/" + _OFFSET + ")?$")


def parse_posix_tz(text: str) -> PosixTZ:
    """Parse e.g. "EET-2EEST,M3.5.0/3,M10.5.0/4" or "<+06>-6"."""
    match = _POSIX.match(text)
    if match is None:
        raise ValueError(f"unsupported POSIX TZ string {text!r}")
    std_name, std_off, dst_name, dst_off, start, end = match.groups()
    # POSIX offsets count hours west of Greenwich: the sign is the opposite of UTC's.
    std = LocalType(-_seconds(std_off), False, std_name.strip("<>"))
    if dst_name is None:
        return PosixTZ(std)
    dst_offset = -_seconds(dst_off) if dst_off else std.utcoffset + 3_600
    dst = LocalType(dst_offset, True, dst_name.strip("<>"))
    if start is None or end is None:
        raise ValueError(f"POSIX TZ string without DST rules: {text!r}")
    return PosixTZ(std, dst, _parse_rule(start), _parse_rule(end))


def _parse_rule(text: str) -> PosixRule:
    match = _RULE.match(text)
    if match is None:
        raise ValueError(f"unsupported POSIX TZ rule {text!r}")
    month, week, weekday, julian, zero_based, time = match.groups()
    seconds = _seconds(time) if time else 7_200
    if month:
        return PosixRule("M", int(month), int(week), int(weekday), time=seconds)
    if julian:
        return PosixRule("J", day=int(julian), time=seconds)
    return PosixRule("n", day=int(zero_based), time=seconds)


def _seconds(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    parts = [int(p) for p in text.lstrip("+-").split(":")] + [0, 0]
    return sign * (parts[0] * 3_600 + parts[1] * 60 + parts[2])


def _at(local: datetime, utcoffset: int) -> int:
    """Unix seconds of a wall-clock time read in a fixed offset."""
    return int((local - datetime(1970, 1, 1)).total_seconds()) - utcoffset


def _year(unix: int) -> int:
    return (datetime(1970, 1, 1) + timedelta(seconds=max(unix, -62_135_510_400))).year  # >= year 1


def _month_length(year: int, month: int) -> int:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return (nxt - timedelta(days=1)).day


def _is_leap(year: int) -> bool:
    return _month_length(year, 2) == 29

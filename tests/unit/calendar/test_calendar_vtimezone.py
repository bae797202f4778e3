"""VTIMEZONEs put every event at the right UTC instant, read back by an independent parser."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject

from eventhub.calendar import build_vtimezone

UTC = UTC


def _render(zone: str, first: date, last: date) -> str:
    return build_vtimezone(zone, first, last).to_ical().decode()


def _check_instants(zone: str, first: date, last: date, find_transitions) -> list[datetime]:
    start = datetime.combine(first, datetime.min.time(), UTC) - timedelta(hours=14)
    end = datetime.combine(last, datetime.min.time(), UTC) + timedelta(hours=38)
    instants = [start + timedelta(hours=12 * n) for n in range(int((end - start) / timedelta(hours=12)) + 1)]
    for change in find_transitions(zone, start, end):
        instants += [change + timedelta(seconds=s) for s in (-3600, -1800, -1, 0, 1, 1800, 3599)]
    return sorted(instants)


ZONES = [
    ("Europe/Riga", date(2026, 1, 1), date(2026, 12, 31)),
    ("America/New_York", date(2026, 1, 1), date(2027, 12, 31)),
    ("Australia/Sydney", date(2026, 1, 1), date(2026, 12, 31)),
    ("Asia/Bishkek", date(2026, 1, 1), date(2026, 12, 31)),
    ("Asia/Tehran", date(2026, 1, 1), date(2026, 12, 31)),
    ("Europe/Dublin", date(2026, 1, 1), date(2026, 12, 31)),
    ("Pacific/Chatham", date(2026, 1, 1), date(2026, 12, 31)),
    # rules that changed inside the range: dated observances before, RRULEs after
    ("Asia/Tehran", date(2021, 1, 1), date(2023, 12, 31)),
    ("America/New_York", date(2005, 1, 1), date(2008, 12, 31)),
    # footer rules that need more than "nth weekday of the month"
    ("Africa/Cairo", date(2026, 1, 1), date(2031, 12, 31)),
    ("America/Nuuk", date(2026, 1, 1), date(2026, 12, 31)),
    ("Asia/Jerusalem", date(2026, 1, 1), date(2026, 12, 31)),
    ("Asia/Gaza", date(2026, 1, 1), date(2026, 12, 31)),
    ("America/Santiago", date(2026, 1, 1), date(2026, 12, 31)),
    ("Australia/Lord_Howe", date(2026, 1, 1), date(2026, 12, 31)),
    ("Antarctica/Troll", date(2026, 1, 1), date(2026, 12, 31)),
    ("Africa/Casablanca", date(2026, 1, 1), date(2026, 12, 31)),
    ("UTC", date(2026, 1, 1), date(2026, 12, 31)),
]


@pytest.mark.parametrize(("zone", "first", "last"), ZONES, ids=lambda v: str(v))
def test_rendered_vtimezone_gives_zoneinfo_offset_every_day_and_around_every_change(
    zone, first, last, observance_reader, find_transitions
):
    text = _render(zone, first, last)
    reader = observance_reader(text, until=datetime(last.year + 2, 1, 1))
    tz = ZoneInfo(zone)
    for instant in _check_instants(zone, first, last, find_transitions):
        assert reader.offset(instant) == instant.astimezone(tz).utcoffset(), (zone, instant)


@pytest.mark.parametrize(("zone", "first", "last"), ZONES[:7], ids=lambda v: str(v))
def test_vobject_tz_support_reads_the_same_wall_times(zone, first, last, find_transitions):
    # vobject hands the VTIMEZONE to dateutil's tzical: a second, wall-time based reader.
    wrapped = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{_render(zone, first, last)}END:VCALENDAR\r\n"
    tzinfo = vobject.readOne(wrapped).vtimezone.gettzinfo()
    tz = ZoneInfo(zone)
    for instant in _check_instants(zone, first, last, find_transitions):
        local = instant.astimezone(tz)
        assert local.replace(tzinfo=tzinfo).utcoffset() == local.utcoffset(), (zone, instant)


def test_riga_changes_clocks_on_2026_03_29_and_2026_10_25(observance_reader):
    reader = observance_reader(_render("Europe/Riga", date(2026, 1, 1), date(2026, 12, 31)), datetime(2028, 1, 1))
    second = timedelta(seconds=1)
    spring = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 03:00 EET -> 04:00 EEST
    autumn = datetime(2026, 10, 25, 1, 0, tzinfo=UTC)  # 04:00 EEST -> 03:00 EET
    assert reader.offset(spring - second) == timedelta(hours=2)
    assert reader.offset(spring) == timedelta(hours=3)
    assert reader.offset(autumn - second) == timedelta(hours=3)
    assert reader.offset(autumn) == timedelta(hours=2)


def test_riga_uses_yearly_rules_that_outlook_understands():
    text = _render("Europe/Riga", date(2026, 1, 1), date(2026, 12, 31))
    assert "RDATE" not in text
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n" in text
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n" in text
    assert "DTSTART:20260329T030000\r\n" in text  # local wall time of the 2026 change
    assert "TZNAME:EEST\r\n" in text
    assert "TZNAME:EET\r\n" in text


def test_new_york_uses_second_sunday_in_march_and_first_in_november():
    text = _render("America/New_York", date(2026, 1, 1), date(2026, 12, 31))
    assert "BYDAY=2SU;BYMONTH=3" in text
    assert "BYDAY=1SU;BYMONTH=11" in text


def test_sydney_starts_daylight_time_in_october():
    text = _render("Australia/Sydney", date(2026, 1, 1), date(2026, 12, 31))
    component = vobject.readOne(text, transform=False)
    daylight = next(c for c in component.components() if c.name == "DAYLIGHT")
    assert "BYMONTH=10" in daylight.rrule.value
    assert daylight.tzoffsetto.value == "+1100"


@pytest.mark.parametrize("zone", ["Asia/Bishkek", "Asia/Tehran"])
def test_zone_without_daylight_time_has_one_standard_observance(zone, observance_reader):
    text = _render(zone, date(2026, 1, 1), date(2026, 12, 31))
    reader = observance_reader(text, datetime(2028, 1, 1))
    assert reader.names == ["STANDARD"]
    assert "RRULE" not in text
    assert "RDATE" not in text


def test_tehran_2022_daylight_time_still_right_after_its_abolition(observance_reader):
    reader = observance_reader(_render("Asia/Tehran", date(2022, 6, 1), date(2023, 6, 30)), datetime(2024, 1, 1))
    assert reader.offset(datetime(2022, 7, 1, tzinfo=UTC)) == timedelta(hours=4, minutes=30)
    assert reader.offset(datetime(2023, 7, 1, tzinfo=UTC)) == timedelta(hours=3, minutes=30)


def test_dublin_summer_is_the_daylight_observance_despite_negative_dst_in_tzdata():
    # tzdata calls Irish winter time "daylight saving"; clients expect the opposite.
    component = vobject.readOne(_render("Europe/Dublin", date(2026, 1, 1), date(2026, 12, 31)), transform=False)
    by_name = {c.name: c for c in component.components()}
    assert by_name["DAYLIGHT"].tzoffsetto.value == "+0100"
    assert by_name["DAYLIGHT"].tzname.value == "IST"
    assert by_name["STANDARD"].tzoffsetto.value == "+0000"


def test_chatham_offsets_keep_their_45_minutes(observance_reader):
    text = _render("Pacific/Chatham", date(2026, 1, 1), date(2026, 12, 31))
    reader = observance_reader(text, datetime(2028, 1, 1))
    assert reader.offset(datetime(2026, 7, 1, tzinfo=UTC)) == timedelta(hours=12, minutes=45)
    assert reader.offset(datetime(2026, 12, 1, tzinfo=UTC)) == timedelta(hours=13, minutes=45)
    assert "TZNAME" not in text  # "+1245" is no name to show


def test_unknown_zone_is_rejected():
    with pytest.raises(Exception, match="Mars"):
        build_vtimezone("Mars/Olympus_Mons", date(2026, 1, 1), date(2026, 12, 31))


def test_range_must_not_be_reversed():
    with pytest.raises(ValueError, match="before"):
        build_vtimezone("Europe/Riga", date(2026, 2, 1), date(2026, 1, 1))


def test_rule_change_inside_the_range_gives_dated_then_yearly_observances():
    component = vobject.readOne(_render("America/New_York", date(2005, 1, 1), date(2008, 12, 31)), transform=False)
    observances = {(c.name, c.dtstart.value): c for c in component.components()}
    old_rule = observances[("STANDARD", "20041031T020000")]
    assert [line.value for line in old_rule.rdate_list] == ["20051030T020000", "20061029T020000"]
    assert observances[("DAYLIGHT", "20070311T020000")].rrule.value == "FREQ=YEARLY;BYDAY=2SU;BYMONTH=3"
    assert observances[("STANDARD", "20071104T020000")].rrule.value == "FREQ=YEARLY;BYDAY=1SU;BYMONTH=11"


def test_a_vtimezone_that_disagrees_with_zoneinfo_is_never_written(monkeypatch, observance_reader, find_transitions):
    import eventhub.calendar.vtimezone as vtimezone

    real = vtimezone._to_parts

    def off_by_a_month(rule):
        parts = real(rule)
        return [vtimezone._Part(p.month % 12 + 1, p.weekday, p.days, p.seconds) for p in parts]

    monkeypatch.setattr(vtimezone, "_to_parts", off_by_a_month)
    first, last = date(2026, 1, 1), date(2026, 12, 31)
    text = _render("Europe/Riga", first, last)
    assert "RRULE" not in text  # the broken rules were caught and replaced by dated observances
    reader = observance_reader(text, until=datetime(2028, 1, 1))
    tz = ZoneInfo("Europe/Riga")
    for instant in _check_instants("Europe/Riga", first, last, find_transitions):
        assert reader.offset(instant) == instant.astimezone(tz).utcoffset()

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from eventhub.domain.errors import InvalidInput
from eventhub.domain.time import (
    next_monday,
    offset_label,
    parse_local_datetime,
    to_utc,
    utc_bounds_of_day,
    wall_time_in_zone,
    with_offset,
    zone,
)


def test_bishkek_wall_time_is_utc_plus_six_all_year() -> None:
    for month in (1, 4, 7, 10, 12):
        wall = datetime(2026, month, 8, 10, 0)
        assert to_utc(wall, "Asia/Bishkek") == datetime(2026, month, 8, 4, 0, tzinfo=UTC)


def test_riga_offsets_follow_both_2026_dst_changes() -> None:
    assert with_offset(datetime(2026, 3, 28, 10, 0), "Europe/Riga").utcoffset() == timedelta(hours=2)
    assert with_offset(datetime(2026, 3, 30, 10, 0), "Europe/Riga").utcoffset() == timedelta(hours=3)
    assert with_offset(datetime(2026, 10, 24, 10, 0), "Europe/Riga").utcoffset() == timedelta(hours=3)
    assert with_offset(datetime(2026, 10, 26, 10, 0), "Europe/Riga").utcoffset() == timedelta(hours=2)


def test_local_time_in_spring_forward_gap_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        wall_time_in_zone(datetime(2026, 3, 29, 3, 30), "Europe/Riga", field="starts_at")
    assert error.value.code == "nonexistent_local_time"
    assert "2026-03-29T03:30" in error.value.detail


def test_ambiguous_fall_back_time_takes_first_occurrence() -> None:
    # 03:30 happens twice in Riga on 2026-10-25: first at +03:00 (00:30 UTC), then at +02:00.
    wall = wall_time_in_zone(datetime(2026, 10, 25, 3, 30), "Europe/Riga", field="starts_at")
    assert to_utc(wall, "Europe/Riga") == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_time_with_offset_is_converted_to_the_sessions_zone() -> None:
    value = datetime(2026, 12, 8, 7, 0, tzinfo=timezone(timedelta(hours=3)))  # a Riga-minded client
    assert wall_time_in_zone(value, "Asia/Bishkek", field="starts_at") == datetime(2026, 12, 8, 10, 0)


def test_unknown_zone_is_refused_with_its_name() -> None:
    for name in ("Mars/Olympus_Mons", "../../etc/passwd", ""):
        with pytest.raises(InvalidInput) as error:
            zone(name)
        assert error.value.code == "unknown_timezone"


def test_unparseable_datetime_names_the_field() -> None:
    with pytest.raises(InvalidInput) as error:
        parse_local_datetime("next tuesday", field="ends_at")
    assert error.value.extra["field"] == "ends_at"


def test_local_days_around_dst_changes_are_23_and_25_hours() -> None:
    start, end = utc_bounds_of_day(date(2026, 3, 29), "Europe/Riga")
    assert end - start == timedelta(hours=23)
    start, end = utc_bounds_of_day(date(2026, 10, 25), "Europe/Riga")
    assert end - start == timedelta(hours=25)
    start, _ = utc_bounds_of_day(date(2026, 12, 8), "Asia/Bishkek")
    assert start == datetime(2026, 12, 7, 18, 0, tzinfo=UTC)


def test_next_monday_is_always_in_the_future() -> None:
    assert next_monday(date(2026, 11, 27)) == date(2026, 11, 30)  # a Friday
    assert next_monday(date(2026, 11, 30)) == date(2026, 12, 7)  # a Monday: the next one


@pytest.mark.parametrize(
    ("wall", "zone_name", "label"),
    [
        (datetime(2026, 12, 8, 10, 0), "Asia/Bishkek", "UTC+06:00"),
        (datetime(2026, 12, 8, 10, 0), "Asia/Tashkent", "UTC+05:00"),
        (datetime(2026, 12, 8, 10, 0), "Asia/Kathmandu", "UTC+05:45"),
        (datetime(2026, 12, 8, 10, 0), "America/St_Johns", "UTC-03:30"),
        (datetime(2026, 12, 8, 10, 0), "UTC", "UTC+00:00"),
        (datetime(2026, 6, 2, 10, 0), "Europe/Riga", "UTC+03:00"),
    ],
)
def test_offsets_are_written_as_utc_plus_hours_and_minutes(wall: datetime, zone_name: str, label: str) -> None:
    assert offset_label(with_offset(wall, zone_name)) == label

"""Inputs that would make a client show the wrong thing are refused at construction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from eventhub.calendar import CalendarMeta, EventStatus


def test_events_are_hashable_so_feeds_can_cache_them(event_factory):
    assert len({event_factory(), event_factory(), event_factory(sequence=1)}) == 2


def test_status_values_are_the_rfc_5545_words():
    assert [s.value for s in EventStatus] == ["CONFIRMED", "TENTATIVE", "CANCELLED"]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"last_modified": datetime(2026, 11, 20, 9, 0)}, "timezone-aware"),  # DTSTAMP would be a guess
        ({"starts_local": datetime(2026, 12, 8, 10, 0, tzinfo=UTC)}, "wall-clock"),
        ({"ends_local": datetime(2026, 12, 8, 9, 0)}, "after"),
        ({"sequence": -1}, "negative"),
        ({"uid": " "}, "empty"),
        ({"geo": (91.0, 10.0)}, "latitude"),
        ({"geo": (float("nan"), 10.0)}, "finite"),
    ],
)
def test_event_refuses_inputs_clients_would_misread(event_factory, changes, reason):
    with pytest.raises(ValueError, match=reason):
        event_factory(**changes)


def test_refresh_interval_must_be_positive():
    with pytest.raises(ValueError, match="refresh_minutes"):
        CalendarMeta("x", None, "UTC", refresh_minutes=0)

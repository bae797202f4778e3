"""The Bishkek fixture: loadable on both databases, conflict-free, every kind, moved dates."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from eventhub.domain.programme import SessionKind
from eventhub.loader import LOADER, load_mission, read_mission_file
from eventhub.services import Services
from tests.conftest import FIXTURES

SLUG = "lv-it-cluster-bishkek-2026"


async def test_bishkek_fixture_loads_moved_to_a_new_monday(services: Services) -> None:
    data = read_mission_file(FIXTURES / "bishkek-2026.json")
    await load_mission(services, data, start=date(2027, 3, 1))

    mission, views = await services.sessions.list(SLUG, LOADER)
    assert mission.timezone == "Asia/Bishkek"
    assert (mission.starts_on, mission.ends_on) == (date(2027, 3, 1), date(2027, 3, 5))
    sessions = [v.session for v in views]
    assert len(sessions) >= 10
    assert set(Counter(s.kind for s in sessions)) == set(SessionKind)
    assert len({s.starts_local.date() for s in sessions}) >= 4
    assert any(s.capacity for s in sessions)
    # Wall-clock times survive the move: the first session still starts at 09:00 local, +06:00.
    first = min(sessions, key=lambda s: s.starts_at_utc)
    assert first.starts_local == datetime(2027, 3, 1, 9, 0)
    assert first.starts_at_utc.hour == 3
    assert await services.sessions.conflicts(SLUG, LOADER) == []

    travel = await services.travel_times.get(SLUG, LOADER)
    assert travel
    days_with_two_venues = Counter(
        day for day, venues in _venues_per_day(sessions).items() if len(venues) >= 2
    )
    assert days_with_two_venues


def _venues_per_day(sessions: list) -> dict[date, set[int]]:
    by_day: dict[date, set[int]] = {}
    for s in sessions:
        if s.venue_id is not None:
            by_day.setdefault(s.starts_local.date(), set()).add(s.venue_id)
    return by_day


def test_fixture_names_the_facts_of_the_visit() -> None:
    text = (FIXTURES / "bishkek-2026.json").read_text(encoding="utf-8")
    for fact in ("Ira Raciņa", "Aida Ismailova", "Arstanbeks Tazabekovs", "LV-90", "High Technology Park", "Technopark"):
        assert fact in text

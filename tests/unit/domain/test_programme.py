from datetime import date, datetime

import pytest

from eventhub.domain.errors import InvalidInput
from eventhub.domain.programme import CalendarFacts, SessionStatus, check_session_times, next_sequence

FACTS = CalendarFacts(
    title="Export clinic",
    starts_local=datetime(2026, 12, 8, 16, 0),
    ends_local=datetime(2026, 12, 8, 17, 0),
    timezone="Asia/Bishkek",
    venue_id=1,
    venue_label="Technopark\nIbraimov Street 103",
    status=SessionStatus.PUBLISHED,
)


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Export clinic (updated)"},
        {"starts_local": datetime(2026, 12, 8, 15, 0)},
        {"ends_local": datetime(2026, 12, 8, 18, 0)},
        {"timezone": "Europe/Riga"},
        {"venue_id": 2},
        {"venue_label": "Technopark\nChuy Avenue 1"},
        {"status": SessionStatus.CANCELLED},
    ],
)
def test_changes_calendars_show_raise_the_sequence(change: dict) -> None:
    from dataclasses import replace

    assert next_sequence(4, FACTS, replace(FACTS, **change)) == 5


def test_unchanged_calendar_facts_keep_the_sequence() -> None:
    assert next_sequence(4, FACTS, FACTS) == 4


def test_session_must_end_after_it_starts_and_stay_in_mission_dates() -> None:
    start, end = datetime(2026, 12, 8, 10), datetime(2026, 12, 8, 9)
    with pytest.raises(InvalidInput, match="after"):
        check_session_times(start, end, start, end, date(2026, 12, 7), date(2026, 12, 11))
    start, end = datetime(2026, 12, 12, 10), datetime(2026, 12, 12, 11)
    with pytest.raises(InvalidInput) as error:
        check_session_times(start, end, start, end, date(2026, 12, 7), date(2026, 12, 11))
    assert error.value.code == "outside_mission_dates"

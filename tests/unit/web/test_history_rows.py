"""What the history page says of a seat given by hand: an override names who was seated
and who was passed over, and says when the capacity was raised for them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from eventhub import i18n
from eventhub.db.models import HistoryEntry
from eventhub.web.organise.history import history_row


def promoted(**fields: list[Any]) -> HistoryEntry:
    return HistoryEntry(id=1, mission_id=1, at=datetime(2026, 12, 8, 9, 0, tzinfo=UTC), actor="Aida Ismailova",
                        subject="registration", subject_id=21, session_id=4, change="promoted",
                        fields={"attendee": [None, "Elīna Bērziņa"], "status": ["waitlisted", "confirmed"], **fields})


def test_a_named_person_over_the_head_is_an_override_naming_everyone_passed_over() -> None:
    row = history_row(promoted(override=[None, True], passed_over=[None, ["Dana Ozola", "Jānis Ozols"]],
                               capacity=[19, 20]))
    assert row.change == "seated by hand"
    assert row.summary == [
        "Override: Elīna Bērziņa was seated ahead of the waitlist, passing over Dana Ozola, Jānis Ozols.",
        "The capacity was raised from 19 to 20 to make room.",
    ]
    assert ("passed_over", "—", "Dana Ozola, Jānis Ozols") in row.fields


def test_the_head_in_a_seat_added_for_them_is_an_override_too_and_a_free_seat_is_not() -> None:
    added = history_row(promoted(override=[None, True], passed_over=[None, []], capacity=[20, 21]))
    assert added.summary == ["Override: Elīna Bērziņa was seated from the head of the waitlist.",
                             "The capacity was raised from 20 to 21 to make room."]
    free = history_row(promoted(override=[None, False], passed_over=[None, []]))
    assert free.summary == ["Elīna Bērziņa was seated from the head of the waitlist."]


def test_the_summary_is_in_the_readers_language() -> None:
    with i18n.use("lv"):
        row = history_row(promoted(override=[None, True], passed_over=[None, ["Dana Ozola"]], capacity=[2, 3]))
    assert row.summary[0] == "Ārpus kārtas: Elīna Bērziņa saņēma vietu pirms gaidīšanas saraksta, apejot: Dana Ozola."


def test_other_changes_have_no_summary() -> None:
    entry = HistoryEntry(id=2, mission_id=1, at=datetime(2026, 12, 8, 9, 0, tzinfo=UTC), actor="loader",
                         subject="session", subject_id=4, session_id=4, change="updated", fields={"capacity": [20, 19]})
    assert history_row(entry).summary == []

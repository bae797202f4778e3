"""What the import page says of a refused row, by the row's code and params."""

from __future__ import annotations

from eventhub.web.organise.importing import row_text


def test_a_conflict_names_the_other_session_and_the_reason_as_the_session_form_does() -> None:
    row = {"code": "scheduling_conflict", "detail": "…", "params": {"title": "Tech tour", "reason": "travel"}}
    assert row_text(row) == "Conflicts with “Tech tour” (Not enough travel time)."


def test_a_word_that_is_none_of_the_choices_is_quoted_with_the_choices() -> None:
    row = {"code": "invalid_registration", "detail": "…", "params": {"value": "maybe", "choices": "open, closed"}}
    assert row_text(row) == "“maybe” is not one of: open, closed."
    cancelled = {"code": "invalid_status", "detail": "…", "params": {}}
    assert row_text(cancelled) == "Import sessions as draft or published; cancel them afterwards."

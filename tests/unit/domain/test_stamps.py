"""The one rule for SEQUENCE and DTSTAMP: they move exactly when the content does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from eventhub.domain.stamps import Stamp, restamp

CREATED = datetime(2026, 5, 1, 9, 0, 0, 250_000, tzinfo=UTC)
NOW = datetime(2026, 5, 2, 12, 0, tzinfo=UTC)


def test_first_seen_an_event_keeps_its_own_sequence_and_last_change_in_whole_seconds() -> None:
    assert restamp(None, "a", base_sequence=3, base_time=CREATED, now=NOW) == Stamp("a", 3, CREATED.replace(microsecond=0))


def test_the_same_content_keeps_its_stamp_whatever_else_changed() -> None:
    stored = Stamp("a", 3, CREATED)
    assert restamp(stored, "a", base_sequence=5, base_time=NOW, now=NOW + timedelta(days=1)) is stored


def test_new_content_raises_sequence_by_one_and_stamps_the_moment() -> None:
    assert restamp(Stamp("a", 3, CREATED), "b", base_sequence=0, base_time=CREATED, now=NOW) == Stamp("b", 4, NOW)


def test_new_content_never_falls_below_the_sessions_own_sequence_that_mail_carries() -> None:
    assert restamp(Stamp("a", 3, CREATED), "b", base_sequence=7, base_time=CREATED, now=NOW).sequence == 7


def test_a_change_within_the_same_second_still_moves_the_stamp_visibly() -> None:
    stored = Stamp("a", 3, NOW)
    assert restamp(stored, "b", base_sequence=0, base_time=NOW, now=NOW + timedelta(milliseconds=300)).stamped_at == (
        NOW + timedelta(seconds=1)
    )

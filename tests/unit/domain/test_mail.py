"""How often a failed delivery is tried again, and when the outbox gives up."""

from __future__ import annotations

from datetime import timedelta

from eventhub.domain.mail import MAX_ATTEMPTS, gives_up, retry_delay


def test_retries_back_off_exponentially_from_thirty_seconds():
    assert [retry_delay(n) for n in (0, 1, 2, 3, 4)] == [
        timedelta(seconds=30),
        timedelta(seconds=30),
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
    ]


def test_retries_never_wait_longer_than_six_hours():
    assert retry_delay(MAX_ATTEMPTS) <= timedelta(hours=6)
    assert retry_delay(50) == timedelta(hours=6)
    delays = [retry_delay(n) for n in range(1, 60)]
    assert delays == sorted(delays)


def test_the_outbox_gives_up_after_the_last_attempt():
    assert not gives_up(MAX_ATTEMPTS - 1)
    assert gives_up(MAX_ATTEMPTS)
    assert gives_up(MAX_ATTEMPTS + 1)

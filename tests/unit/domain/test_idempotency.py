"""Idempotency-Key decisions: replay the same request, refuse a different one, wait for one in flight."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventhub.domain.idempotency import (
    IN_FLIGHT_LEASE,
    KEY_PATTERN,
    RETENTION,
    Decision,
    PriorUse,
    decide,
    is_valid_key,
    normalized_key,
    should_remember,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def prior(*, fingerprint: str = "f1", completed: bool = True, started: datetime = NOW) -> PriorUse:
    return PriorUse(fingerprint, completed, locked_until=started + IN_FLIGHT_LEASE, expires_at=started + RETENTION)


def test_a_first_use_proceeds():
    assert decide(None, "f1", NOW) == Decision.PROCEED


def test_the_same_request_again_is_replayed():
    assert decide(prior(), "f1", NOW + timedelta(hours=1)) == Decision.REPLAY


def test_the_same_key_for_another_request_is_a_mismatch():
    assert decide(prior(), "f2", NOW) == Decision.MISMATCH
    assert decide(prior(completed=False), "f2", NOW) == Decision.MISMATCH


def test_a_request_still_running_blocks_its_key_until_its_lease_ends():
    running = prior(completed=False)
    assert decide(running, "f1", NOW + IN_FLIGHT_LEASE - timedelta(seconds=1)) == Decision.IN_FLIGHT
    assert decide(running, "f1", NOW + IN_FLIGHT_LEASE) == Decision.PROCEED  # it died: try again


def test_a_key_is_forgotten_after_the_retention():
    assert decide(prior(), "f2", NOW + RETENTION) == Decision.PROCEED
    assert decide(prior(), "f1", NOW + RETENTION - timedelta(seconds=1)) == Decision.REPLAY


@pytest.mark.parametrize("key", ["a", "8e03978e-40d5-43e8-bc93-6894a57f9324", '"quoted-key"', "x" * 255, "!~"])
def test_visible_ascii_keys_up_to_255_characters_are_valid(key):
    assert is_valid_key(key)


@pytest.mark.parametrize("key", ["", "x" * 256, "with space", "naïve", "tab\there"])
def test_empty_long_or_non_visible_keys_are_invalid(key):
    assert not is_valid_key(key)


@pytest.mark.parametrize(("status", "remembered"), [(200, True), (201, True), (409, True), (422, True),
                                                    (429, False), (500, False), (503, False)])
def test_final_answers_are_remembered_transient_ones_are_not(status, remembered):
    assert should_remember(status) is remembered


@pytest.mark.parametrize("key", ['"', '""'])
def test_quotes_alone_are_a_key_the_document_allows(key):
    assert is_valid_key(key)
    assert normalized_key(key) == key


def test_a_quoted_key_is_the_same_key_unquoted():
    assert normalized_key('"reg-1"') == "reg-1"


def test_a_final_newline_is_not_part_of_a_valid_key():
    assert not is_valid_key("abc\n")


@given(st.from_regex(KEY_PATTERN.removesuffix("$") + r"\Z"))
def test_every_key_the_documented_pattern_allows_is_valid(key):
    # The OpenAPI document's `$` is JSON Schema's: the end of the string (hence `\Z` here).
    assert is_valid_key(key)
    assert normalized_key(key)

"""The answer cookie: signed, short-lived, and useless when forged or old."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from eventhub.web.answer import MAX_AGE_SECONDS, Answer, seal, signing_key, unseal

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
KEY = signing_key("server-secret")


def answer(issued: datetime = NOW) -> Answer:
    return Answer("ehm_token", [4], {4: "already_registered"}, ["Overlaps 'X'."], int(issued.timestamp()))


def test_a_sealed_answer_opens_with_the_same_key() -> None:
    assert unseal(seal(answer(), KEY), KEY, NOW) == answer()


def test_another_servers_key_or_a_changed_payload_opens_nothing() -> None:
    sealed = seal(answer(), KEY)
    assert unseal(sealed, signing_key("another-secret"), NOW) is None
    payload, signature = sealed.split(".")
    tampered = seal(Answer("ehm_other", [4], {}, [], int(NOW.timestamp())), KEY).split(".")[0]
    assert unseal(f"{tampered}.{signature}", KEY, NOW) is None
    assert unseal(payload, KEY, NOW) is None
    assert unseal("", KEY, NOW) is None and unseal(None, KEY, NOW) is None
    assert unseal("ünïcode.x", KEY, NOW) is None


def test_an_answer_expires() -> None:
    sealed = seal(answer(), KEY)
    assert unseal(sealed, KEY, NOW + timedelta(seconds=MAX_AGE_SECONDS)) is not None
    assert unseal(sealed, KEY, NOW + timedelta(seconds=MAX_AGE_SECONDS + 1)) is None
    assert unseal(sealed, KEY, NOW - timedelta(minutes=5)) is None  # from the future: not ours

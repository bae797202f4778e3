"""Bearer secrets: unguessable, derivable by the server only, stored only as digests."""

from __future__ import annotations

import re

from eventhub.domain.tokens import (
    derived_token,
    feed_token_for,
    manage_token_for,
    new_token,
    new_token_salt,
    same_digest,
    token_digest,
)

URLSAFE = re.compile(r"[A-Za-z0-9_-]+")


def test_new_tokens_carry_their_prefix_and_256_random_bits():
    first, second = new_token("eho"), new_token("eho")
    assert first != second
    prefix, _, secret = first.partition("_")
    assert prefix == "eho" and URLSAFE.fullmatch(secret) and len(secret) == 43  # 32 bytes, base64url


def test_the_digest_is_sha256_hex_and_hides_the_token():
    token = new_token("ehm")
    digest = token_digest(token)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert token not in digest and digest == token_digest(token)
    assert token_digest(token + "x") != digest


def test_same_digest_compares_exactly():
    digest = token_digest("ehm_abc")
    assert same_digest(digest, token_digest("ehm_abc"))
    assert not same_digest(digest, token_digest("ehm_abd"))


def test_a_manage_token_is_recomputed_from_key_salt_and_generation():
    salt = new_token_salt()
    token = manage_token_for("server-key", salt, 0)
    assert token.startswith("ehm_") and URLSAFE.fullmatch(token.removeprefix("ehm_"))
    assert manage_token_for("server-key", salt, 0) == token
    # rotating (the next generation), another attendee's salt or another server key: another token
    assert len({token, manage_token_for("server-key", salt, 1), manage_token_for("server-key", new_token_salt(), 0),
                manage_token_for("other-key", salt, 0)}) == 4


def test_a_feed_token_follows_from_the_manage_token_and_reveals_nothing_of_it():
    manage = manage_token_for("server-key", "salt", 0)
    feed = feed_token_for(manage, 0)
    assert feed.startswith("ehf_") and feed == feed_token_for(manage, 0)
    assert feed_token_for(manage, 1) != feed
    assert feed_token_for(manage_token_for("server-key", "salt", 1), 0) != feed
    assert manage.removeprefix("ehm_") not in feed


def test_derived_tokens_differ_by_purpose_and_secret():
    assert derived_token("x", "secret", "a") != derived_token("x", "secret", "b")
    assert derived_token("x", "secret", "a") != derived_token("x", "other", "a")
    assert "=" not in derived_token("x", "secret", "a")  # no padding: safe in a URL path

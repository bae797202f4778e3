"""New passwords: long enough, not among the first ones people try; Argon2id hashes."""

from __future__ import annotations

from eventhub.domain.passwords import hash_password, needs_rehash, password_problem, verify_password


def test_short_common_and_own_address_passwords_are_refused() -> None:
    assert password_problem("Short1!") == "password_too_short"
    assert password_problem("x" * 2000) == "password_too_long"
    assert password_problem("Password123") == "password_too_common"  # case does not help
    assert password_problem("qwertyuiop") == "password_too_common"
    assert password_problem("aaaaaaaaaaaa") == "password_too_common"
    assert password_problem("ira@example.lv", email="Ira@example.lv") == "password_too_common"
    assert password_problem("ten chars!") is None
    assert password_problem("Tien Šan kalni 2026") is None


def test_hashes_are_argon2id_salted_and_verify_only_the_right_password() -> None:
    first, second = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert first.startswith("$argon2id$") and first != second  # salted
    assert "correct horse" not in first
    assert verify_password(first, "correct horse battery")
    assert not verify_password(first, "correct horse battery!")
    assert not verify_password("not a hash", "anything")
    assert not needs_rehash(first)

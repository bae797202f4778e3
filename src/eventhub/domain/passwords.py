"""Passwords: the rules a new one must meet, and Argon2id hashing (argon2-cffi).

`PasswordHasher()` is argon2-cffi's recommended setting, RFC 9106's second (low-memory)
profile: Argon2id, t=3, m=64 MiB, p=4. Stored hashes carry their parameters, so
`needs_rehash` upgrades old ones at the next sign-in when the defaults move.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
MAX_LENGTH = 1024  # hashing cost grows with length: refuse novels

_HASHER = PasswordHasher()


@cache
def _common() -> frozenset[str]:
    text = resources.files("eventhub.domain").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why a new password is refused (a stable code), or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return "password_too_short"
    if len(password) > MAX_LENGTH:
        return "password_too_long"
    lowered = password.strip().lower()
    if lowered in _common() or lowered in {email.strip().lower(), name.strip().lower()}:
        return "password_too_common"
    if len(set(lowered)) < 3:  # "aaaaaaaaaa", "abababababab"
        return "password_too_common"
    return None


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _HASHER.check_needs_rehash(stored_hash)


@cache
def decoy_hash() -> str:
    """A hash to verify against when the address has no account, so that signing in with
    an unknown address takes as long as with a known one."""
    return _HASHER.hash("eventhub decoy password, never an account's")

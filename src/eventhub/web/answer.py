"""The registration answer travels from the POST to the answer page in a signed cookie.

The answer shows the manage link, so the manage token must not sit in the answer page's
URL (URLs end up in access logs, browser history and Referer headers). The cookie is
HttpOnly, limited to the answer page's path, short-lived, and signed with a key derived
from the server secret, so every server process can read what another one wrote.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime
from typing import Protocol, TypeVar

import msgspec

COOKIE = "eventhub_answer"
PATH = "/registrations/answer"
MAX_AGE_SECONDS = 15 * 60
T = TypeVar("T", bound="Sealed")


class Answer(msgspec.Struct, array_like=True, forbid_unknown_fields=True):
    manage_token: str
    session_ids: list[int]
    codes: dict[int, str]  # e.g. already_registered, per session
    warnings: list[str]  # ready-made sentences (from the Presenter)
    issued_at: int  # seconds since the epoch
    refused: dict[int, str] = {}  # session id -> title, for the sessions that took no registration
    members: list[tuple[str, str]] = []  # a delegation's members: (name, what they got, in words)


class Sealed(Protocol):
    issued_at: int


def signing_key(secret_key: str, purpose: str = "answer-cookie") -> bytes:
    """A key of its own per cookie, so that one cookie's value never opens as another's."""
    return hmac.new(secret_key.encode("utf-8"), f"eventhub/web/{purpose}".encode(), hashlib.sha256).digest()


def seal(value: msgspec.Struct, key: bytes) -> str:
    """Any small struct with an `issued_at`, signed (not encrypted: it holds nothing the
    browser's owner may not see)."""
    payload = base64.urlsafe_b64encode(msgspec.json.encode(value)).rstrip(b"=")
    signature = base64.urlsafe_b64encode(hmac.new(key, payload, hashlib.sha256).digest()).rstrip(b"=")
    return (payload + b"." + signature).decode("ascii")


def unseal(
    value: str | None, key: bytes, now: datetime, kind: type[T] = Answer, max_age: int = MAX_AGE_SECONDS  # type: ignore[assignment]
) -> T | None:
    """The sealed value, or None when the cookie is missing, forged, or too old."""
    if not value or "." not in value:
        return None
    payload, _, signature = value.encode("ascii", "replace").partition(b".")
    expected = base64.urlsafe_b64encode(hmac.new(key, payload, hashlib.sha256).digest()).rstrip(b"=")
    if not hmac.compare_digest(signature, expected):
        return None
    try:
        found = msgspec.json.decode(base64.urlsafe_b64decode(payload + b"=" * (-len(payload) % 4)), type=kind)
    except (msgspec.DecodeError, ValueError):
        return None
    age = now.timestamp() - found.issued_at
    return found if 0 <= age <= max_age else None

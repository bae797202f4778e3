"""Bearer secrets: 256 random bits, shown once, kept only as a SHA-256 digest.

A fast hash is right here: the secrets are long random strings, not passwords, so
there is nothing to brute-force and lookups by digest stay a single index probe.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def new_token(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_digest(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)


def derived_token(prefix: str, secret: str, purpose: str) -> str:
    """A token computed from another secret (HMAC-SHA256), e.g. an attendee's feed token
    from their manage token: the holder of the manage token can always be shown their
    feed URL, yet neither is stored, and the feed token reveals nothing of the other."""
    digest = hmac.new(secret.encode("utf-8"), purpose.encode("utf-8"), hashlib.sha256).digest()
    return f"{prefix}_{base64.urlsafe_b64encode(digest).rstrip(b'=').decode('ascii')}"


MANAGE_TOKEN_PREFIX = "ehm"
FEED_TOKEN_PREFIX = "ehf"


def new_token_salt() -> str:
    """An attendee's salt: chosen before the row is written, so its tokens (and their
    digests) are known up front. Not a secret on its own; the server key is."""
    return secrets.token_urlsafe(16)


def manage_token_for(secret_key: str, token_salt: str, generation: int) -> str:
    """An attendee's manage token: the server can recompute it (to mail the manage link)
    without ever storing it; rotating bumps the generation."""
    return derived_token(MANAGE_TOKEN_PREFIX, secret_key, f"manage/{token_salt}/{generation}")


def feed_token_for(manage_token: str, generation: int) -> str:
    return derived_token(FEED_TOKEN_PREFIX, manage_token, f"feed/{generation}")


_CHECK_IN_DIGITS = 8  # 40 bits of base32: not guessable at a door, short enough to type


def check_in_code_for(secret_key: str, registration_id: int) -> str:
    """A registration's check-in code (`42-K7QXM2PA`): its id and a MAC of it, so the code
    is never stored, is recomputed for the QR code and the mail, and cannot be made up."""
    digest = hmac.new(secret_key.encode("utf-8"), f"check-in/{registration_id}".encode("ascii"), hashlib.sha256)
    mac = base64.b32encode(digest.digest()).decode("ascii")[:_CHECK_IN_DIGITS]
    return f"{registration_id}-{mac}"


def registration_of_check_in_code(secret_key: str, code: str) -> int | None:
    """The registration id a check-in code stands for, or None for a code that is not one
    of ours. Typed codes are forgiven case, spaces and the digits read as letters."""
    cleaned = "".join(code.split()).upper()
    number, dash, mac = cleaned.rpartition("-")
    if not dash or not number.isdigit() or len(number) > 16 or len(mac) != _CHECK_IN_DIGITS:
        return None
    mac = mac.replace("0", "O").replace("1", "I").replace("8", "B")  # not in base32's alphabet
    registration_id = int(number)
    expected = check_in_code_for(secret_key, registration_id).rpartition("-")[2]
    return registration_id if hmac.compare_digest(expected, mac) else None

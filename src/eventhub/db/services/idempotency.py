"""Where Idempotency-Key uses are kept: one row per (client, key), the answer encrypted
with a key derived from the server secret (answers may carry an attendee's tokens)."""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

import msgspec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from eventhub.db.database import Database
from eventhub.db.models import IdempotencyRecord
from eventhub.db.services.access import Clock
from eventhub.domain.idempotency import IN_FLIGHT_LEASE, RETENTION, Decision, PriorUse, decide


class StoredResponse(msgspec.Struct):
    status: int
    headers: list[tuple[str, str]]
    body: bytes


@dataclass(frozen=True, slots=True)
class Claim:
    decision: Decision
    response: StoredResponse | None = None


class IdempotencyStore:
    def __init__(self, database: Database, clock: Clock, secret_key: str) -> None:
        self._database = database
        self._clock = clock
        self._cipher = AESGCM(hmac.new(secret_key.encode(), b"eventhub/idempotency", hashlib.sha256).digest())

    async def claim(self, client: str, key: str, fingerprint: str) -> Claim:
        """PROCEED means this request now holds the key (until it completes or its lease ends)."""
        now = self._clock()
        try:
            async with self._database.write() as db:
                row = await db.scalar(
                    select(IdempotencyRecord).where(IdempotencyRecord.client == client, IdempotencyRecord.key == key)
                )
                prior = None if row is None else PriorUse(row.fingerprint, row.completed, row.locked_until, row.expires_at)
                decision = decide(prior, fingerprint, now)
                if decision == Decision.REPLAY and row is not None and row.response is not None:
                    return Claim(decision, self._open(row.response))
                if decision != Decision.PROCEED:
                    return Claim(decision)
                if row is not None:
                    await db.delete(row)
                    await db.flush()
                db.add(IdempotencyRecord(
                    client=client, key=key, fingerprint=fingerprint, completed=False, response=None,
                    created_at=now, expires_at=now + RETENTION, locked_until=now + IN_FLIGHT_LEASE,
                ))
                # Forget a few expired keys on the way (bounded, so no request pays much for it).
                expired = select(IdempotencyRecord.id).where(IdempotencyRecord.expires_at < now).limit(50)
                await db.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id.in_(expired.scalar_subquery())))
        except IntegrityError:
            return Claim(Decision.IN_FLIGHT)  # a concurrent request with the same key got there first
        return Claim(Decision.PROCEED)

    async def complete(self, client: str, key: str, response: StoredResponse) -> None:
        async with self._database.write() as db:
            row = await db.scalar(
                select(IdempotencyRecord).where(IdempotencyRecord.client == client, IdempotencyRecord.key == key)
            )
            if row is not None:
                row.completed = True
                row.response = self._seal(response)

    async def release(self, client: str, key: str) -> None:
        """The request failed in a way worth retrying: forget the key."""
        async with self._database.write() as db:
            await db.execute(
                delete(IdempotencyRecord).where(
                    IdempotencyRecord.client == client,
                    IdempotencyRecord.key == key,
                    IdempotencyRecord.completed.is_(False),
                )
            )

    async def forget_answers(self, client: str) -> None:
        """The client deleted something: its stored answers may describe what no longer
        exists, so none is replayed any more (a retried key runs its request again)."""
        async with self._database.write() as db:
            await db.execute(
                delete(IdempotencyRecord).where(
                    IdempotencyRecord.client == client, IdempotencyRecord.completed.is_(True)
                )
            )

    def _seal(self, response: StoredResponse) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._cipher.encrypt(nonce, msgspec.msgpack.encode(response), None)

    def _open(self, sealed: bytes) -> StoredResponse:
        plain = self._cipher.decrypt(sealed[:12], sealed[12:], None)
        return msgspec.msgpack.decode(plain, type=StoredResponse)

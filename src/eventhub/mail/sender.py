"""The outbox sender: claim, compose, send, mark; retries with backoff on failure.

Several senders (one per server process, or `eventhub mail send` from cron) can run at
once: a message is claimed by exactly one of them under a lease. A sender killed after
sending but before marking leaves the message claimed; when the lease ends it is sent
again with the same Message-ID, so at most one duplicate, recognisable as such.
"""

from __future__ import annotations

import asyncio
import logging

from eventhub.db.database import DatabaseBusy, DatabaseUnavailable
from eventhub.db.services.access import Clock
from eventhub.db.services.deliveries import Outbox
from eventhub.mail.compose import Composer
from eventhub.mail.transport import Transport

logger = logging.getLogger("eventhub.mail")


class MailSender:
    def __init__(self, outbox: Outbox, composer: Composer, transport: Transport, clock: Clock) -> None:
        self._outbox = outbox
        self._composer = composer
        self._transport = transport
        self._clock = clock

    async def run_once(self, limit: int = 20) -> int:
        """Send what is due now; returns how many messages were handled (sent or rescheduled)."""
        claimed = await self._outbox.claim(limit)
        for message_id in claimed:
            delivery = await self._outbox.delivery(message_id)
            if delivery is None:
                continue
            try:
                await self._transport.send(self._composer.compose(delivery, self._clock()))
            except Exception as error:  # any delivery failure is retried later, never lost
                logger.warning("mail %s not sent (%s); will retry", message_id, type(error).__name__)
                await self._outbox.mark_failed(message_id, f"{type(error).__name__}: {error}")
                continue
            await self._outbox.mark_sent(message_id)
        return len(claimed)

    async def drain(self, limit: int = 20) -> int:
        """Handle everything due now (for `eventhub mail send` and tests); failures wait for their retry time."""
        total = 0
        while handled := await self.run_once(limit):
            total += handled
        return total

    async def run_forever(self, interval: float = 2.0) -> None:
        while True:
            try:
                await self.run_once()
            except (DatabaseBusy, DatabaseUnavailable) as error:
                logger.warning("mail sender waiting for the database: %s", error)
            await asyncio.sleep(interval)

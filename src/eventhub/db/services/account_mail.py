"""The mail of account links (invitations, password resets): claimed, sent and retried
by the outbox's `MailSender`, with the link row as its own outbox entry."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import literal, or_, select, update

from eventhub.db.database import Database
from eventhub.db.models import AccountLink, Mission
from eventhub.db.services.access import Clock
from eventhub.domain.mail import LEASE, MailStatus, gives_up, retry_delay


@dataclass(frozen=True, slots=True)
class LinkDelivery:
    link: AccountLink
    mission: Mission | None  # the team an invitation is for


class LinkOutbox:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    async def claim(self, limit: int = 20) -> list[int]:
        now = self._clock()
        due = select(AccountLink.id).where(
            or_(AccountLink.mail_status == MailStatus.PENDING,
                (AccountLink.mail_status == MailStatus.SENDING) & (AccountLink.lease_until < now)),
            AccountLink.next_attempt_at <= now,
        ).order_by(AccountLink.id)
        async with self._database.read() as db:
            if await db.scalar(due.limit(1)) is None:
                return []
        async with self._database.write() as db:
            ids = list(await db.scalars(due.limit(limit).with_for_update(skip_locked=True)))
            if ids:
                await db.execute(update(AccountLink).where(AccountLink.id.in_(ids)).values(
                    mail_status=MailStatus.SENDING, lease_until=now + LEASE, attempts=AccountLink.attempts + literal(1),
                ))
        return ids

    async def delivery(self, link_id: int) -> LinkDelivery | None:
        async with self._database.read() as db:
            link = await db.get(AccountLink, link_id)
            if link is None:
                return None
            mission = await db.get(Mission, link.mission_id) if link.mission_id is not None else None
        return LinkDelivery(link, mission)

    async def mark_sent(self, link_id: int) -> None:
        now = self._clock()
        async with self._database.write() as db:
            await db.execute(update(AccountLink).where(AccountLink.id == link_id).values(
                mail_status=MailStatus.SENT, sent_at=now, lease_until=None, last_error=None))

    async def mark_failed(self, link_id: int, error: str) -> None:
        now = self._clock()
        async with self._database.write() as db:
            link = await db.get_one(AccountLink, link_id)
            link.last_error = error[:2000]
            link.lease_until = None
            if gives_up(link.attempts):
                link.mail_status = MailStatus.FAILED
            else:
                link.mail_status = MailStatus.PENDING
                link.next_attempt_at = now + retry_delay(link.attempts)

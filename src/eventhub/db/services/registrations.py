"""Registrations: seat counts now; the locked register/cancel path lives here too."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from eventhub.db.models import ProgrammeSession, Registration
from eventhub.domain.programme import RegistrationStatus


@dataclass(frozen=True, slots=True)
class SeatCount:
    confirmed: int = 0
    waitlisted: int = 0


async def mission_has_registrations(db: AsyncSession, mission_id: int) -> bool:
    query = select(
        exists()
        .where(Registration.session_id == ProgrammeSession.id)
        .where(ProgrammeSession.mission_id == mission_id)
    )
    return bool(await db.scalar(query))


async def seat_counts(db: AsyncSession, session_ids: Iterable[int]) -> dict[int, SeatCount]:
    """Confirmed and waitlisted registrations per session, in one query."""
    ids = list(session_ids)
    if not ids:
        return {}
    rows = await db.execute(
        select(Registration.session_id, Registration.status, func.count())
        .where(Registration.session_id.in_(ids))
        .where(Registration.status != RegistrationStatus.CANCELLED)
        .group_by(Registration.session_id, Registration.status)
    )
    counts: dict[int, dict[str, int]] = {}
    for session_id, status, count in rows:
        counts.setdefault(session_id, {})[status] = count
    return {
        session_id: SeatCount(
            confirmed=by_status.get(RegistrationStatus.CONFIRMED, 0),
            waitlisted=by_status.get(RegistrationStatus.WAITLISTED, 0),
        )
        for session_id, by_status in counts.items()
    }

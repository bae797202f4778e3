"""GET /api/missions/{slug}/outbox: how the mission's mail is doing."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath

from eventhub.api.deps import ORGANISER_ONLY, problems
from eventhub.schemas import OutboxFailure, OutboxReportOut
from eventhub.db.services.access import Organiser
from eventhub.services import Services


@get("/api/missions/{slug:str}/outbox", guards=ORGANISER_ONLY, operation_id="outboxReport", tags=["mail"],
     responses=problems(401, 403, 404))
async def outbox_report(
    slug: FromPath[str], services: NamedDependency[Services], organiser: NamedDependency[Organiser | None]
) -> OutboxReportOut:
    """Messages by status, and the ones that failed with their last error."""
    report = await services.outbox.report(slug, organiser)
    return OutboxReportOut(
        counts=report.counts,
        failures=[
            OutboxFailure(
                id=m.id, kind=m.kind.value, status=m.status.value, attendee_id=m.attendee_id,
                session_id=m.session_id, attempts=m.attempts, last_error=m.last_error,
                next_attempt_at=m.next_attempt_at,
            )
            for m in report.failures
        ],
    )

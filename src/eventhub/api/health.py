"""GET /health: liveness and database readiness."""

from __future__ import annotations

from litestar import Response, get
from litestar.di import NamedDependency
from sqlalchemy import text

from eventhub.schemas import Health
from eventhub.db.database import DatabaseBusy, DatabaseUnavailable
from eventhub.services import Services
from eventhub.api.deps import spec


@get(
    "/health",
    operation_id="health",
    tags=["health"],
    responses={503: spec(Health, "The database does not answer")},
)
async def health(services: NamedDependency[Services]) -> Response[Health]:
    """200 `ok` when the database reads and writes; 200 `degraded` when it only reads
    (read-only, full); 503 when it cannot be reached."""
    try:
        async with services.database.read() as db:
            await db.execute(text("SELECT 1"))
        writes = await services.database.check_writable()
    except (DatabaseBusy, DatabaseUnavailable, OSError):
        return Response(
            Health(status="unavailable", database="unavailable"), status_code=503, headers={"Retry-After": "2"}
        )
    if writes != "ok":
        return Response(Health(status="degraded", database=writes))
    return Response(Health(status="ok", database="ok"))

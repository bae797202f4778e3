"""create_app(settings) -> Litestar: the only module that wires the pieces together."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from litestar import Litestar
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from eventhub import __version__
from eventhub.api import schemas as schemas_module
from eventhub.api.deps import DEPENDENCIES
from eventhub.api.feeds import mission_feed, personal_feed, session_feed
from eventhub.api.health import health
from eventhub.api.missions import MissionController
from eventhub.api.outbox import outbox_report
from eventhub.api.present import Presenter
from eventhub.api.schemas import Input
from eventhub.api.records import PersonController, VenueController
from eventhub.api.registrations import MeController, RegistrationController, export_registrations_csv
from eventhub.api.sessions import ProgrammeController, SessionController
from eventhub.db.database import Database
from eventhub.db.services.access import Clock
from eventhub.db.services.sessions import UidFactory, random_uid
from eventhub.errors import EXCEPTION_HANDLERS
from eventhub.mail.transport import Transport
from eventhub.services import Services
from eventhub.settings import Settings


def system_clock() -> datetime:
    return datetime.now(UTC)


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock = system_clock,
    new_uid: UidFactory = random_uid,
    transport: Transport | None = None,
) -> Litestar:
    """The application; tests inject the clock, calendar UIDs (golden files) and mail transport."""
    settings = settings or Settings()
    database = Database(settings.database_url, lock_timeout_seconds=settings.lock_timeout_seconds)
    services = Services.build(settings, database, clock, new_uid, transport)

    @asynccontextmanager
    async def lifespan(_app: Litestar) -> AsyncIterator[None]:
        sender = asyncio.create_task(services.mail_sender.run_forever()) if settings.mail_sender else None
        try:
            yield
        finally:
            if sender is not None:
                sender.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sender
            if services.rate_limiter is not None:
                await services.rate_limiter.close()
            await database.dispose()

    return Litestar(
        route_handlers=[
            health,
            MissionController,
            outbox_report,
            VenueController,
            PersonController,
            SessionController,
            ProgrammeController,
            RegistrationController,
            export_registrations_csv,
            MeController,
            mission_feed,
            session_feed,
            personal_feed,
        ],
        dependencies=DEPENDENCIES,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[lifespan],
        state=State({"services": services, "presenter": Presenter(settings.public_base)}),
        openapi_config=OpenAPIConfig(
            title="eventhub",
            version=__version__,
            description="Mission programmes, registrations with waitlists, and iCalendar feeds.",
            path="/schema",
            render_plugins=[SwaggerRenderPlugin(path="/swagger"), ScalarRenderPlugin(path="/")],
            components=Components(
                security_schemes={"organiserToken": SecurityScheme(type="http", scheme="bearer")}
            ),
        ),
        on_startup=[_document_closed_bodies],
        debug=settings.debug,
    )


def _document_closed_bodies(app: Litestar) -> None:
    """Request bodies refuse unknown fields; say so in the OpenAPI document too."""
    schemas = app.openapi_schema.components.schemas or {}
    for name, schema in schemas.items():
        model = getattr(schemas_module, name, None)
        if isinstance(model, type) and issubclass(model, Input):
            schema.additional_properties = False


def create_app_from_env() -> Litestar:
    """Factory for `uvicorn --factory` worker processes."""
    return create_app()

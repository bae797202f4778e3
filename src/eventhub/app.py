"""create_app(settings) -> Litestar: the HTTP app's wiring (routes, middleware, exception
handlers, OpenAPI, lifespan). It takes the services from `Services.build` (services.py,
which builds them from settings for the CLI too) and the pages from `web.build_web`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.types import Receive, Scope, Send
from sqlalchemy.exc import DBAPIError
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.enums import ParamType
from litestar.openapi.spec import (
    Components,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Parameter,
    Reference,
    Schema,
    SecurityScheme,
)

from eventhub import __version__
from eventhub.api.deps import DEPENDENCIES, before_request, needs_credential
from eventhub.api.docs import swagger_ui, swagger_ui_assets
from eventhub.api.exports import schedule_json, schedule_xml
from eventhub.compression import CompressedBodies, CompressionMiddleware
from eventhub.api.feeds import mission_feed, personal_feed, session_feed
from eventhub.api.health import health
from eventhub.api.history import mission_history
from eventhub.api.idempotency import IdempotencyMiddleware
from eventhub.api.imports import import_programme
from eventhub.api.meetings import MeetingPlanController, MyMeetingsController
from eventhub.api.missions import MissionController
from eventhub.api.outbox import outbox_report
from eventhub.api.records import PersonController, VenueController
from eventhub.api.attendance import AttendanceController
from eventhub.api.registrations import GroupRegistrationController, MeController, RegistrationController
from eventhub.api.sessions import ProgrammeController, SessionController
from eventhub.db.database import Database, DatabaseBusy, DatabaseUnavailable
from eventhub.db.services.timezones import refresh_utc_index
from eventhub.db.services.access import Clock
from eventhub.db.services.meetings import Solver
from eventhub.domain.idempotency import KEY_PATTERN
from eventhub.db.services.sessions import UidFactory, random_uid
from eventhub.errors import send_problem
from eventhub.hardening import MAX_BODY_BYTES, RequestEdge, api_headers, cors, request_edge
from eventhub.logs import install_redaction
from eventhub.domain.meetings.solver import schedule
from eventhub.mail.transport import Transport
from eventhub.present import Presenter
from eventhub import meeting_schemas
from eventhub import schemas as schemas_module
from eventhub.schemas import Input
from eventhub.services import Services
from eventhub.settings import Settings

logger = logging.getLogger("eventhub")
from eventhub.web import build_web


def system_clock() -> datetime:
    return datetime.now(UTC)


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock = system_clock,
    new_uid: UidFactory = random_uid,
    transport: Transport | None = None,
    meeting_solver: Solver = schedule,
) -> Litestar:
    """The application; tests inject the clock, calendar UIDs (golden files), mail
    transport and the meeting scheduler (to hold a solve while they look)."""
    settings = settings or Settings()
    app = build_app(settings)
    database = Database(settings.database_url, lock_timeout_seconds=settings.lock_timeout_seconds)
    use_services(app, Services.build(settings, database, clock, new_uid, transport, meeting_solver))
    return app


def use_services(app: Litestar, services: Services) -> None:
    """The services every handler, middleware and the lifespan reach (`app.state.services`),
    with an empty cache of compressed bodies: what one set of services served."""
    app.state.services = services
    app.state.compressed = CompressedBodies()


def build_app(settings: Settings) -> EventhubApp:
    """The routes, middleware and documents for `settings`, without services yet
    (`use_services`). Building it is most of an app's start-up cost (Litestar reads every
    handler's signature), so the tests build one per settings and give it fresh services
    per test."""
    install_redaction()
    web = build_web(settings)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        services: Services = app.state.services
        await _refresh_time_zones(services)
        senders = [
            asyncio.create_task(sender.run_forever()) for sender in (services.mail_sender, services.link_mail_sender)
        ] if settings.mail_sender else []
        try:
            yield
        finally:
            for sender in senders:
                sender.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sender
            if services.rate_limiter is not None:
                await services.rate_limiter.close()
            if services.sign_in_limits is not None:
                await services.sign_in_limits.close()
            await services.database.dispose()

    app = EventhubApp(
        route_handlers=[
            health,
            MissionController,
            outbox_report,
            VenueController,
            PersonController,
            SessionController,
            ProgrammeController,
            RegistrationController,
            GroupRegistrationController,
            AttendanceController,
            MeController,
            MyMeetingsController,
            MeetingPlanController,
            mission_feed,
            session_feed,
            personal_feed,
            schedule_xml,
            schedule_json,
            import_programme,
            mission_history,
            web.pages,
            web.static,
            swagger_ui_assets(),
        ],
        dependencies=DEPENDENCIES,
        before_request=before_request,
        # The API's problem+json handlers; a browser asking for an unknown page gets a page.
        exception_handlers=web.exception_handlers,
        template_config=web.templates,
        before_send=[web.before_send, api_headers],
        # Outermost: it hands If-None-Match on without a coding's suffix (eventhub.compression).
        middleware=[CompressionMiddleware, *web.middleware, IdempotencyMiddleware()],
        cors_config=cors(settings),
        request_max_body_size=MAX_BODY_BYTES,
        lifespan=[lifespan],
        state=State({"services": None, "presenter": Presenter(settings.public_base), "compressed": None}),
        openapi_config=OpenAPIConfig(
            title="eventhub",
            version=__version__,
            description="Mission programmes, registrations with waitlists, and iCalendar feeds.",
            path="/schema",
            render_plugins=[swagger_ui()],
            components=Components(
                security_schemes={
                    ORGANISER_SCHEME: SecurityScheme(
                        type="http", scheme="bearer", description="An organiser token (eho_...): `eventhub token create`"
                    ),
                    ATTENDEE_SCHEME: SecurityScheme(
                        type="http", scheme="bearer",
                        description="An attendee's manage token (ehm_...), from their registration answer or mail",
                    ),
                }
            ),
        ),
        on_startup=[_complete_openapi],
        debug=settings.debug,
    )
    app.edge = request_edge(settings)
    return app


class EventhubApp(Litestar):
    """Litestar with the request-shape checks (eventhub.hardening.RequestEdge) in front of
    its routing, so that they hold for every path and nothing reads a malformed Host first."""

    edge: RequestEdge | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.edge is not None:
            refused = self.edge.refusal(scope)
            if refused is not None:
                await send_problem(send, *refused)
                return
        await super().__call__(scope, receive, send)


async def _refresh_time_zones(services: Services) -> None:
    """tzdata may have changed since the last start: future sessions keep their wall time."""
    try:
        moved = await refresh_utc_index(services.database, services.clock)
    except (DatabaseBusy, DatabaseUnavailable, DBAPIError) as error:  # another worker has it, or no schema yet
        logger.warning("time zone refresh skipped: %s", error)
        return
    if moved:
        logger.info("time zone rules changed: %d future session(s) moved in UTC", moved)


ORGANISER_SCHEME = "organiserToken"
ATTENDEE_SCHEME = "attendeeManageToken"


def _declare_security(app: Litestar) -> None:
    """Each operation names the credential it takes, so that the docs' "Authorize" works:
    the organiser guard's routes need an organiser token; /api/me needs an attendee's manage
    token; registering takes one optionally (to add sessions); public reads take an organiser
    token optionally (drafts)."""
    document = app.openapi_schema
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path_format not in (document.paths or {}):
            continue
        item = document.paths[route.path_format]
        for handler in route.route_handlers:
            for method in handler.http_methods:
                operation = getattr(item, method.lower(), None)
                if operation is None:
                    continue
                if needs_credential(route.path_format, handler):
                    scheme = ATTENDEE_SCHEME if route.path_format.startswith("/api/me") else ORGANISER_SCHEME
                    operation.security = [{scheme: []}]
                elif route.path_format.endswith("/registrations") and method == "POST":
                    operation.security = [{}, {ATTENDEE_SCHEME: []}]
                elif route.path_format.startswith("/api/missions"):
                    operation.security = [{}, {ORGANISER_SCHEME: []}]


def _complete_openapi(app: Litestar) -> None:
    """What the generated document cannot know: request bodies refuse unknown fields, every
    API POST takes an Idempotency-Key (whose misuse answers 409 or 422), and which
    credential each operation takes."""
    _declare_security(app)
    document = app.openapi_schema
    for name, schema in (document.components.schemas or {}).items():
        model = getattr(schemas_module, name, None) or getattr(meeting_schemas, name, None)
        if isinstance(model, type) and issubclass(model, Input):
            schema.additional_properties = False
    problem = OpenAPIMediaType(schema=Reference(ref="#/components/schemas/Problem"))
    for path, item in (document.paths or {}).items():
        if item.post is None or not path.startswith("/api/") or IDEMPOTENCY_KEY_PARAMETER in (item.post.parameters or []):
            continue
        item.post.parameters = [*(item.post.parameters or []), IDEMPOTENCY_KEY_PARAMETER]
        for status, description in (("409", "The Idempotency-Key is in use by a request still running"),
                                    ("422", "The Idempotency-Key was used with a different request")):
            if status not in (item.post.responses or {}):
                item.post.responses = {**(item.post.responses or {}), status: OpenAPIResponse(
                    description=description, content={"application/problem+json": problem})}


IDEMPOTENCY_KEY_PARAMETER = Parameter(
    name="Idempotency-Key",
    param_in=ParamType.HEADER,
    required=False,
    schema=Schema(type=OpenAPIType.STRING, min_length=1, max_length=255, pattern=KEY_PATTERN),
    description="Makes a retried POST safe: the first answer is replayed for 24 hours.",
)


def create_app_from_env() -> Litestar:
    """Factory for `uvicorn --factory` worker processes."""
    return create_app()

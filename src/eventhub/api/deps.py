"""Request-scoped dependencies: the app's services and the caller's organiser identity."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from litestar.di import Provide
from litestar.openapi.datastructures import ResponseSpec

from eventhub.api.present import Presenter
from eventhub.api.schemas import ConflictProblem, Problem
from eventhub.db.services.access import Organiser
from eventhub.domain.errors import AuthenticationRequired
from eventhub.services import Services


def provide_services(request: Request[Any, Any, Any]) -> Services:
    return request.app.state.services


def provide_presenter(request: Request[Any, Any, Any]) -> Presenter:
    return request.app.state.presenter


def bearer_token(request: Request[Any, Any, Any]) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationRequired("Send the token as 'Authorization: Bearer <token>'.", code="invalid_token")
    return token.strip()


async def provide_organiser(request: Request[Any, Any, Any]) -> Organiser | None:
    """The organiser behind the bearer token; None without one (public reads)."""
    if "organiser" in request.state:
        return request.state.organiser
    token = bearer_token(request)
    if token is None:
        return None
    services: Services = request.app.state.services
    return await services.organiser_tokens.authenticate(token)


async def organiser_only(connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler) -> None:
    """Guard: runs before the body is read, so a missing token is 401 and another
    mission's token 403 whatever the body says."""
    token = bearer_token(connection)  # type: ignore[arg-type]
    if token is None:
        raise AuthenticationRequired("This call needs an organiser token: 'Authorization: Bearer <token>'.")
    services: Services = connection.app.state.services
    organiser = await services.organiser_tokens.authenticate(token)
    slug = connection.path_params.get("slug")
    if slug is not None and organiser.mission_id is not None:
        await services.organiser_tokens.check_scope(organiser, slug)
    connection.state.organiser = organiser


ORGANISER_ONLY = [organiser_only]


DEPENDENCIES = {
    "services": Provide(provide_services, sync_to_thread=False),
    "organiser": Provide(provide_organiser),
    "present": Provide(provide_presenter, sync_to_thread=False),
}

_DESCRIPTIONS = {
    401: "No organiser token, or one that is not valid",
    403: "The token is for another mission",
    404: "No such mission or record (or not visible to the caller)",
    409: "The change clashes with the current programme",
    422: "A value breaks a rule (unknown zone, nonexistent local time, dates, references)",
    503: "The database is busy or unreachable; retry after Retry-After seconds",
}


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for the problem responses a route can give (503 is always possible)."""
    specs = {}
    for status in (*statuses, 503):
        container = ConflictProblem if status == 409 else Problem
        specs[status] = ResponseSpec(
            data_container=container, description=_DESCRIPTIONS[status], media_type="application/problem+json"
        )
    return specs


READ = problems(404, 401)
WRITE = problems(401, 403, 404, 422)

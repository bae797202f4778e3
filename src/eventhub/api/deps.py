"""Request-scoped dependencies: the app's services and the caller's organiser identity."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import HttpMethod, Request, Response
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.handlers import BaseRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import PathParameter, QueryParameter
from litestar.routes import HTTPRoute
from litestar.status_codes import HTTP_204_NO_CONTENT

from eventhub.hardening import check_json_body
from eventhub.present import Presenter
from eventhub.schemas import MAX_ID, ConflictProblem, InterfaceLanguage, Problem
from eventhub.db.services.access import Organiser
from eventhub.domain.errors import AuthenticationRequired
from eventhub.domain.permissions import Action
from eventhub.domain.tokens import FEED_TOKEN_PREFIX, MANAGE_TOKEN_PREFIX
from eventhub.services import Services

ATTENDEE_TOKEN_PREFIXES = (f"{MANAGE_TOKEN_PREFIX}_", f"{FEED_TOKEN_PREFIX}_")


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
    if token is None or token.startswith(ATTENDEE_TOKEN_PREFIXES):
        # An attendee's own token grants nothing here: what is public stays readable.
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
    if slug is not None and not organiser.all_missions:
        await services.organiser_tokens.check_scope(organiser, slug, route_action(connection, _handler))
    connection.state.organiser = organiser


def route_action(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> Action:
    """What a route needs: its `opt["action"]`, else viewing for reads and editing the
    programme for writes. The services decide finally (an owner's action, such as deleting
    the mission, is checked there); this answers a viewer's write 403 before the body is read."""
    action = handler.opt.get("action")
    if action is not None:
        return Action(action)
    return Action.VIEW if connection.scope["method"] in {"GET", "HEAD"} else Action.EDIT_PROGRAMME


ORGANISER_ONLY = [organiser_only]


def needs_credential(path_template: str, handler: BaseRouteHandler) -> bool:
    """The route answers nobody without a token: the organiser guard's routes, and /api/me
    (an attendee's manage token). The OpenAPI document and the Idempotency-Key middleware
    both ask here."""
    return organiser_only in handler.resolve_guards() or path_template.startswith("/api/me")

# A record id in a path or query: bounded like ids in bodies (schemas.Id), so that a value
# no row can have is a 422 rather than a number the database driver cannot bind.
PathId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
QueryId = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)]
Lang = Annotated[
    InterfaceLanguage | None,
    QueryParameter(description="The reader's language: texts in it where translated, else as written"),
]


async def before_request(request: Request[Any, Any, Any]) -> Response[None] | None:
    """The app's before_request hook (after guards, before the body is parsed)."""
    await check_json_body(request)
    return await answer_options(request)


async def answer_options(request: Request[Any, Any, Any]) -> Response[None] | None:
    """Answer OPTIONS with every method of the path.

    Litestar 2's automatic OPTIONS handler lists only the methods of the handlers that were
    registered with the first of them (litestar#4169, fixed in 3.0), so a controller with
    GET and POST on one path answered `Allow: OPTIONS, POST`.
    """
    if request.method != HttpMethod.OPTIONS:
        return None
    template = request.scope.get("path_template")
    methods = {
        method
        for route in request.app.routes
        if isinstance(route, HTTPRoute) and route.path_format == template
        for method in route.methods
    }
    return Response(None, status_code=HTTP_204_NO_CONTENT, headers={"Allow": ", ".join(sorted(methods))})


DEPENDENCIES = {
    "services": Provide(provide_services, sync_to_thread=False),
    "organiser": Provide(provide_organiser),
    "present": Provide(provide_presenter, sync_to_thread=False),
}

_DESCRIPTIONS = {
    400: "The request cannot be read (a body that is not valid JSON, a host this server does not serve)",
    401: "No organiser token, or one that is not valid",
    403: "The token is for another mission, or its role does not allow this",
    404: "No such mission or record (or not visible to the caller)",
    409: "The change clashes with the current programme",
    413: "The body is larger than the server takes (64 KiB)",
    422: "A value breaks a rule (a field or parameter out of its range, unknown zone, nonexistent local time, dates, references)",
    503: "The database is busy or unreachable; retry after Retry-After seconds",
}


def spec(data_container: Any, description: str, **kwargs: Any) -> ResponseSpec:
    """A documented response without Litestar's generated examples, which are random values
    (a different document on every start, strings that look like data)."""
    return ResponseSpec(data_container=data_container, description=description, generate_examples=False, **kwargs)


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for the problem responses a route can give. 400 (an unreadable body,
    a host this server does not serve) and 503 are always possible; Litestar would list its
    own 400 as application/json, but eventhub answers problem+json."""
    specs = {}
    for status in (400, *statuses, 503):
        container = ConflictProblem if status == 409 else Problem
        specs[status] = spec(container, _DESCRIPTIONS[status], media_type="application/problem+json")
    return specs


READ = problems(404, 401)
READ_ONE = problems(401, 404, 422)  # 422: an id out of range
WRITE = problems(401, 403, 404, 413, 422)

"""RFC 9457 problem details for every error the service answers with.

Each problem carries a stable `code` (and a `type` URI built from it); validation,
lookups and conflicts never turn into a 500, and a 500 never shows internals.
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import Send
from sqlalchemy.exc import DBAPIError, IntegrityError

from eventhub.db.database import DatabaseBusy, DatabaseUnavailable
from eventhub.ratelimit import RateLimited
from eventhub.schemas import explain
from eventhub.domain.errors import (
    AuthenticationRequired,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    StateConflict,
)

logger = logging.getLogger("eventhub")

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_BASE = "https://eventhub.dev/problems/"
RETRY_AFTER_SECONDS = "2"


_DOMAIN_STATUS: dict[type[DomainError], int] = {
    InvalidInput: 422,
    NotFound: 404,
    StateConflict: 409,
    AuthenticationRequired: 401,
    Forbidden: 403,
}

_HTTP_CODES = {
    400: "bad_request",
    401: "authentication_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "request_too_large",
    415: "unsupported_media_type",
    431: "headers_too_large",
    422: "validation_error",
    429: "rate_limited",
    503: "service_unavailable",
}

_TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request too large",
    415: "Unsupported media type",
    431: "Request headers too large",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


def problem_body(status: int, code: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": PROBLEM_TYPE_BASE + code,
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "code": code,
        "detail": detail,
        **extra,
    }


async def send_problem(send: Send, status: int, code: str, detail: str) -> None:
    """A problem answered at the ASGI level, for requests refused before routing."""
    body = msgspec.json.encode(problem_body(status, code, detail))
    headers = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response[dict[str, Any]]:
    body = problem_body(status, code, detail, **({"instance": instance} if instance else {}), **extra)
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[dict[str, Any]]:
    status = next(code for kind, code in _DOMAIN_STATUS.items() if isinstance(exc, kind))
    headers = {"WWW-Authenticate": 'Bearer realm="eventhub"'} if status == 401 else None
    return problem(status, exc.code, exc.detail, instance=request.scope["path"], headers=headers, **exc.extra)


def _validation_error(request: Request[Any, Any, Any], exc: ValidationException) -> Response[dict[str, Any]]:
    errors = [
        {"field": _field_name(item), "message": explain(str(item.get("message", "")))}
        for item in (exc.extra if isinstance(exc.extra, list) else [])
        if isinstance(item, dict)
    ]
    detail = explain(exc.detail) if exc.detail and exc.detail != "Bad Request" else "The request is not valid."
    if _is_malformed_json(detail):
        return _malformed_json(request)
    return problem(422, "validation_error", detail, instance=request.scope["path"], errors=errors)


def _is_malformed_json(detail: str) -> bool:
    return "Malformed JSON" in detail or "JSON is malformed" in detail


def _malformed_json(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    return problem(400, "malformed_json", "The request body is not valid JSON.", instance=request.scope["path"])


def _field_name(item: dict[str, Any]) -> str:
    key = str(item.get("key") or "")
    return key.removeprefix("$.") if key.startswith("$.") else key


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    status = exc.status_code
    if status >= 500:
        return _server_error(request, exc)
    if status == 400 and _is_malformed_json(exc.detail or ""):  # Litestar raises a plain 400 for it
        return _malformed_json(request)
    code = getattr(exc, "problem_code", None) or _HTTP_CODES.get(status, "http_error")
    detail = exc.detail or _TITLES.get(status, "Error")
    headers = dict(exc.headers or {})
    return problem(status, code, detail, instance=request.scope["path"], headers=headers or None)


def _busy(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    code = "database_busy" if isinstance(exc, DatabaseBusy) else "database_unavailable"
    return problem(
        503, code, str(exc), instance=request.scope["path"], headers={"Retry-After": RETRY_AFTER_SECONDS}
    )


def _rate_limited(request: Request[Any, Any, Any], exc: RateLimited) -> Response[dict[str, Any]]:
    return problem(
        429, "rate_limited", str(exc), instance=request.scope["path"], headers={"Retry-After": str(exc.retry_after)}
    )


def _integrity_error(request: Request[Any, Any, Any], exc: IntegrityError) -> Response[dict[str, Any]]:
    # The services check rules first; reaching here means a concurrent change won the race.
    logger.info("integrity error on %s: %s", request.scope["path"], type(exc.orig).__name__)
    return problem(
        409, "conflicting_change", "The change clashes with data saved at the same time; reload and retry.",
        instance=request.scope["path"],
    )


def _out_of_range(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    # The last line of defence for a value the API let through and the database cannot hold:
    # SQLite binds integers up to 2**63 - 1 (OverflowError beyond), PostgreSQL answers a
    # data exception (SQLSTATE class 22). Any other database error stays a 500.
    if isinstance(exc, DBAPIError):
        state = str(getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None) or "")
        if not state.startswith("22"):
            return _server_error(request, exc)
    logger.info("value out of range on %s: %s", request.scope["path"], type(exc).__name__)
    return problem(
        422, "value_out_of_range", "A value in the request is out of the range this service stores.",
        instance=request.scope["path"],
    )


def _server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    logger.exception("unhandled error on %s %s", request.method, request.scope["path"], exc_info=exc)
    return problem(
        HTTP_500_INTERNAL_SERVER_ERROR, "internal_error", "Something went wrong on our side.",
        instance=request.scope["path"],
    )


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    DomainError: _domain_error,
    ValidationException: _validation_error,
    NotAuthorizedException: _http_error,
    PermissionDeniedException: _http_error,
    HTTPException: _http_error,
    DatabaseBusy: _busy,
    DatabaseUnavailable: _busy,
    IntegrityError: _integrity_error,
    DBAPIError: _out_of_range,
    OverflowError: _out_of_range,
    RateLimited: _rate_limited,
    Exception: _server_error,
}

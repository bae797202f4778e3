"""Errors that the rules raise; `eventhub.errors` maps each family to an HTTP status."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule said no. `code` is stable and machine-readable; `detail` is for people."""

    default_code = "domain_error"

    def __init__(self, detail: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.default_code
        self.extra = extra


class InvalidInput(DomainError):
    """The request is well-formed but breaks a rule about its values (HTTP 422)."""

    default_code = "invalid_input"


class NotFound(DomainError):
    """The thing does not exist, or is not visible to the caller (HTTP 404)."""

    default_code = "not_found"


class StateConflict(DomainError):
    """The request clashes with the current state of the programme (HTTP 409)."""

    default_code = "conflict"


class AuthenticationRequired(DomainError):
    """No credentials, or credentials that match nothing (HTTP 401)."""

    default_code = "authentication_required"


class Forbidden(DomainError):
    """Valid credentials that do not reach this mission (HTTP 403)."""

    default_code = "forbidden"

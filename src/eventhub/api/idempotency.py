"""Idempotency-Key on POSTs to the API: a retry after a lost answer gets the first answer.

Runs as middleware because the key covers the exact request body: the body is read
here, fingerprinted, and handed on unchanged.
"""

from __future__ import annotations

import hashlib
from typing import Any

from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.exceptions import ClientException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from eventhub.api.deps import needs_credential
from eventhub.db.services.idempotency import StoredResponse
from eventhub.domain.idempotency import Decision, is_valid_key, normalized_key, should_remember
from eventhub.hardening import read_body, replay

HEADER = "idempotency-key"
_REPLAYED_HEADERS = ("content-type", "location", "retry-after", "etag")


class IdempotencyProblem(ClientException):
    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail=detail, status_code=status)
        self.problem_code = code


class IdempotencyMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        headers = Headers.from_scope(scope)
        key = headers.get(HEADER)
        if scope.get("method") == "DELETE":
            await self._delete(scope, receive, send, next_app, headers)
            return
        if key is None or scope.get("method") != "POST" or _refused_anyway(scope, headers):
            await next_app(scope, receive, send)
            return
        if not is_valid_key(key):
            raise IdempotencyProblem(400, "invalid_idempotency_key", "Idempotency-Key must be 1-255 visible ASCII characters.")
        key = normalized_key(key)
        body = await read_body(receive)
        client = _client_identity(scope, headers)
        fingerprint = hashlib.sha256(b"\n".join([scope["path"].encode(), scope.get("query_string", b""), body])).hexdigest()
        store = scope["litestar_app"].state.services.idempotency
        claim = await store.claim(client, key, fingerprint)

        if claim.decision == Decision.REPLAY and claim.response is not None:
            await _send_stored(send, claim.response)
            return
        if claim.decision == Decision.IN_FLIGHT:
            raise IdempotencyProblem(409, "idempotency_key_in_use", "A request with this Idempotency-Key is still being processed.")
        if claim.decision == Decision.MISMATCH:
            raise IdempotencyProblem(422, "idempotency_key_reused", "This Idempotency-Key was used with a different request.")

        captured: dict[str, Any] = {"status": 500, "headers": [], "body": []}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in message.get("headers", [])]
            elif message["type"] == "http.response.body":
                captured["body"].append(message.get("body", b""))
            await send(message)

        try:
            await next_app(scope, replay(body, receive), capture)
        except BaseException:
            await store.release(client, key)
            raise
        if should_remember(captured["status"]):
            kept = [(k, v) for k, v in captured["headers"] if k.lower() in _REPLAYED_HEADERS]
            await store.complete(client, key, StoredResponse(captured["status"], kept, b"".join(captured["body"])))
        else:
            await store.release(client, key)


    async def _delete(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp, headers: Headers) -> None:
        """A replay must not claim that something exists after its creator deleted it: a
        successful DELETE makes the client's stored answers void (README "Idempotency")."""
        status = 500

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await next_app(scope, receive, watch)
        if 200 <= status < 300:
            await scope["litestar_app"].state.services.idempotency.forget_answers(_client_identity(scope, headers))


def _refused_anyway(scope: Scope, headers: Headers) -> bool:
    """A call without the credential its route needs is a 401 whatever its key: the key
    is neither looked up nor kept (a reused key would otherwise answer 422 first)."""
    handler = scope.get("route_handler")
    return (
        headers.get("authorization") is None and handler is not None
        and needs_credential(str(scope.get("path_template", "")), handler)
    )


def _client_identity(scope: Scope, headers: Headers) -> str:
    """Keys are per client: the bearer token if any (hashed), else the address."""
    credential = headers.get("authorization") or f"address:{(scope.get('client') or ('unknown', 0))[0]}"
    return hashlib.sha256(credential.encode("utf-8")).hexdigest()


async def _send_stored(send: Send, response: StoredResponse) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers]
    headers += [(b"idempotent-replayed", b"true"), (b"content-length", str(len(response.body)).encode())]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body, "more_body": False})

"""Idempotency-Key: a retried POST gets its first answer, never a second effect."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import select

from eventhub.db.models import IdempotencyRecord
from eventhub.services import Services
from tests.api.conftest import Api
from tests.conftest import FrozenClock

SLUG = "riga-2026"


async def setup_session(api: Api, clock: FrozenClock) -> dict[str, Any]:
    clock.now = datetime(2026, 5, 1, tzinfo=UTC)
    await api.mission()
    return await api.session(SLUG, starts_at="2026-06-01T10:00", ends_at="2026-06-01T11:00", capacity=5)


async def test_retried_registration_replays_the_first_answer(api: Api, client: AsyncTestClient, clock: FrozenClock, services: Services) -> None:
    session = await setup_session(api, clock)
    body = {"name": "Ira Raciņa", "email": "ira@example.lv", "session_ids": [session["id"]]}
    first = await client.post(f"/api/missions/{SLUG}/registrations", json=body, headers={"Idempotency-Key": "reg-1"})
    retry = await client.post(f"/api/missions/{SLUG}/registrations", json=body, headers={"Idempotency-Key": "reg-1"})
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    without_key = await client.post(f"/api/missions/{SLUG}/registrations", json=body)
    assert without_key.status_code == 202  # a genuinely new request: the address exists now

    async with services.database.read() as db:
        stored = list(await db.scalars(select(IdempotencyRecord.response)))
    assert stored and all(first.json()["manage_token"].encode() not in (blob or b"") for blob in stored)


async def test_same_key_with_another_body_is_422(api: Api, client: AsyncTestClient, clock: FrozenClock) -> None:
    session = await setup_session(api, clock)
    headers = {"Idempotency-Key": "reg-2"}
    await client.post(f"/api/missions/{SLUG}/registrations", headers=headers,
                      json={"name": "A", "email": "a@example.org", "session_ids": [session["id"]]})
    other = await client.post(f"/api/missions/{SLUG}/registrations", headers=headers,
                              json={"name": "B", "email": "b@example.org", "session_ids": [session["id"]]})
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"


async def test_a_call_without_its_credential_is_401_whatever_key_it_reuses(
    api: Api, client: AsyncTestClient, clock: FrozenClock
) -> None:
    # Found by Schemathesis from outside (ST203): a key this address had used for a public
    # registration made the next call, without a token, a 422 instead of the 401 it is.
    session = await setup_session(api, clock)
    headers = {"Idempotency-Key": "shared-key"}
    public = await client.post(f"/api/missions/{SLUG}/registrations", headers=headers,
                               json={"name": "A", "email": "a@example.org", "session_ids": [session["id"]]})
    assert public.status_code == 201
    for path in ("/api/missions", f"/api/missions/{SLUG}/people", "/api/me/manage-token"):
        answer = await client.post(path, headers=headers, json={"name": "Ira Raciņa"})
        assert answer.status_code == 401, (path, answer.text)
    # ... and the key still belongs to the registration it was first used for.
    retry = await client.post(f"/api/missions/{SLUG}/registrations", headers=headers,
                              json={"name": "A", "email": "a@example.org", "session_ids": [session["id"]]})
    assert retry.headers["idempotent-replayed"] == "true"


async def test_organiser_create_is_not_repeated(api: Api, client: AsyncTestClient) -> None:
    body = {"slug": "once", "title": "Once", "host_country": "LV", "timezone": "Europe/Riga",
            "starts_on": "2026-06-01", "ends_on": "2026-06-02"}
    headers = {**api.auth, "Idempotency-Key": "mission-once"}
    first = await client.post("/api/missions", json=body, headers=headers)
    retry = await client.post("/api/missions", json=body, headers=headers)
    assert first.status_code == retry.status_code == 201
    assert retry.json()["id"] == first.json()["id"]
    plain_retry = await client.post("/api/missions", json=body, headers=api.auth)
    assert plain_retry.status_code == 409  # without the key, the duplicate is refused as such


async def test_key_still_in_flight_is_409(api: Api, client: AsyncTestClient, clock: FrozenClock, services: Services) -> None:
    session = await setup_session(api, clock)
    body = b'{"name":"A","email":"a@example.org","session_ids":[%d]}' % session["id"]
    path = f"/api/missions/{SLUG}/registrations"
    client_id = hashlib.sha256(b"address:testclient").hexdigest()  # the test client's address
    fingerprint = hashlib.sha256(b"\n".join([path.encode(), b"", body])).hexdigest()
    # Another request with this key is running right now (it holds the key).
    held = await services.idempotency.claim(client_id, "busy-key", fingerprint)
    assert held.decision == "proceed"
    response = await client.post(path, content=body, headers={"Idempotency-Key": "busy-key", "Content-Type": "application/json"})
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_in_use"


async def test_keys_are_per_client_and_expire_after_a_day(api: Api, client: AsyncTestClient, clock: FrozenClock, services: Services) -> None:
    other_token = await services.organiser_tokens.create("other organiser", None)
    body = {"slug": "first", "title": "First", "host_country": "LV", "timezone": "Europe/Riga",
            "starts_on": "2026-06-01", "ends_on": "2026-06-02"}
    assert (await client.post("/api/missions", json=body, headers={**api.auth, "Idempotency-Key": "k"})).status_code == 201
    mine_again = await client.post("/api/missions", json={**body, "slug": "second"}, headers={**api.auth, "Idempotency-Key": "k"})
    assert mine_again.status_code == 422
    theirs = await client.post("/api/missions", json={**body, "slug": "second"},
                               headers={"Authorization": f"Bearer {other_token}", "Idempotency-Key": "k"})
    assert theirs.status_code == 201
    clock.advance(hours=25)
    later = await client.post("/api/missions", json={**body, "slug": "third"}, headers={**api.auth, "Idempotency-Key": "k"})
    assert later.status_code == 201


async def test_malformed_key_is_400(client: AsyncTestClient, api: Api) -> None:
    response = await client.post("/api/missions", json={}, headers={**api.auth, "Idempotency-Key": "x" * 300})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"


async def test_a_replay_never_claims_what_was_deleted_since(api: Api, client: AsyncTestClient) -> None:
    await api.mission()
    headers = {**api.auth, "Idempotency-Key": "venue-hall"}
    path = f"/api/missions/{SLUG}/venues"
    first = await client.post(path, json={"name": "Hall"}, headers=headers)
    assert first.status_code == 201
    replayed = await client.post(path, json={"name": "Hall"}, headers=headers)
    assert replayed.headers.get("idempotent-replayed") == "true"
    assert (await client.delete(f"{path}/{first.json()['id']}", headers=api.auth)).status_code == 204

    again = await client.post(path, json={"name": "Hall"}, headers=headers)
    assert again.status_code == 201 and "idempotent-replayed" not in again.headers
    assert (await client.get(f"{path}")).json()[0]["id"] == again.json()["id"]  # what it names exists

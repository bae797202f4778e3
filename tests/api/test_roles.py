"""Roles through the JSON API: a viewer's token reads and exports and is refused every
write; an editor changes the programme but not the team's owner actions; an account's
token never acts above the account; a revoked token is refused at once."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from eventhub.app import create_app
from eventhub.db.database import Database
from eventhub.domain.permissions import Role
from eventhub.services import Services
from eventhub.settings import Settings
from tests.api.conftest import Api
from tests.conftest import FrozenClock

SLUG = "riga-2026"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_viewer_token_reads_and_exports_and_every_write_is_403(
    api: Api, client: AsyncTestClient, services: Services
) -> None:
    await api.mission(SLUG)
    venue = await api.venue(SLUG, "Teikums")
    viewer = bearer(await services.organiser_tokens.create("consulate", SLUG, role=Role.VIEWER))
    for path in (f"/api/missions/{SLUG}/registrations", f"/api/missions/{SLUG}/registrations.csv",
                 f"/api/missions/{SLUG}/conflicts", f"/api/missions/{SLUG}/outbox"):
        assert (await client.get(path, headers=viewer)).status_code == 200, path
    writes = [
        client.patch(f"/api/missions/{SLUG}", json={"title": "Mine"}, headers=viewer),
        client.post(f"/api/missions/{SLUG}/venues", json={"name": "New"}, headers=viewer),
        client.patch(f"/api/missions/{SLUG}/venues/{venue['id']}", json={"address": "x"}, headers=viewer),
        client.post(f"/api/missions/{SLUG}/messages", json={"subject": "Hi", "body": "x"}, headers=viewer),
        client.delete(f"/api/missions/{SLUG}", headers=viewer),
    ]
    for write in writes:
        refused = await write
        assert refused.status_code == 403, refused.text
        assert refused.json()["code"] == "role_forbids"
    assert (await client.get(f"/api/missions/{SLUG}")).json()["title"] == "Riga Digital Week"


async def test_an_editor_changes_the_programme_but_may_not_delete_the_mission(
    api: Api, client: AsyncTestClient, services: Services
) -> None:
    await api.mission(SLUG, status="draft")
    editor = bearer(await services.organiser_tokens.create("programme team", SLUG, role=Role.EDITOR))
    assert (await client.post(f"/api/missions/{SLUG}/venues", json={"name": "Teikums"}, headers=editor)).status_code == 201
    refused = await client.delete(f"/api/missions/{SLUG}", headers=editor)
    assert refused.status_code == 403 and refused.json()["code"] == "role_forbids"
    owner = bearer(await services.organiser_tokens.create("owner", SLUG))
    assert (await client.delete(f"/api/missions/{SLUG}", headers=owner)).status_code == 204


async def test_an_accounts_token_acts_with_the_accounts_role_as_it_is_now(
    api: Api, client: AsyncTestClient, services: Services
) -> None:
    await api.mission(SLUG)
    account = await services.accounts.create("ira@example.lv", "Ira Raciņa", "Tien Shan mountains", mission_slug=SLUG,
                                             role=Role.VIEWER)
    # an owner token in name, a viewer's token in fact
    token = bearer(await services.organiser_tokens.create("laptop", SLUG, account_id=account.id))
    assert (await client.post(f"/api/missions/{SLUG}/venues", json={"name": "x"}, headers=token)).status_code == 403
    assert (await client.get(f"/api/missions/{SLUG}/registrations", headers=token)).status_code == 200
    everywhere = bearer(await services.organiser_tokens.create("all", None, account_id=account.id))
    created = await client.post("/api/missions", headers=everywhere, json={
        "slug": "new-one", "title": "New", "host_country": "LV", "timezone": "Europe/Riga",
        "starts_on": "2026-06-01", "ends_on": "2026-06-02",
    })
    assert created.status_code == 403  # an account's token for "all" reaches only its own missions


async def test_a_revoked_token_is_refused_at_once_by_every_worker(
    api: Api, settings: Settings, database: Database, clock: FrozenClock, services: Services
) -> None:
    await api.mission(SLUG)
    token = bearer(await services.organiser_tokens.create("to revoke", SLUG))
    async with AsyncTestClient(app=create_app(settings, clock=clock)) as other_worker:
        assert (await other_worker.get(f"/api/missions/{SLUG}/registrations", headers=token)).status_code == 200
        listed = await services.organiser_tokens.list()
        token_id = next(t.id for t in listed if t.name == "to revoke")
        assert next(t for t in listed if t.id == token_id).last_used_at == clock()
        await services.organiser_tokens.revoke(token_id)
        for client in (other_worker, api.client):
            refused = await client.get(f"/api/missions/{SLUG}/registrations", headers=token)
            assert refused.status_code == 401 and refused.json()["code"] == "invalid_token"
    revoked = next(t for t in await services.organiser_tokens.list() if t.id == token_id)
    assert revoked.revoked_at == clock()

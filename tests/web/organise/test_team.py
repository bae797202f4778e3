"""The team, invitations by mail, password resets, tokens and the history, through the
back office's pages as a browser posts them (mail through a real SMTP server)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace
from email.message import EmailMessage

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text

from eventhub.app import create_app
from eventhub.db.database import Database
from eventhub.domain.permissions import Role
from eventhub.services import Services
from eventhub.settings import Settings
from tests.conftest import FrozenClock
from tests.integration.test_mail import Inbox, inbox, smtp_port  # noqa: F401 - fixtures
from tests.web.conftest import SLUG, Browser, csrf_token, session_id
from tests.web.organise.conftest import PASSWORD, AccountFactory, SignIn

HTML = {"Accept": "text/html"}
TEAM = f"/organise/missions/{SLUG}/team"
TOKENS = f"/organise/missions/{SLUG}/tokens"


@pytest.fixture
def mail_settings(settings: Settings, smtp_port: int) -> Settings:  # noqa: F811
    return replace(settings, smtp_url=f"smtp://127.0.0.1:{smtp_port}")


@pytest.fixture
def mail_services(mail_settings: Settings, database: Database, clock: FrozenClock) -> Services:
    return Services.build(mail_settings, database, clock)


@pytest.fixture
async def office(mail_settings: Settings, database: Database, clock: FrozenClock) -> AsyncIterator[Browser]:
    async with AsyncTestClient(app=create_app(mail_settings, clock=clock), base_url="https://testserver.local") as client:
        yield Browser(client)


async def post(browser: Browser, page: str, action: str, fields: dict[str, str]):  # type: ignore[no-untyped-def]
    return await browser.submit(page, action, fields)


def link_in(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    found = re.search(r"https://events\.example\.org(/organise/\S+)", body.get_content())
    assert found, body.get_content()
    return found.group(1)


async def test_an_owner_invites_a_viewer_who_joins_sees_the_mission_and_may_not_write(
    office: Browser, bishkek: str, organiser_account: AccountFactory, sign_in: SignIn,
    mail_services: Services, inbox: Inbox, settings: Settings, database: Database, clock: FrozenClock,  # noqa: F811
) -> None:
    owner = await organiser_account(role=Role.OWNER, mission=SLUG, name="Ira Raciņa")
    await sign_in(office.client, owner.email, owner.password)
    sent = await post(office, TEAM, f"{TEAM}/invitations", {"email": "Consul@Example.kg", "role": "viewer"})
    assert sent.status_code == 303 and sent.headers["location"] == TEAM
    team = await office.page(TEAM)
    assert "Consul@Example.kg" in team.text  # pending invitation
    assert await mail_services.link_mail_sender.drain() == 1
    [mail] = inbox.to("Consul@Example.kg")
    assert "Ira Raciņa" in mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    link = link_in(mail)
    async with database.read() as db:  # the link is stored only as a digest
        dump = " ".join(str(row) for row in (await db.execute(text("SELECT * FROM account_link"))).all())
    assert link.rsplit("/", 1)[1] not in dump

    async with AsyncTestClient(app=create_app(settings, clock=clock), base_url="https://testserver.local") as c:
        colleague = Browser(c)
        page = await colleague.page(link)
        assert "Viewer" in page.text
        weak = await colleague.submit(link, link, {"name": "Aibek", "password": "qwertyuiop"})
        assert weak.status_code == 422 and 'aria-invalid="true"' in weak.text
        joined = await colleague.submit(link, link, {"name": "Aibek Consul", "password": PASSWORD})
        assert joined.status_code == 303 and joined.headers["location"] == "/organise"
        home = await colleague.page("/organise")
        assert f'href="/organise/missions/{SLUG}"' in home.text and "Viewer" in home.text
        assert (await colleague.page(f"/organise/missions/{SLUG}/history")).status_code == 200
        refused = await colleague.submit(TEAM, f"{TEAM}/invitations", {"email": "x@example.org", "role": "viewer"})
        assert refused.status_code == 403
        tokens = await colleague.submit(TOKENS, TOKENS, {"name": "mine", "role": "viewer"})
        assert tokens.status_code == 403
        used = await c.get(link, headers=HTML)
        assert used.status_code == 404  # single use

    team = await office.page(TEAM)
    assert "Aibek Consul" in team.text


async def test_the_last_owner_stays_and_roles_change(
    browser: Browser, bishkek: str, organiser_account: AccountFactory, sign_in: SignIn
) -> None:
    owner = await organiser_account(role=Role.OWNER, mission=SLUG)
    editor = await organiser_account(role=Role.EDITOR, mission=SLUG, name="Aida Ismailova")
    await sign_in(browser.client, owner.email, owner.password)
    alone = await post(browser, TEAM, f"{TEAM}/{owner.id}/remove", {})
    assert alone.status_code == 409 and "at least one owner" in alone.text
    demoted = await post(browser, TEAM, f"{TEAM}/{owner.id}/role", {"role": "viewer"})
    assert demoted.status_code == 409
    promoted = await post(browser, TEAM, f"{TEAM}/{editor.id}/role", {"role": "owner"})
    assert promoted.status_code == 303
    removed = await post(browser, TEAM, f"{TEAM}/{owner.id}/remove", {})
    assert removed.status_code == 303
    gone = await browser.client.get(TEAM, headers=HTML, follow_redirects=False)
    assert gone.status_code == 403  # no longer in the team: the next request knows


async def test_tokens_are_shown_once_listed_and_revoked_from_the_page(
    browser: Browser, bishkek: str, organiser_account: AccountFactory, sign_in: SignIn, clock: FrozenClock
) -> None:
    owner = await organiser_account(role=Role.OWNER, mission=SLUG, name="Ira Raciņa")
    await sign_in(browser.client, owner.email, owner.password)
    created = await post(browser, TOKENS, TOKENS, {"name": "badge printer", "role": "editor"})
    assert created.status_code == 201
    secret = re.search(r'value="(eho_[^"]+)"', created.text)
    assert secret, created.text
    auth = {"Authorization": f"Bearer {secret.group(1)}"}
    used = await browser.client.get(f"/api/missions/{SLUG}/registrations", headers=auth)
    assert used.status_code == 200
    listed = await browser.page(TOKENS)
    assert "badge printer" in listed.text and "Ira Raciņa" in listed.text and secret.group(1) not in listed.text
    assert clock().strftime("%Y-%m-%d %H:%M") in listed.text  # created and last used
    token_id = re.search(r'/tokens/(\d+)/revoke', listed.text)
    assert token_id
    revoked = await post(browser, TOKENS, f"{TOKENS}/{token_id.group(1)}/revoke", {})
    assert revoked.status_code == 303
    assert (await browser.client.get(f"/api/missions/{SLUG}/registrations", headers=auth)).status_code == 401


async def test_a_forgotten_password_link_works_once_for_an_hour_and_never_tells_who_has_an_account(
    office: Browser, organiser_account: AccountFactory, sign_in: SignIn, mail_services: Services,
    inbox: Inbox, clock: FrozenClock,  # noqa: F811
) -> None:
    account = await organiser_account(role=None, email="ira@example.lv")
    await sign_in(office.client, account.email, account.password)
    forgot = "/organise/forgot-password"
    known = await office.submit(forgot, forgot, {"email": "IRA@example.lv"})
    unknown = await office.submit(forgot, forgot, {"email": "nobody@example.lv"})
    assert known.status_code == unknown.status_code == 303
    assert known.headers["location"] == unknown.headers["location"]
    assert await mail_services.link_mail_sender.drain() == 1
    assert inbox.to("nobody@example.lv") == []
    link = link_in(inbox.to("ira@example.lv")[0])
    await office.submit(forgot, forgot, {"email": "ira@example.lv"})  # a second link, for the expiry check
    await mail_services.link_mail_sender.drain()
    second = link_in(inbox.to("ira@example.lv")[1])

    done = await office.submit(link, link, {"password": "a brand new passphrase"})
    assert done.status_code == 303
    assert (await office.client.get(link, headers=HTML)).status_code == 404  # used up
    assert (await office.client.get(second, headers=HTML)).status_code == 404  # the others too
    office.client.cookies.clear()
    await sign_in(office.client, account.email, "a brand new passphrase")

    await office.submit(forgot, forgot, {"email": "ira@example.lv"})
    await mail_services.link_mail_sender.drain()
    late = link_in(inbox.to("ira@example.lv")[2])
    clock.advance(minutes=61)
    assert (await office.client.get(late, headers=HTML)).status_code == 404


async def test_history_shows_who_changed_what_newest_first_with_a_filter_by_session(
    browser: Browser, bishkek: str, services: Services, organiser_account: AccountFactory, sign_in: SignIn,
) -> None:
    editor = await organiser_account(role=Role.EDITOR, mission=SLUG, name="Aida Ismailova")
    await sign_in(browser.client, editor.email, editor.password)
    token = await services.organiser_tokens.create("laptop", SLUG, account_id=editor.id)
    sid = await session_id(services, "Setting Up Test Labs for IT Solutions: Lessons from Latvia")
    changed = await browser.client.patch(f"/api/missions/{SLUG}/sessions/{sid}", json={"capacity": 25},
                                         headers={"Authorization": f"Bearer {token}"})
    assert changed.status_code == 200, changed.text
    api = await browser.client.get(f"/api/missions/{SLUG}/history?session_id={sid}",
                                   headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200
    newest = api.json()[0]
    assert newest["actor"] == "Aida Ismailova (laptop)"
    assert newest["subject"] == "session" and newest["change"] == "updated"
    assert newest["fields"]["capacity"] == [20, 25]
    assert all(e["session_id"] == sid for e in api.json())
    page = await browser.page(f"/organise/missions/{SLUG}/history?session_id={sid}")
    assert "Aida Ismailova (laptop)" in page.text and "20 → 25" in page.text
    assert 'aria-current="page"' in page.text


async def test_no_password_session_id_token_or_link_is_stored_or_logged_in_clear(
    office: Browser, bishkek: str, organiser_account: AccountFactory, sign_in: SignIn, mail_services: Services,
    inbox: Inbox, database: Database, caplog: pytest.LogCaptureFixture,  # noqa: F811
) -> None:
    caplog.set_level("DEBUG")
    owner = await organiser_account(role=Role.OWNER, mission=SLUG, email="ira@example.lv")
    await sign_in(office.client, owner.email, owner.password)
    session = office.client.cookies.get("eventhub_session")
    created = await post(office, TOKENS, TOKENS, {"name": "printer", "role": "viewer"})
    token = re.search(r'value="(eho_[^"]+)"', created.text)
    assert session and token
    await post(office, TEAM, f"{TEAM}/invitations", {"email": "consul@example.kg", "role": "viewer"})
    await office.submit("/organise/forgot-password", "/organise/forgot-password", {"email": owner.email})
    assert await mail_services.link_mail_sender.drain() == 2
    links = [link_in(m).rsplit("/", 1)[1] for m in inbox.messages]
    await office.client.get(f"/organise/invitations/{links[0]}", headers=HTML)
    secrets = [owner.password, session, token.group(1), *links]

    async with database.read() as db:
        dump = []
        for table in ACCOUNT_TABLES:
            dump += [str(row) for row in (await db.execute(text(f"SELECT * FROM {table}"))).all()]
    everything = "\n".join(dump)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in secrets:
        assert secret not in everything
        assert secret not in logged


ACCOUNT_TABLES = ("account", "membership", "web_session", "account_link", "organiser_token", "history_entry",
                 "outbox_message")

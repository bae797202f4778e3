"""Signing in to the back office, sessions, signing out, and the missions home page."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text

from eventhub.app import create_app
from eventhub.db.database import Database
from eventhub.domain.permissions import Role
from eventhub.domain.tokens import token_digest
from eventhub.settings import Settings
from tests.conftest import FrozenClock
from tests.web.conftest import SLUG, Browser, csrf_token
from tests.web.organise.conftest import AccountFactory, SignIn

HTML = {"Accept": "text/html"}


async def post_form(client: AsyncTestClient, page_path: str, action: str, fields: dict[str, str]):  # type: ignore[no-untyped-def]
    page = await client.get(page_path, headers=HTML)
    return await client.post(action, data={**fields, "_csrf_token": csrf_token(page.text)}, headers=HTML,
                             follow_redirects=False)


async def attempt(client: AsyncTestClient, email: str, password: str):  # type: ignore[no-untyped-def]
    return await post_form(client, "/organise/sign-in", "/organise/sign-in",
                           {"email": email, "password": password, "next": "/organise"})


def visible_text(html: str) -> str:
    """The page as a reader sees it (the form's CSRF token differs per response)."""
    return re.sub(r'name="_csrf_token" value="[^"]+"', "", html)


async def test_an_organiser_signs_in_and_sees_the_missions_of_their_team_with_registrations(
    browser: Browser, bishkek: str, organiser_account: AccountFactory, sign_in: SignIn
) -> None:
    account = await organiser_account(role=Role.VIEWER, mission=SLUG, name="Aida Ismailova")
    answer = await sign_in(browser.client, account.email.upper(), account.password)  # any case
    assert answer.headers["location"] == "/organise"
    cookie = next(v for k, v in answer.headers.multi_items() if k == "set-cookie" and v.startswith("eventhub_session="))
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "secure", "samesite=lax", "path=/organise"} <= flags

    home = await browser.page("/organise")
    assert "Aida Ismailova" in home.text
    assert f'href="/organise/missions/{SLUG}"' in home.text
    assert "Viewer" in home.text
    assert home.headers["cache-control"] == "no-store"
    assert "New mission" not in home.text  # only an organiser of all missions creates them


async def test_a_page_sends_a_stranger_to_sign_in_and_back_where_they_were(
    browser: Browser, bishkek: str, organiser_account: AccountFactory
) -> None:
    account = await organiser_account(role=Role.OWNER, mission=SLUG)
    away = await browser.client.get("/organise?x=1", headers=HTML, follow_redirects=False)
    assert away.status_code == 303
    assert away.headers["location"] == "/organise/sign-in?next=/organise%3Fx%3D1"
    form = await browser.page(away.headers["location"])
    assert 'name="next" value="/organise?x=1"' in form.text
    back = await post_form(browser.client, away.headers["location"], "/organise/sign-in",
                           {"email": account.email, "password": account.password,
                            "next": "/organise?x=1"})
    assert back.headers["location"] == "/organise?x=1"


@pytest.mark.parametrize("elsewhere", ["//evil.example/organise", "https://evil.example/", "/organisex", "/\\evil"])
async def test_sign_in_never_sends_anyone_to_another_site(
    browser: Browser, organiser_account: AccountFactory, elsewhere: str
) -> None:
    account = await organiser_account(role=None)
    answer = await post_form(browser.client, "/organise/sign-in", "/organise/sign-in",
                             {"email": account.email, "password": account.password, "next": elsewhere})
    assert answer.headers["location"] == "/organise"


async def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(
    browser: Browser, organiser_account: AccountFactory
) -> None:
    account = await organiser_account(role=None)
    wrong = await attempt(browser.client, account.email, "not the password at all")
    unknown = await attempt(browser.client, "nobody@example.org", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert "The e-mail address or the password is not right." in wrong.text
    assert visible_text(wrong.text).replace(account.email, "ADDRESS") == \
        visible_text(unknown.text).replace("nobody@example.org", "ADDRESS")
    assert "eventhub_session" not in wrong.headers.get("set-cookie", "")
    # a missing field is shown next to it
    empty = await attempt(browser.client, account.email, "")
    assert empty.status_code == 422
    assert 'id="password" name="password" type="password" value=""' in empty.text
    assert 'aria-invalid="true"' in empty.text


async def test_a_post_without_a_session_or_without_the_csrf_token_is_refused(
    browser: Browser, organiser_account: AccountFactory, sign_in: SignIn
) -> None:
    page = await browser.page("/organise/sign-in")
    refused = await browser.client.post("/organise/sign-out-everywhere", data={"_csrf_token": csrf_token(page.text)},
                                        headers=HTML, follow_redirects=False)
    assert refused.status_code == 403
    account = await organiser_account(role=None)
    forged = await browser.client.post("/organise/sign-in", data={"email": account.email, "password": account.password},
                                       headers=HTML, follow_redirects=False)
    assert forged.status_code == 403


async def test_signing_out_ends_the_session_for_good(
    browser: Browser, organiser_account: AccountFactory, sign_in: SignIn
) -> None:
    account = await organiser_account(role=None)
    await sign_in(browser.client, account.email, account.password)
    cookie = browser.client.cookies.get("eventhub_session")
    assert cookie
    out = await post_form(browser.client, "/organise", "/organise/sign-out", {})
    assert out.status_code == 303 and out.headers["location"] == "/organise/sign-in"
    browser.client.cookies.set("eventhub_session", cookie, domain="testserver.local", path="/organise")
    again = await browser.client.get("/organise", headers=HTML, follow_redirects=False)
    assert again.status_code == 303  # the old cookie opens nothing


@pytest.fixture
async def second_browser(settings: Settings, database: Database, clock: FrozenClock) -> AsyncIterator[Browser]:
    app = create_app(settings, clock=clock)  # another worker, as far as sessions go
    async with AsyncTestClient(app=app, base_url="https://testserver.local") as client:
        yield Browser(client)


async def test_signing_out_everywhere_ends_the_session_in_another_browser(
    browser: Browser, second_browser: Browser, organiser_account: AccountFactory, sign_in: SignIn
) -> None:
    account = await organiser_account(role=None)
    await sign_in(browser.client, account.email, account.password)
    await sign_in(second_browser.client, account.email, account.password)
    await second_browser.page("/organise")
    done = await post_form(browser.client, "/organise", "/organise/sign-out-everywhere", {})
    assert done.status_code == 303
    for b in (browser, second_browser):
        assert (await b.client.get("/organise", headers=HTML, follow_redirects=False)).status_code == 303


async def test_a_session_expires_after_a_week(
    browser: Browser, clock: FrozenClock, organiser_account: AccountFactory, sign_in: SignIn
) -> None:
    account = await organiser_account(role=None)
    await sign_in(browser.client, account.email, account.password)
    clock.advance(days=6, hours=23)
    await browser.page("/organise")
    clock.advance(hours=2)
    assert (await browser.client.get("/organise", headers=HTML, follow_redirects=False)).status_code == 303


async def test_ten_attempts_per_address_then_429_whether_or_not_it_has_an_account(
    browser: Browser, organiser_account: AccountFactory
) -> None:
    account = await organiser_account(role=None)
    for address in (account.email, "nobody@example.org"):
        statuses = [(await attempt(browser.client, address, "wrong password here")).status_code for _ in range(11)]
        assert statuses == [401] * 10 + [429], address
    # even the right password waits: the limit is on the address, not on wrong answers
    limited = await attempt(browser.client, account.email, account.password)
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0
    assert "Too many sign-in attempts" in limited.text


async def test_sessions_are_stored_only_as_digests(
    browser: Browser, database: Database, organiser_account: AccountFactory, sign_in: SignIn
) -> None:
    account = await organiser_account(role=None)
    await sign_in(browser.client, account.email, account.password)
    secret = browser.client.cookies.get("eventhub_session")
    assert secret
    async with database.read() as db:
        digests = list(await db.scalars(text("SELECT digest FROM web_session")))
        hashes = list(await db.scalars(text("SELECT password_hash FROM account")))
    assert digests == [token_digest(secret)]
    assert hashes[0].startswith("$argon2id$") and account.password not in hashes[0]


async def test_an_organiser_of_all_missions_sees_every_mission(
    browser: Browser, bishkek: str, organiser_account: AccountFactory, sign_in: SignIn
) -> None:
    account = await organiser_account(all_missions=True)
    await sign_in(browser.client, account.email, account.password)
    home = await browser.page("/organise")
    assert f'href="/organise/missions/{SLUG}"' in home.text
    assert "New mission" in home.text

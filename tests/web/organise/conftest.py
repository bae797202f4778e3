"""Back-office test helpers: organiser accounts made through the service, and signing in
through the real form (CSRF token read from the page, as a browser sends it).

    account = await organiser_account(role=Role.VIEWER, mission=SLUG)
    await sign_in(browser.client, account.email, account.password)
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest
from httpx import Response
from litestar.testing import AsyncTestClient

from eventhub.domain.permissions import Role
from eventhub.services import Services
from tests.web.conftest import csrf_token

PASSWORD = "a-long-and-uncommon-passphrase"


@dataclass(frozen=True)
class OrganiserAccount:
    id: int
    email: str
    name: str
    password: str


AccountFactory = Callable[..., Awaitable[OrganiserAccount]]
SignIn = Callable[[AsyncTestClient, str, str], Awaitable[Response]]


@pytest.fixture
def organiser_account(services: Services) -> AccountFactory:
    """`await organiser_account(role=Role.EDITOR, mission=SLUG)`; `all_missions=True` for
    an organiser of every mission; `role=None` (or no mission) for one in no team."""
    numbers = itertools.count(1)

    async def make(
        role: Role | str | None = Role.OWNER, mission: str | None = None, *, all_missions: bool = False,
        email: str | None = None, name: str | None = None, password: str = PASSWORD,
    ) -> OrganiserAccount:
        n = next(numbers)
        email = email or f"organiser{n}@example.org"
        name = name or f"Organiser {n}"
        in_team = mission is not None and role is not None and not all_missions
        account = await services.accounts.create(
            email, name, password, all_missions=all_missions,
            mission_slug=mission if in_team else None, role=Role(role) if in_team and role else None,
        )
        return OrganiserAccount(account.id, account.email, account.name, password)

    return make


async def sign_in_through_the_form(
    client: AsyncTestClient, email: str, password: str, *, next_path: str = "/organise"
) -> Response:
    """Signs in (asserting the 303 of success); the client keeps the session cookie."""
    page = await client.get(f"/organise/sign-in?next={next_path}", headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text[:1000]
    answer = await client.post(
        "/organise/sign-in",
        data={"email": email, "password": password, "next": next_path, "_csrf_token": csrf_token(page.text)},
        headers={"Accept": "text/html"}, follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text[:1000]
    return answer


@pytest.fixture
def sign_in() -> SignIn:
    return sign_in_through_the_form

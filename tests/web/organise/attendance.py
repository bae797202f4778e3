"""Shared by the attendee, door and message page tests: the Bishkek mission's test-labs
workshop shrunk to two seats with four people, signing in with a role, and reading the
lists and the outbox as the database has them."""

from __future__ import annotations

from xml.etree.ElementTree import Element

import pytest
from sqlalchemy import select

from eventhub.db.models import Attendee, OutboxMessage, ProgrammeSession
from eventhub.db.services.access import Organiser
from eventhub.db.services.attendees import SessionAttendees
from eventhub.db.services.registrations import SignupRequest
from eventhub.domain.permissions import Role
from eventhub.services import Services
from tests.web.conftest import SLUG, TEST_LABS, Browser, session_id
from tests.web.html import elements, text_of
from tests.web.organise.conftest import AccountFactory, SignIn

EXPORT_CLINIC = "Export Readiness Clinic for Kyrgyz IT Companies"
BASE = f"/organise/missions/{SLUG}"


async def signup(services: Services, session: int, name: str, email: str, organisation: str = "") -> None:
    await services.registrations.register(SLUG, SignupRequest(name, email, organisation or None, [session]), None)


async def mails(services: Services) -> list[tuple[str, str]]:
    """(kind, address) of every mail in the outbox, in order."""
    async with services.database.read() as db:
        rows = await db.execute(
            select(OutboxMessage.kind, Attendee.email)
            .join(Attendee, Attendee.id == OutboxMessage.attendee_id)
            .order_by(OutboxMessage.id)
        )
        return [(kind.value, email) for kind, email in rows]


@pytest.fixture
async def labs(bishkek: str, services: Services) -> int:
    """The test-labs workshop with two seats: two confirmed, two waiting."""
    labs = await session_id(services, TEST_LABS)
    async with services.database.write() as db:
        (await db.get_one(ProgrammeSession, labs)).capacity = 2
    for n, (name, organisation) in enumerate([
        ("Ira Raciņa", "Latvian IT Cluster"), ("Aida Ismailova", "Technopark"),
        ("Arstanbeks Tazabekovs", "Kurzeme Software"), ("Elīna Bērziņa", "Consulate of Latvia"),
    ]):
        await signup(services, labs, name, f"p{n}@example.org", organisation)
    return labs


def section(root: Element, heading_id: str) -> Element:
    return next(s for s in elements(root, "section") if s.get("aria-labelledby") == heading_id)


def names(root: Element) -> list[str]:
    return [text_of(s) for s in elements(root, "span") if s.get("class") == "person-name"]


async def signed_in(browser: Browser, organiser_account: AccountFactory, sign_in: SignIn, role: Role) -> None:
    account = await organiser_account(role=role, mission=SLUG)
    await sign_in(browser.client, account.email, account.password)


async def everywhere(services: Services) -> Organiser:
    """An organiser of every mission (an API token), to read and set up as the database has it."""
    return await services.organiser_tokens.authenticate(await services.organiser_tokens.create("test", None))


async def attendees_of(services: Services, session: int) -> SessionAttendees:
    return await services.attendance.session_attendees(SLUG, session, await everywhere(services))

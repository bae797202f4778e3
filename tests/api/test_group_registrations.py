"""Delegation registration through the API, and the head looking after the members
(service calls, as the manage page makes them), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from eventhub.domain.errors import NotFound, StateConflict
from eventhub.domain.mail import MailKind
from eventhub.loader import LOADER
from eventhub.services import Services
from tests.api.conftest import Api
from tests.conftest import FrozenClock

SLUG = "riga-2026"
PATH = f"/api/missions/{SLUG}/group-registrations"


@pytest.fixture
async def sessions(api: Api, clock: FrozenClock) -> list[dict[str, Any]]:
    clock.now = datetime(2026, 5, 15, 9, 0, tzinfo=UTC)
    await api.mission()
    return [
        await api.session(SLUG, title="Export clinic", capacity=3, starts_at="2026-06-01T10:00", ends_at="2026-06-01T12:00"),
        await api.session(SLUG, title="Site visit", starts_at="2026-06-02T10:00", ends_at="2026-06-02T12:00"),
    ]


def delegation(session_ids: list[int], *members: dict[str, str], email: str = "head@example.lv") -> dict[str, Any]:
    return {"name": "Ira Raciņa", "email": email, "organisation": "LIKTA", "session_ids": session_ids,
            "members": list(members)}


FIVE = (
    {"name": "Anna Bērziņa", "email": "anna@example.lv"},
    {"name": "Jānis Ozols"},
    {"name": "Aigul Toktogulova", "email": "aigul@example.kg"},
    {"name": "Bakyt Ulan"},
)


async def mails(services: Services) -> list[tuple[str, MailKind]]:
    entries = await services.outbox.entries(SLUG, LOADER)
    return [(e.attendee.name, e.message.kind) for e in reversed(entries)]


async def test_a_head_and_four_members_take_seats_in_form_order_and_the_rest_wait(
    client: AsyncTestClient, sessions: list[dict[str, Any]], services: Services
) -> None:
    clinic, visit = sessions[0]["id"], sessions[1]["id"]
    response = await client.post(PATH, json=delegation([clinic, visit], *FIVE))
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["manage_url"].startswith("https://") and answer["results"][0]["status"] == "confirmed"
    clinic_results = [(m["name"], m["results"][0]["status"], m["results"][0]["waitlist_position"]) for m in answer["members"]]
    assert clinic_results == [
        ("Anna Bērziņa", "confirmed", None), ("Jānis Ozols", "confirmed", None),
        ("Aigul Toktogulova", "waitlisted", 1), ("Bakyt Ulan", "waitlisted", 2),
    ]
    assert all(m["results"][1]["status"] == "confirmed" for m in answer["members"])
    # Links only for the members without an address; the others get theirs by mail.
    assert [m["name"] for m in answer["members"] if m.get("manage_url")] == ["Jānis Ozols", "Bakyt Ulan"]
    sent = await mails(services)
    assert ("Anna Bērziņa", MailKind.REGISTERED) in sent and ("Jānis Ozols", MailKind.REGISTERED) in sent


async def test_a_repeated_address_in_the_form_is_422_and_nothing_is_stored(
    client: AsyncTestClient, sessions: list[dict[str, Any]], services: Services
) -> None:
    body = delegation([sessions[0]["id"]], {"name": "Anna", "email": "Head@Example.lv"})
    response = await client.post(PATH, json=body)
    assert response.status_code == 422 and response.json()["code"] == "duplicate_member_email"
    assert await mails(services) == []


async def test_a_member_registered_before_is_left_alone_and_mailed_their_link(
    client: AsyncTestClient, sessions: list[dict[str, Any]], services: Services
) -> None:
    clinic = sessions[0]["id"]
    first = await client.post(f"/api/missions/{SLUG}/registrations",
                              json={"name": "Anna", "email": "anna@example.lv", "session_ids": [sessions[1]["id"]]})
    assert first.status_code == 201
    answer = (await client.post(PATH, json=delegation([clinic], *FIVE[:2]))).json()
    anna = answer["members"][0]
    assert "attendee_id" not in anna and "manage_url" not in anna  # nothing of the registered person
    assert anna["results"] == [{"session_id": clinic, "status": "refused", "waitlist_position": None, "code": "attendee_exists"}]
    assert ("Anna", MailKind.MANAGE_LINK) in await mails(services)


async def test_the_head_removes_and_swaps_members_until_the_session_starts(
    client: AsyncTestClient, sessions: list[dict[str, Any]], services: Services, clock: FrozenClock
) -> None:
    clinic, visit = sessions[0]["id"], sessions[1]["id"]
    answer = (await client.post(PATH, json=delegation([clinic, visit], *FIVE))).json()
    head = answer["manage_token"]
    members = {m.view.attendee.name: m for m in await services.delegations.members(head)}
    assert list(members) == ["Anna Bērziņa", "Jānis Ozols", "Aigul Toktogulova", "Bakyt Ulan"]
    assert members["Jānis Ozols"].manage_token and members["Anna Bērziņa"].manage_token is None

    # Removing Anna frees her clinic seat for the head of the waitlist (Aigul).
    await services.delegations.remove(head, members["Anna Bērziņa"].view.attendee.id)
    after = {m.view.attendee.name: m for m in await services.delegations.members(head)}
    assert "Anna Bērziņa" not in after
    aigul = {r.session.id: r.registration.status.value for r in after["Aigul Toktogulova"].view.registrations}
    assert aigul[clinic] == "confirmed"

    # Swapping Jānis for Līga keeps the seat; Jānis's link stops working at once.
    old_link = members["Jānis Ozols"].manage_token
    await services.delegations.swap(head, members["Jānis Ozols"].view.attendee.id, "Līga Kalniņa", "liga@example.lv")
    with pytest.raises(NotFound):
        await services.registrations.me(old_link)
    swapped = {m.view.attendee.name: m for m in await services.delegations.members(head)}
    liga = swapped["Līga Kalniņa"]
    assert {r.session.id: r.registration.status.value for r in liga.view.registrations} == {clinic: "confirmed", visit: "confirmed"}
    assert liga.manage_token is None  # she has an address: her links go to her by mail
    assert ("Līga Kalniņa", MailKind.REGISTERED) in await mails(services)

    # Another delegation's head cannot touch these members.
    other = (await client.post(PATH, json=delegation([visit], {"name": "X"}, email="other@example.lv"))).json()
    with pytest.raises(NotFound):
        await services.delegations.remove(other["manage_token"], liga.view.attendee.id)

    # Once the clinic has started, Bakyt's places there stay as they are.
    clock.now = datetime(2026, 6, 1, 7, 1, tzinfo=UTC)  # 10:01 in Riga (UTC+3 in summer)
    with pytest.raises(StateConflict) as started:
        await services.delegations.swap(head, swapped["Bakyt Ulan"].view.attendee.id, "Someone", None)
    assert started.value.code == "session_started"


async def test_mail_for_a_member_without_an_address_goes_to_the_head(
    client: AsyncTestClient, sessions: list[dict[str, Any]], services: Services
) -> None:
    await client.post(PATH, json=delegation([sessions[1]["id"]], {"name": "Jānis Ozols"}))
    deliveries = []
    for message_id in await services.outbox.claim(50):
        delivery = await services.outbox.delivery(message_id)
        assert delivery is not None
        deliveries.append(delivery)
    janis = next(d for d in deliveries if d.attendee.name == "Jānis Ozols")
    assert janis.recipient is not None and janis.recipient.email == "head@example.lv"

"""Organisers by hand through the API: promote ahead of the queue, add someone, move
someone, check in at the door, write to attendees, and the CSV and XLSX exports."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from typing import Any

import openpyxl
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from eventhub.db.models import OutboxMessage
from eventhub.domain.mail import MailKind
from eventhub.services import Services
from tests.api.conftest import Api
from tests.conftest import FrozenClock

SLUG = "riga-2026"


@pytest.fixture
async def workshop(api: Api, clock: FrozenClock) -> dict[str, Any]:
    clock.now = datetime(2026, 5, 15, 9, 0, 30, 123456, tzinfo=UTC)  # registration is open; Riga is UTC+3
    await api.mission()
    return await api.session(SLUG, title="Export clinic", capacity=2, starts_at="2026-06-01T10:00",
                             ends_at="2026-06-01T12:00")


async def register(client: AsyncTestClient, session_id: int, email: str, name: str = "Ira Raciņa",
                   organisation: str = "Latvian IT Cluster") -> dict[str, Any]:
    response = await client.post(f"/api/missions/{SLUG}/registrations", json={
        "name": name, "email": email, "organisation": organisation, "session_ids": [session_id],
    })
    assert response.status_code == 201, response.text
    return response.json()


async def rows(api: Api) -> list[dict[str, Any]]:
    response = await api.client.get(f"/api/missions/{SLUG}/registrations", headers=api.auth)
    assert response.status_code == 200, response.text
    return response.json()


async def attendees(api: Api, session_id: int) -> dict[str, Any]:
    response = await api.client.get(f"/api/missions/{SLUG}/sessions/{session_id}/attendees", headers=api.auth)
    assert response.status_code == 200, response.text
    return response.json()


async def mail_kinds(services: Services, attendee_id: int) -> list[str]:
    async with services.database.read() as db:
        found = await db.scalars(
            select(OutboxMessage.kind).where(OutboxMessage.attendee_id == attendee_id).order_by(OutboxMessage.id)
        )
        return [kind.value for kind in found]


async def full_session(client: AsyncTestClient, workshop: dict[str, Any]) -> list[dict[str, Any]]:
    """Two confirmed, two on the waitlist."""
    return [await register(client, workshop["id"], f"{n}@example.org", name=f"Person {n}") for n in "abcd"]


# --- promote ----------------------------------------------------------------------------------------


async def test_promoting_a_named_person_in_a_full_session_adds_a_seat_and_keeps_the_queue(
    api: Api, client: AsyncTestClient, services: Services, workshop: dict[str, Any]
) -> None:
    people = await full_session(client, workshop)
    second_waiting = (await attendees(api, workshop["id"]))["waitlist"][1]
    assert second_waiting["name"] == "Person d" and second_waiting["waitlist_position"] == 2

    response = await client.post(
        f"/api/missions/{SLUG}/registrations/{second_waiting['registration_id']}/promote", headers=api.auth
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "registration_id": second_waiting["registration_id"], "session_id": workshop["id"], "status": "confirmed",
        "capacity_before": 2, "capacity": 3, "capacity_raised": True, "passed_over": 1,
    }
    view = await attendees(api, workshop["id"])
    assert [p["name"] for p in view["confirmed"]] == ["Person a", "Person b", "Person d"]
    assert [(p["name"], p["waitlist_position"]) for p in view["waitlist"]] == [("Person c", 1)]
    assert (view["capacity"], view["seats_left"]) == (3, 0)
    assert await mail_kinds(services, people[3]["attendee_id"]) == ["registered", "promoted"]
    # The history says it was an override: who was seated, who was passed over, the new seat.
    history = (await client.get(f"/api/missions/{SLUG}/history", headers=api.auth)).json()
    [entry] = [e for e in history if e["change"] == "promoted"]
    assert (entry["subject"], entry["subject_id"], entry["session_id"]) == (
        "registration", second_waiting["registration_id"], workshop["id"])
    assert entry["fields"] == {
        "attendee": [None, "Person d"], "status": ["waitlisted", "confirmed"], "waitlist_position": [2, None],
        "override": [None, True], "passed_over": [None, ["Person c"]], "capacity": [2, 3],
    }

    again = await client.post(
        f"/api/missions/{SLUG}/registrations/{second_waiting['registration_id']}/promote", headers=api.auth
    )
    assert again.status_code == 409 and again.json()["code"] == "not_waitlisted"


async def test_a_cancelled_seat_still_goes_to_the_head_of_the_queue(
    api: Api, client: AsyncTestClient, workshop: dict[str, Any]
) -> None:
    await full_session(client, workshop)
    view = await attendees(api, workshop["id"])
    cancelled = await client.delete(
        f"/api/missions/{SLUG}/registrations/{view['confirmed'][0]['registration_id']}", headers=api.auth
    )
    assert cancelled.status_code == 204
    view = await attendees(api, workshop["id"])
    assert [p["name"] for p in view["confirmed"]] == ["Person b", "Person c"]
    assert [(p["name"], p["waitlist_position"]) for p in view["waitlist"]] == [("Person d", 1)]


async def test_promote_is_refused_for_unknown_and_other_missions_registrations(
    api: Api, client: AsyncTestClient, workshop: dict[str, Any]
) -> None:
    await api.mission("other-2026")
    other = await api.session("other-2026", capacity=1, starts_at="2026-06-01T10:00", ends_at="2026-06-01T11:00")
    for n in "xy":
        response = await client.post("/api/missions/other-2026/registrations", json={
            "name": n, "email": f"{n}@example.org", "session_ids": [other["id"]]})
        assert response.status_code == 201
    theirs = (await client.get("/api/missions/other-2026/registrations", headers=api.auth)).json()[1]["id"]
    for registration_id in (theirs, 999_999):
        response = await client.post(f"/api/missions/{SLUG}/registrations/{registration_id}/promote", headers=api.auth)
        assert response.status_code == 404 and response.json()["code"] == "registration_not_found"


# --- add and move -----------------------------------------------------------------------------------


async def test_an_organiser_adds_someone_who_gets_their_links_by_mail(
    api: Api, client: AsyncTestClient, services: Services, workshop: dict[str, Any]
) -> None:
    path = f"/api/missions/{SLUG}/sessions/{workshop['id']}/registrations"
    body = {"name": "Aida Ismailova", "email": "Aida@Technopark.kg", "organisation": "Technopark"}
    added = await client.post(path, json=body, headers=api.auth)
    assert added.status_code == 201, added.text
    seat = added.json()
    assert (seat["status"], seat["waitlist_position"], seat["new_attendee"]) == ("confirmed", None, True)
    assert await mail_kinds(services, seat["attendee_id"]) == ["registered"]

    twice = await client.post(path, json={**body, "email": "aida@technopark.kg"}, headers=api.auth)
    assert twice.status_code == 409 and twice.json()["code"] == "already_registered"

    await register(client, workshop["id"], "b@example.org")
    third = await client.post(path, json={"name": "Late", "email": "late@example.org"}, headers=api.auth)
    assert (third.json()["status"], third.json()["waitlist_position"]) == ("waitlisted", 1)

    # Someone who registered themselves before is the same attendee, added to another session.
    other = await api.session(SLUG, title="Other", starts_at="2026-06-02T10:00", ends_at="2026-06-02T11:00",
                              registration="closed")
    existing = await client.post(f"/api/missions/{SLUG}/sessions/{other['id']}/registrations",
                                 json={"name": "B", "email": "B@example.org"}, headers=api.auth)
    assert existing.status_code == 201, existing.text  # registration closed: organisers may still add
    assert existing.json()["new_attendee"] is False
    assert {r["email"] for r in await rows(api) if r["session_id"] == other["id"]} == {"b@example.org"}

    bad = await client.post(path, json={"name": "X", "email": "not an address"}, headers=api.auth)
    assert bad.status_code == 422
    await client.post(f"/api/missions/{SLUG}/sessions/{other['id']}/cancel", headers=api.auth)
    cancelled = await client.post(f"/api/missions/{SLUG}/sessions/{other['id']}/registrations",
                                  json={"name": "Y", "email": "y@example.org"}, headers=api.auth)
    assert cancelled.status_code == 409 and cancelled.json()["code"] == "session_cancelled"


async def test_moving_someone_frees_their_seat_for_the_queue_in_one_step(
    api: Api, client: AsyncTestClient, services: Services, workshop: dict[str, Any]
) -> None:
    people = await full_session(client, workshop)
    target = await api.session(SLUG, title="Second clinic", capacity=1, starts_at="2026-06-02T10:00",
                               ends_at="2026-06-02T12:00")
    moving = (await attendees(api, workshop["id"]))["confirmed"][0]
    response = await client.post(f"/api/missions/{SLUG}/registrations/{moving['registration_id']}/move",
                                 json={"session_id": target["id"]}, headers=api.auth)
    assert response.status_code == 200, response.text
    moved = response.json()
    assert moved["seated"]["status"] == "confirmed" and moved["seated"]["session_id"] == target["id"]
    assert moved["cancelled_registration_id"] == moving["registration_id"]
    view = await attendees(api, workshop["id"])
    assert [p["name"] for p in view["confirmed"]] == ["Person b", "Person c"]
    assert [p["registration_id"] for p in view["confirmed"]][1] == moved["promoted_registration_ids"][0]
    assert await mail_kinds(services, people[0]["attendee_id"]) == ["registered", "registration_cancelled", "registered"]

    # The target is full now: moving another person there would put them on its waitlist.
    second = (await attendees(api, workshop["id"]))["confirmed"][0]
    path = f"/api/missions/{SLUG}/registrations/{second['registration_id']}/move"
    full = await client.post(path, json={"session_id": target["id"]}, headers=api.auth)
    assert full.status_code == 409 and full.json()["code"] == "session_full"
    assert [p["name"] for p in (await attendees(api, workshop["id"]))["confirmed"]] == ["Person b", "Person c"]
    allowed = await client.post(path, json={"session_id": target["id"], "allow_waitlist": True}, headers=api.auth)
    assert allowed.status_code == 200
    assert (allowed.json()["seated"]["status"], allowed.json()["seated"]["waitlist_position"]) == ("waitlisted", 1)

    same = await client.post(f"/api/missions/{SLUG}/registrations/{moved['seated']['registration_id']}/move",
                             json={"session_id": target["id"]}, headers=api.auth)
    assert same.status_code == 409 and same.json()["code"] == "same_session"
    gone = await client.post(path, json={"session_id": target["id"], "allow_waitlist": True}, headers=api.auth)
    assert gone.status_code == 409 and gone.json()["code"] == "registration_cancelled"


# --- check-in ---------------------------------------------------------------------------------------


async def test_check_in_by_code_once_then_the_second_scan_says_when(
    api: Api, client: AsyncTestClient, clock: FrozenClock, workshop: dict[str, Any]
) -> None:
    confirmed = await register(client, workshop["id"], "ira@example.lv")
    await register(client, workshop["id"], "b@example.org")
    waiting = await register(client, workshop["id"], "c@example.org")
    me = (await client.get("/api/me", headers={"Authorization": f"Bearer {confirmed['manage_token']}"})).json()
    code = me["registrations"][0]["check_in_code"]
    assert re.fullmatch(r"\d+-[A-Z2-7]{8}", code)
    waiting_me = (await client.get("/api/me", headers={"Authorization": f"Bearer {waiting['manage_token']}"})).json()
    assert waiting_me["registrations"][0]["check_in_code"] is None

    clock.now = datetime(2026, 6, 1, 6, 55, 12, tzinfo=UTC)
    path = f"/api/missions/{SLUG}/check-ins"
    first = await client.post(path, json={"code": code.lower(), "session_id": workshop["id"]}, headers=api.auth)
    assert first.status_code == 201, first.text
    assert first.json()["name"] == "Ira Raciņa" and first.json()["checked_in_at"] == "2026-06-01T06:55:12Z"

    clock.advance(minutes=3)
    second = await client.post(path, json={"code": code, "session_id": workshop["id"]}, headers=api.auth)
    assert second.status_code == 409
    assert second.json()["code"] == "already_checked_in"
    assert datetime.fromisoformat(second.json()["checked_in_at"]) == datetime(2026, 6, 1, 6, 55, 12, tzinfo=UTC)

    other = await api.session(SLUG, title="Other", starts_at="2026-06-02T10:00", ends_at="2026-06-02T11:00")
    elsewhere = await client.post(path, json={"code": code, "session_id": other["id"]}, headers=api.auth)
    assert elsewhere.status_code == 409 and elsewhere.json()["code"] == "other_session"
    assert elsewhere.json()["session_id"] == workshop["id"]

    for made_up in (code[:-1] + ("A" if code[-1] != "A" else "B"), "hello", "1-AAAAAAAA"):
        unknown = await client.post(path, json={"code": made_up, "session_id": workshop["id"]}, headers=api.auth)
        assert unknown.status_code == 404 and unknown.json()["code"] == "check_in_code_unknown"

    view = await attendees(api, workshop["id"])
    assert view["checked_in"] == 1
    assert view["confirmed"][0]["checked_in_at"] == "2026-06-01T06:55:12Z"


async def test_a_waitlisted_or_cancelled_person_is_told_apart_at_the_door(
    api: Api, client: AsyncTestClient, services: Services, workshop: dict[str, Any]
) -> None:
    await full_session(client, workshop)
    view = await attendees(api, workshop["id"])
    waiting = view["waitlist"][0]["registration_id"]
    path = f"/api/missions/{SLUG}/check-ins"
    refused = await client.post(path, json={"code": services.check_ins.code_for(waiting), "session_id": workshop["id"]},
                                headers=api.auth)
    assert refused.status_code == 409
    assert (refused.json()["code"], refused.json()["registration_status"], refused.json()["waitlist_position"]) == (
        "not_confirmed", "waitlisted", 1)
    cancelled = view["confirmed"][0]["registration_id"]
    await client.delete(f"/api/missions/{SLUG}/registrations/{cancelled}", headers=api.auth)
    gone = await client.post(path, json={"code": services.check_ins.code_for(cancelled), "session_id": workshop["id"]},
                             headers=api.auth)
    assert (gone.json()["code"], gone.json()["registration_status"]) == ("not_confirmed", "cancelled")


# --- messages ---------------------------------------------------------------------------------------


async def outbox_rows(services: Services, kind: MailKind) -> list[tuple[int, int | None]]:
    async with services.database.read() as db:
        found = await db.execute(
            select(OutboxMessage.attendee_id, OutboxMessage.organiser_message_id).where(OutboxMessage.kind == kind)
        )
        return sorted((attendee, message) for attendee, message in found)


async def test_a_message_goes_once_to_each_confirmed_attendee(
    api: Api, client: AsyncTestClient, services: Services, workshop: dict[str, Any]
) -> None:
    people = await full_session(client, workshop)
    other = await api.session(SLUG, title="Other", starts_at="2026-06-02T10:00", ends_at="2026-06-02T11:00")
    both = await client.post(f"/api/missions/{SLUG}/registrations", json={"session_ids": [other["id"]]},
                             headers={"Authorization": f"Bearer {people[0]['manage_token']}"})
    assert both.status_code == 200
    path = f"/api/missions/{SLUG}/messages"

    to_session = await client.post(path, json={"subject": "Room change", "body": "We meet in room 2.\n\nSee you!",
                                               "session_id": workshop["id"]}, headers=api.auth)
    assert to_session.status_code == 202, to_session.text
    assert to_session.json()["recipients"] == 2
    with_queue = await client.post(path, json={"subject": "Waitlist news", "body": "Hello", "session_id": workshop["id"],
                                               "include_waitlisted": True}, headers=api.auth)
    assert with_queue.json()["recipients"] == 4
    everyone = await client.post(path, json={"subject": "Welcome", "body": "Hello all"}, headers=api.auth)
    assert everyone.json()["recipients"] == 2  # Person a is in two sessions and gets one mail

    sent = await outbox_rows(services, MailKind.ORGANISER_MESSAGE)
    assert len(sent) == 8 and len(set(sent)) == 8
    listed = (await client.get(path, headers=api.auth)).json()
    assert [(m["subject"], m["recipients"]) for m in listed] == [("Welcome", 2), ("Waitlist news", 4), ("Room change", 2)]


@pytest.mark.parametrize("body", [
    {"subject": "Hello\r\nBcc: everyone@example.org", "body": "x"},
    {"subject": "Hello\n", "body": "x"},
    {"subject": "", "body": "x"},
    {"subject": "Hi", "body": ""},
    {"subject": "Hi", "body": "a\x00b"},
    {"subject": "Hi", "body": "x", "bcc": "me@example.org"},
])
async def test_messages_that_mail_cannot_carry_are_refused_and_nothing_is_sent(
    api: Api, client: AsyncTestClient, services: Services, workshop: dict[str, Any], body: dict[str, Any]
) -> None:
    await register(client, workshop["id"], "a@example.org")
    response = await client.post(f"/api/missions/{SLUG}/messages", json=body, headers=api.auth)
    assert response.status_code == 422, response.text
    assert await outbox_rows(services, MailKind.ORGANISER_MESSAGE) == []


async def test_a_message_to_nobody_or_a_blank_one_is_refused(
    api: Api, client: AsyncTestClient, workshop: dict[str, Any]
) -> None:
    path = f"/api/missions/{SLUG}/messages"
    nobody = await client.post(path, json={"subject": "Hi", "body": "x", "session_id": workshop["id"]}, headers=api.auth)
    assert nobody.status_code == 409 and nobody.json()["code"] == "no_recipients"
    await register(client, workshop["id"], "a@example.org")
    blank = await client.post(path, json={"subject": "   ", "body": "x"}, headers=api.auth)
    assert blank.status_code == 422 and blank.json()["code"] == "subject_blank"
    missing = await client.post(path, json={"subject": "Hi", "body": "x", "session_id": 999}, headers=api.auth)
    assert missing.status_code == 404


# --- exports ----------------------------------------------------------------------------------------


async def test_csv_and_xlsx_carry_the_same_rows_with_statuses_check_ins_and_local_minutes(
    api: Api, client: AsyncTestClient, clock: FrozenClock, services: Services, workshop: dict[str, Any]
) -> None:
    first = await register(client, workshop["id"], "ira@example.lv")
    await register(client, workshop["id"], "aida@example.org", name='=HYPERLINK("http://evil.example","x")',
                   organisation="+Technopark")
    await register(client, workshop["id"], "arstan@example.org", name="Арстанбек Тазабеков", organisation="@consulate")
    cancelled_session = await api.session(SLUG, title="Cancelled visit", starts_at="2026-06-03T09:00",
                                          ends_at="2026-06-03T10:00")
    await client.post(f"/api/missions/{SLUG}/registrations", json={"session_ids": [cancelled_session["id"]]},
                      headers={"Authorization": f"Bearer {first['manage_token']}"})
    await client.post(f"/api/missions/{SLUG}/sessions/{cancelled_session['id']}/cancel", headers=api.auth)
    clock.now = datetime(2026, 6, 1, 6, 58, 41, 999, tzinfo=UTC)
    first_row = (await rows(api))[0]
    checked = await client.post(f"/api/missions/{SLUG}/check-ins", headers=api.auth, json={
        "code": services.check_ins.code_for(first_row["id"]), "session_id": workshop["id"]})
    assert checked.status_code == 201

    response = await client.get(f"/api/missions/{SLUG}/registrations.csv", headers=api.auth)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == f'attachment; filename="{SLUG}-registrations.csv"'
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["name"], r["organisation"], r["session_status"], r["status"], r["waitlist_position"]) for r in table] == [
        ("Ira Raciņa", "Latvian IT Cluster", "published", "confirmed", ""),
        ("'=HYPERLINK(\"http://evil.example\",\"x\")", "'+Technopark", "published", "confirmed", ""),
        ("Арстанбек Тазабеков", "'@consulate", "published", "waitlisted", "1"),
        ("Ira Raciņa", "Latvian IT Cluster", "cancelled", "confirmed", ""),
    ]
    # Europe/Riga is UTC+3 in summer; to the minute.
    assert (table[0]["session_starts_at"], table[0]["registered_at"], table[0]["checked_in_at"]) == (
        "2026-06-01 10:00", "2026-05-15 12:00", "2026-06-01 09:58")
    assert table[1]["checked_in_at"] == "" and table[3]["session_title"] == "Cancelled visit"

    book = await client.get(f"/api/missions/{SLUG}/registrations.xlsx", headers=api.auth)
    assert book.status_code == 200
    assert book.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(book.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    header, body = values[0], values[1:]
    assert list(header) == list(table[0])
    named = [dict(zip(header, row, strict=True)) for row in body]
    assert [(r["name"], r["session_status"], r["status"], r["waitlist_position"]) for r in named] == [
        ("Ira Raciņa", "published", "confirmed", None),
        ('=HYPERLINK("http://evil.example","x")', "published", "confirmed", None),
        ("Арстанбек Тазабеков", "published", "waitlisted", 1),
        ("Ira Raciņa", "cancelled", "confirmed", None),
    ]
    assert sheet.cell(3, header.index("name") + 1).data_type == "s"  # text, never a formula
    assert named[0]["checked_in_at"] == datetime(2026, 6, 1, 9, 58)
    assert named[0]["session_starts_at"] == datetime(2026, 6, 1, 10, 0)
    assert (await client.get(f"/api/missions/{SLUG}/registrations.xlsx")).status_code == 401


async def test_the_json_list_carries_session_status_and_check_in_time(
    api: Api, client: AsyncTestClient, workshop: dict[str, Any]
) -> None:
    await register(client, workshop["id"], "ira@example.lv")
    row = (await rows(api))[0]
    assert row["session_status"] == "published" and row["checked_in_at"] is None


async def test_counts_stay_exact_across_by_hand_changes(
    api: Api, client: AsyncTestClient, services: Services, workshop: dict[str, Any]
) -> None:
    """The session row's queue counts (kept by triggers) agree with the registrations."""
    await full_session(client, workshop)
    view = await attendees(api, workshop["id"])
    await client.post(f"/api/missions/{SLUG}/registrations/{view['waitlist'][0]['registration_id']}/promote",
                      headers=api.auth)
    fills = await services.attendance.fill_rates(SLUG, await _organiser(services, api))
    assert [(f.capacity, f.confirmed, f.waitlisted) for f in fills] == [(3, 3, 1)]
    async with services.database.read() as db:
        assert await db.scalar(select(func.count()).select_from(OutboxMessage)) == 5


async def _organiser(services: Services, api: Api) -> Any:
    return await services.organiser_tokens.authenticate(api.auth["Authorization"].removeprefix("Bearer "))

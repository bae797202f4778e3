"""Mail through the outbox to a real SMTP server (aiosmtpd, in this process): what arrives,
what calendars do with it, and that nothing is lost or sent twice when things fail."""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

import icalendar
import pytest
from aiosmtpd.controller import Controller
from litestar.testing import AsyncTestClient

from eventhub.db.database import Database
from eventhub.domain.mail import LEASE
from eventhub.services import Services
from eventhub.settings import Settings
from tests.conftest import FrozenClock
from tests.conftest import app_client as conftest_app_client

SLUG = "riga-2026"


class Inbox:
    """An SMTP server's handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def inbox(smtp_port: int) -> Iterator[Inbox]:
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield handler
    controller.stop()


@pytest.fixture
def mail_settings(settings: Settings, smtp_port: int) -> Settings:
    return replace(settings, smtp_url=f"smtp://127.0.0.1:{smtp_port}", mail_from="programme@events.example.org")


@pytest.fixture
def mailer(mail_settings: Settings, database: Database, clock: FrozenClock) -> Services:
    """The sending side, as a separate process (or the cron command) would have it."""
    return Services.build(mail_settings, database, clock)


@pytest.fixture
async def app_client(mail_settings: Settings, database: Database, clock: FrozenClock) -> AsyncIterator[AsyncTestClient]:
    async with conftest_app_client(mail_settings, clock) as client:
        yield client


@pytest.fixture
async def session_id(app_client: AsyncTestClient, auth: dict[str, str], clock: FrozenClock) -> int:
    clock.now = datetime(2026, 5, 1, 9, tzinfo=UTC)
    mission = {"slug": SLUG, "title": "Riga Digital Week", "host_country": "LV", "timezone": "Europe/Riga",
               "starts_on": "2026-06-01", "ends_on": "2026-06-05", "status": "published",
               "organiser_name": "Latvian IT Cluster", "contact_email": "info@example.lv"}
    assert (await app_client.post("/api/missions", json=mission, headers=auth)).status_code == 201
    venue = (await app_client.post(f"/api/missions/{SLUG}/venues", json={"name": "VEF Kvartāls", "address": "Brīvības gatve 214"}, headers=auth)).json()
    session = await app_client.post(f"/api/missions/{SLUG}/sessions", headers=auth, json={
        "title": "Export clinic", "kind": "workshop", "capacity": 1, "venue_id": venue["id"],
        "starts_at": "2026-06-02T10:00", "ends_at": "2026-06-02T12:00"})
    return int(session.json()["id"])


async def register(client: AsyncTestClient, session_id: int, email_address: str, name: str) -> dict[str, Any]:
    response = await client.post(f"/api/missions/{SLUG}/registrations",
                                 json={"name": name, "email": email_address, "session_ids": [session_id]})
    assert response.status_code in (201, 202), response.text
    return response.json()


def calendar_part(message: EmailMessage) -> icalendar.Calendar | None:
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return icalendar.Calendar.from_ical(part.get_content())
    return None


def links(message: EmailMessage) -> list[str]:
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    return re.findall(r"(?:https|webcal)://\S+", text)


async def test_confirmation_mail_with_invitation_and_working_links(
    app_client: AsyncTestClient, session_id: int, mailer: Services, inbox: Inbox
) -> None:
    await register(app_client, session_id, "ira@example.lv", "Ira Raciņa")
    assert await mailer.mail_sender.drain() == 1
    [message] = inbox.messages
    assert message["Subject"] == "Confirmed: Export clinic"
    assert message["To"].addresses[0].display_name == "Ira Raciņa"
    assert message["From"].addresses[0].addr_spec == "programme@events.example.org"
    assert message["Reply-To"] == "info@example.lv"
    assert re.fullmatch(r"<[0-9a-f-]{36}@events\.example\.org>", message["Message-ID"])
    assert "Hello Ira Raciņa" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "<p>Hello Ira Raciņa,</p>" in message.get_body(("html",)).get_content()  # type: ignore[union-attr]

    calendar = calendar_part(message)
    assert calendar is not None and calendar["METHOD"] == "REQUEST"
    [event] = calendar.walk("VEVENT")
    feed = icalendar.Calendar.from_ical((await app_client.get(f"/missions/{SLUG}/calendar.ics")).content)
    [feed_event] = feed.walk("VEVENT")
    assert event["UID"] == feed_event["UID"] and event["SEQUENCE"] == 0
    assert "mailto:ira@example.lv" in str(event["ATTENDEE"]) and event["ATTENDEE"].params["RSVP"] == "FALSE"
    assert "mailto:info@example.lv" in str(event["ORGANIZER"])
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2026, 6, 2, 7, 0, tzinfo=UTC)

    manage, webcal = links(message)[-2:]
    token = manage.rsplit("/", 1)[1]
    me = await app_client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["name"] == "Ira Raciņa"
    feed_path = webcal.removeprefix("webcal://events.example.org")
    assert (await app_client.get(feed_path)).status_code == 200


async def test_waitlist_then_promotion_mail_updates_the_calendar(
    app_client: AsyncTestClient, session_id: int, mailer: Services, inbox: Inbox, clock: FrozenClock
) -> None:
    first = await register(app_client, session_id, "first@example.org", "First")
    await register(app_client, session_id, "second@example.org", "Second")
    await mailer.mail_sender.drain()
    [waitlisted] = inbox.to("second@example.org")
    assert waitlisted["Subject"] == "Waitlisted (#1): Export clinic"
    assert calendar_part(waitlisted) is None

    clock.advance(minutes=5)
    await app_client.delete(f"/api/me/registrations/{session_id}", headers={"Authorization": f"Bearer {first['manage_token']}"})
    await mailer.mail_sender.drain()
    cancelled = inbox.to("first@example.org")[-1]
    assert calendar_part(cancelled)["METHOD"] == "CANCEL"  # type: ignore[index]
    promoted = inbox.to("second@example.org")[-1]
    assert promoted["Subject"] == "A seat opened up: Export clinic"
    [event] = calendar_part(promoted).walk("VEVENT")  # type: ignore[union-attr]
    assert event["SEQUENCE"] == 1 and event["STATUS"] == "CONFIRMED"


async def test_moved_session_sends_an_update_and_cancelled_one_a_cancel(
    app_client: AsyncTestClient, session_id: int, mailer: Services, inbox: Inbox, auth: dict[str, str], clock: FrozenClock
) -> None:
    await register(app_client, session_id, "ira@example.lv", "Ira Raciņa")
    await mailer.mail_sender.drain()
    invitation = calendar_part(inbox.messages[0]).walk("VEVENT")[0]  # type: ignore[union-attr]

    clock.advance(hours=1)
    await app_client.patch(f"/api/missions/{SLUG}/sessions/{session_id}", json={"starts_at": "2026-06-02T14:00", "ends_at": "2026-06-02T16:00"}, headers=auth)
    await mailer.mail_sender.drain()
    update = inbox.messages[-1]
    assert update["Subject"] == "Changed: Export clinic"
    [moved] = calendar_part(update).walk("VEVENT")  # type: ignore[union-attr]
    assert moved["UID"] == invitation["UID"] and moved["SEQUENCE"] > invitation["SEQUENCE"]
    assert moved.decoded("DTSTART").astimezone(UTC) == datetime(2026, 6, 2, 11, 0, tzinfo=UTC)

    await app_client.post(f"/api/missions/{SLUG}/sessions/{session_id}/cancel", headers=auth)
    await mailer.mail_sender.drain()
    cancel = calendar_part(inbox.messages[-1])
    assert cancel is not None and cancel["METHOD"] == "CANCEL"
    [gone] = cancel.walk("VEVENT")
    assert gone["UID"] == invitation["UID"] and gone["SEQUENCE"] > moved["SEQUENCE"] and gone["STATUS"] == "CANCELLED"


async def test_existing_address_and_feed_rotation_are_mailed(
    app_client: AsyncTestClient, session_id: int, mailer: Services, inbox: Inbox
) -> None:
    answer = await register(app_client, session_id, "ira@example.lv", "Ira Raciņa")
    await register(app_client, session_id, "IRA@example.lv", "Somebody")
    rotated = await app_client.post("/api/me/feed-token", headers={"Authorization": f"Bearer {answer['manage_token']}"})
    await mailer.mail_sender.drain()
    subjects = [m["Subject"] for m in inbox.to("ira@example.lv")]
    assert subjects == ["Confirmed: Export clinic", "Your registration link for Riga Digital Week", "Your new calendar feed link"]
    manage_link = [link for link in links(inbox.messages[1]) if "/manage/" in link][0]
    assert manage_link.endswith(answer["manage_token"])
    assert rotated.json()["webcal_url"] in links(inbox.messages[2])


async def test_smtp_outage_then_recovery_delivers_each_message_exactly_once(
    app_client: AsyncTestClient, session_id: int, mailer: Services, smtp_port: int, clock: FrozenClock, auth: dict[str, str]
) -> None:
    await register(app_client, session_id, "a@example.org", "A")
    await register(app_client, session_id, "b@example.org", "B")
    assert await mailer.mail_sender.drain() == 2  # nothing listens on the port yet: both fail
    report = (await app_client.get(f"/api/missions/{SLUG}/outbox", headers=auth)).json()
    assert report["counts"]["pending"] == 2 and report["counts"]["sent"] == 0
    assert all("Error" in f["last_error"] or "refused" in f["last_error"].lower() for f in report["failures"])
    assert await mailer.mail_sender.drain() == 0  # not due again before the backoff ends

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        clock.advance(minutes=2)
        await mailer.mail_sender.drain()
        clock.advance(hours=1)
        await mailer.mail_sender.drain()
    finally:
        controller.stop()
    assert sorted(str(m["To"]) for m in inbox.messages) == ["A <a@example.org>", "B <b@example.org>"]
    report = (await app_client.get(f"/api/missions/{SLUG}/outbox", headers=auth)).json()
    assert report["counts"]["sent"] == 2 and report["failures"] == []


async def test_sender_dying_between_send_and_mark_duplicates_at_most_once_with_same_message_id(
    app_client: AsyncTestClient, session_id: int, mailer: Services, inbox: Inbox, clock: FrozenClock
) -> None:
    await register(app_client, session_id, "ira@example.lv", "Ira Raciņa")
    # The first sender claims and sends, then dies before marking the message sent.
    [claimed] = await mailer.outbox.claim()
    delivery = await mailer.outbox.delivery(claimed)
    assert delivery is not None
    from eventhub.mail.transport import SmtpTransport

    composer = mailer.mail_sender._composer  # noqa: SLF001 - the same composer the dead sender used
    await SmtpTransport(mailer.settings.smtp_url or "").send(composer.compose(delivery, clock()))
    assert await mailer.mail_sender.drain() == 0  # still leased to the dead sender

    clock.advance(seconds=LEASE.total_seconds() + 1)
    assert await mailer.mail_sender.drain() == 1
    assert await mailer.mail_sender.drain() == 0
    assert len(inbox.messages) == 2
    assert inbox.messages[0]["Message-ID"] == inbox.messages[1]["Message-ID"]


async def test_two_senders_at_once_never_send_a_message_twice(
    app_client: AsyncTestClient, session_id: int, mail_settings: Settings, database_url: str, inbox: Inbox,
    clock: FrozenClock, auth: dict[str, str],
) -> None:
    await app_client.patch(f"/api/missions/{SLUG}/sessions/{session_id}", json={"capacity": None}, headers=auth)
    for n in range(40):
        await register(app_client, session_id, f"p{n}@example.org", f"Person {n}")
    databases = [Database(database_url, lock_timeout_seconds=5) for _ in range(2)]
    try:
        senders = [Services.build(mail_settings, db, clock).mail_sender for db in databases]
        handled = await asyncio.gather(*(s.drain(limit=5) for s in senders))
    finally:
        for db in databases:
            await db.dispose()
    ids = [m["Message-ID"] for m in inbox.messages]
    assert sum(handled) == 40
    assert len(ids) == len(set(ids)) == 40


async def test_cancellation_mail_gives_the_organisers_reason(
    app_client: AsyncTestClient, session_id: int, mailer: Services, inbox: Inbox, auth: dict[str, str], clock: FrozenClock
) -> None:
    await register(app_client, session_id, "ira@example.lv", "Ira Raciņa")
    clock.advance(hours=1)
    response = await app_client.post(
        f"/api/missions/{SLUG}/sessions/{session_id}/cancel", json={"reason": "The speaker's flight was cancelled."},
        headers=auth,
    )
    assert response.status_code == 200 and response.json()["cancel_reason"] == "The speaker's flight was cancelled."
    await mailer.mail_sender.drain()
    cancelled = inbox.messages[-1]
    assert cancelled["Subject"] == "Cancelled: Export clinic"
    assert "The speaker's flight was cancelled." in cancelled.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    [event] = calendar_part(cancelled).walk("VEVENT")  # type: ignore[union-attr]
    assert str(event["DESCRIPTION"]).startswith("Cancelled: The speaker's flight was cancelled.")


# --- mail that organisers cause ---------------------------------------------------------------------


async def bigger(client: AsyncTestClient, auth: dict[str, str], session_id: int, capacity: int) -> None:
    response = await client.patch(f"/api/missions/{SLUG}/sessions/{session_id}", json={"capacity": capacity}, headers=auth)
    assert response.status_code == 200, response.text


async def test_a_message_to_a_session_reaches_each_of_its_twenty_attendees_once(
    app_client: AsyncTestClient, session_id: int, mailer: Services, inbox: Inbox, auth: dict[str, str]
) -> None:
    await bigger(app_client, auth, session_id, 20)
    for n in range(22):  # 20 confirmed, 2 on the waitlist
        await register(app_client, session_id, f"guest{n}@example.org", f"Guest {n}")
    await mailer.mail_sender.drain()
    inbox.messages.clear()

    body = "The workshop moves to room 204.\n\nBring your laptop.\r\nBcc: everyone@example.org"
    response = await app_client.post(f"/api/missions/{SLUG}/messages", headers=auth, json={
        "subject": "Room change: Export clinic", "body": body, "session_id": session_id})
    assert response.status_code == 202 and response.json()["recipients"] == 20
    assert await mailer.mail_sender.drain() == 20
    assert await mailer.mail_sender.drain() == 0  # nothing left, nothing twice
    recipients = sorted(str(m["To"].addresses[0].addr_spec) for m in inbox.messages)
    assert recipients == sorted(f"guest{n}@example.org" for n in range(20))
    message = inbox.messages[0]
    assert message["Subject"] == "Room change: Export clinic"
    assert message["Bcc"] is None and message["Reply-To"] == "info@example.lv"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "The workshop moves to room 204." in text and "Bring your laptop." in text
    assert "About: Export clinic" in text and "/manage/ehm_" in text
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<p>Bring your laptop.<br>Bcc: everyone@example.org</p>" in html  # the line stays text in the body


async def test_the_confirmation_carries_the_check_in_code_and_its_qr_code(
    app_client: AsyncTestClient, session_id: int, mailer: Services, inbox: Inbox, auth: dict[str, str]
) -> None:
    answer: dict[str, Any] = await register(app_client, session_id, "ira@example.lv", "Ira Raciņa")
    me = (await app_client.get("/api/me", headers={"Authorization": f"Bearer {answer['manage_token']}"})).json()
    code = me["registrations"][0]["check_in_code"]
    await register(app_client, session_id, "aida@example.org", "Aida Ismailova")  # waitlisted: no code
    assert await mailer.mail_sender.drain() == 2
    confirmed, waitlisted = inbox.to("ira@example.lv")[0], inbox.to("aida@example.org")[0]

    assert f"Your check-in code: {code}" in confirmed.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = confirmed.get_body(("html",)).get_content()  # type: ignore[union-attr]
    [cid] = re.findall(r'<img src="cid:([^"]+)" alt="Check-in QR code"', html)
    images = [p for p in confirmed.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0]["Content-ID"] == f"<{cid}>"
    assert images[0].get_content().startswith(b"\x89PNG")
    assert "check-in" not in waitlisted.get_body(("plain",)).get_content().lower()  # type: ignore[union-attr]
    assert not [p for p in waitlisted.walk() if p.get_content_type() == "image/png"]

    # At the door the code checks Ira in.
    checked = await app_client.post(f"/api/missions/{SLUG}/check-ins", json={"code": code, "session_id": session_id},
                                    headers=auth)
    assert checked.status_code == 201, checked.text

async def test_a_latvian_registrants_confirmation_is_latvian_with_a_latvian_calendar_part(
    app_client: AsyncTestClient, session_id: int, mailer: Services, inbox: Inbox, auth: dict[str, str]
) -> None:
    mission = await app_client.patch(f"/api/missions/{SLUG}", headers=auth, json={"content_languages": ["lv"]})
    assert mission.status_code == 200, mission.text
    translated = await app_client.patch(
        f"/api/missions/{SLUG}/sessions/{session_id}", headers=auth,
        json={"translations": {"lv": {"title": "Eksporta klīnika", "description": "Praktiski padomi eksportam."}}},
    )
    assert translated.status_code == 200, translated.text
    signup = await app_client.post(f"/api/missions/{SLUG}/registrations", json={
        "name": "Ira Raciņa", "email": "ira@example.lv", "session_ids": [session_id], "language": "lv"})
    assert signup.status_code == 201, signup.text
    assert await mailer.mail_sender.drain() == 1
    [message] = inbox.messages
    assert message["Subject"] == "Apstiprināts: Eksporta klīnika"
    assert message["Content-Language"] == "lv"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert text.startswith("Labdien, Ira Raciņa!") and "Jūsu vieta ir apstiprināta." in text
    assert "otrdiena, 2026. gada 2. jūnijs, 10:00–12:00" in text  # CLDR's Latvian date, 24-hour clock
    assert "Confirmed" not in text and "Hello" not in text
    assert '<html lang="lv">' in message.get_body(("html",)).get_content()  # type: ignore[union-attr]

    [event] = calendar_part(message).walk("VEVENT")  # type: ignore[union-attr]
    assert str(event["SUMMARY"]) == "Eksporta klīnika"
    assert "Praktiski padomi eksportam." in str(event["DESCRIPTION"])
    assert "Sīkāka informācija un reģistrācija:" in str(event["DESCRIPTION"])
    assert event["CATEGORIES"].cats == ["Darbnīca"]
    assert str(event["URL"]).endswith(f"/sessions/{session_id}?lang=lv")
    feed = icalendar.Calendar.from_ical((await app_client.get(f"/missions/{SLUG}/calendar.ics")).content)
    [original] = feed.walk("VEVENT")
    assert event["UID"] == original["UID"] and str(original["SUMMARY"]) == "Export clinic"


# --- mail says what was true when its event happened ------------------------------------------------


def text_of(message: EmailMessage) -> str:
    text: str = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    return text.replace("\r\n", "\n")


async def test_the_mail_sequence_for_waitlist_then_promotion_sent_late_reads_true_in_order(
    app_client: AsyncTestClient, session_id: int, mailer: Services, inbox: Inbox, clock: FrozenClock
) -> None:
    first = await register(app_client, session_id, "first@example.org", "First")
    second = await register(app_client, session_id, "second@example.org", "Second")
    assert second["results"][0]["status"] == "waitlisted"
    clock.advance(minutes=5)  # the first cancels before any mail went out: the second is promoted
    cancelled = await app_client.delete(f"/api/me/registrations/{session_id}",
                                        headers={"Authorization": f"Bearer {first['manage_token']}"})
    assert cancelled.status_code in (200, 204), cancelled.text

    clock.advance(minutes=30)  # the sender comes back late
    await mailer.mail_sender.drain()
    waitlisted, promoted = inbox.to("second@example.org")
    assert waitlisted["Subject"] == "Waitlisted (#1): Export clinic"
    assert "you are number 1 on the waitlist" in text_of(waitlisted)
    assert "confirmed" not in text_of(waitlisted).lower() and calendar_part(waitlisted) is None
    assert "check-in" not in text_of(waitlisted).lower()
    assert promoted["Subject"] == "A seat opened up: Export clinic"
    assert "Your check-in code:" in text_of(promoted)
    assert calendar_part(promoted)["METHOD"] == "REQUEST"  # type: ignore[index]
    assert [m["Subject"] for m in inbox.to("first@example.org")] == [
        "Confirmed: Export clinic", "Registration cancelled: Export clinic"]


async def test_a_changed_mail_says_the_old_and_the_new_time_and_place(
    app_client: AsyncTestClient, session_id: int, mailer: Services, inbox: Inbox, auth: dict[str, str],
    clock: FrozenClock,
) -> None:
    await register(app_client, session_id, "ira@example.lv", "Ira Raciņa")
    signup = await app_client.post(f"/api/missions/{SLUG}/registrations", json={
        "name": "Айгуль", "email": "aigul@example.kg", "session_ids": [session_id], "language": "ru"})
    assert signup.status_code in (201, 202), signup.text
    venue = (await app_client.post(f"/api/missions/{SLUG}/venues", headers=auth,
                                   json={"name": "Teikums", "address": "Miera iela 1"})).json()
    clock.advance(hours=1)
    moved = await app_client.patch(f"/api/missions/{SLUG}/sessions/{session_id}", headers=auth, json={
        "starts_at": "2026-06-02T14:00", "ends_at": "2026-06-02T16:00"})
    assert moved.status_code == 200, moved.text
    clock.advance(hours=1)
    placed = await app_client.patch(f"/api/missions/{SLUG}/sessions/{session_id}", headers=auth,
                                    json={"venue_id": venue["id"]})
    assert placed.status_code == 200, placed.text

    await mailer.mail_sender.drain()  # all three mails at once, late: each says what was true then
    confirmed, time_changed, place_changed = inbox.to("ira@example.lv")
    assert "Tuesday, 2 June 2026, 10:00–12:00 (Europe/Riga, UTC+03:00)\nVEF Kvartāls" in text_of(confirmed)
    assert time_changed["Subject"] == place_changed["Subject"] == "Changed: Export clinic"
    assert ("Time: was Tuesday, 2 June 2026, 10:00–12:00 (Europe/Riga, UTC+03:00), "
            "now Tuesday, 2 June 2026, 14:00–16:00 (Europe/Riga, UTC+03:00).") in text_of(time_changed)
    assert "Place:" not in text_of(time_changed) and "\nVEF Kvartāls, Brīvības gatve 214" in text_of(time_changed)
    assert ("Place: was VEF Kvartāls, Brīvības gatve 214, now Teikums, Miera iela 1.") in text_of(place_changed)
    assert "Time:" not in text_of(place_changed)

    _, russian_time, russian_place = inbox.to("aigul@example.kg")
    assert russian_time["Content-Language"] == "ru"
    # CLDR writes a narrow no-break space before "г."
    assert "Время: было вторник, 2 июня 2026\u202fг., 10:00–12:00 (Europe/Riga, UTC+03:00), " in text_of(russian_time)
    assert "Место: было VEF Kvartāls, Brīvības gatve 214, теперь Teikums, Miera iela 1." in text_of(russian_place)


async def test_mails_and_pages_write_the_offset_the_same_way(
    app_client: AsyncTestClient, session_id: int, mailer: Services, inbox: Inbox
) -> None:
    await register(app_client, session_id, "ira@example.lv", "Ira Raciņa")
    await mailer.mail_sender.drain()
    page = (await app_client.get(f"/missions/{SLUG}/sessions/{session_id}")).text
    assert "Europe/Riga, UTC+03:00" in page
    assert "(Europe/Riga, UTC+03:00)" in text_of(inbox.messages[0])
    assert "+0300" not in text_of(inbox.messages[0])


async def test_an_outbox_row_written_before_mail_facts_is_composed_from_the_state_when_sent(
    app_client: AsyncTestClient, session_id: int, mailer: Services, inbox: Inbox, database: Database
) -> None:
    from sqlalchemy import update

    from eventhub.db.models import OutboxMessage

    await register(app_client, session_id, "ira@example.lv", "Ira Raciņa")
    async with database.write() as db:
        await db.execute(update(OutboxMessage).values(facts=None))
    assert await mailer.mail_sender.drain() == 1
    [message] = inbox.messages
    assert message["Subject"] == "Confirmed: Export clinic"
    assert "10:00–12:00 (Europe/Riga, UTC+03:00)" in text_of(message) and "Your check-in code:" in text_of(message)
    assert calendar_part(message)["METHOD"] == "REQUEST"  # type: ignore[index]

"""Writing to attendees and the outbox on SQLite and PostgreSQL: a preview with the count
before sending, one mail per person, the same form sent twice sends once, errors next
to their field; the outbox says what failed and why and retries; a viewer reads only."""

from __future__ import annotations

from sqlalchemy import select, update

from eventhub.db.models import OutboxMessage
from eventhub.domain.mail import MailKind, MailStatus
from eventhub.domain.permissions import Role
from eventhub.services import Services
from eventhub.db.services.attendees import AttendeeDetails
from tests.web.conftest import SLUG, Browser, csrf_token, location, session_id
from tests.web.html import assert_valid_page, by_id, elements, text_of
from tests.web.organise.attendance import (  # noqa: F401 (labs: a fixture)
    BASE,
    EXPORT_CLINIC,
    everywhere,
    labs,
    mails,
    section,
    signed_in,
)
from tests.web.organise.conftest import AccountFactory, SignIn

MESSAGES = f"{BASE}/messages"
OUTBOX = f"{BASE}/outbox"


def hidden_fields(html: str) -> dict[str, str]:
    """The send form of a preview, as the browser would post it."""
    root = assert_valid_page(html)
    form = next(f for f in elements(root, "form") if f.get("action") == MESSAGES)
    return {i.get("name") or "": i.get("value") or "" for i in elements(form, "input")}


async def test_a_message_is_previewed_with_its_count_and_sent_once_to_each_person(
    labs: int, browser: Browser, organiser_account: AccountFactory, sign_in: SignIn, services: Services,  # noqa: F811
) -> None:
    await signed_in(browser, organiser_account, sign_in, Role.EDITOR)
    before = len(await mails(services))
    fields = {"session_id": str(labs), "subject": "Bus to the Technopark",
              "body": "Dear all,\n\nThe bus leaves the hotel at 09:15."}
    previewed = await browser.submit(MESSAGES, f"{MESSAGES}/preview", fields)
    assert previewed.status_code == 200
    shown = text_of(section(assert_valid_page(previewed.text), "preview-heading"))
    assert "This message goes to 2 people, one e-mail each." in shown
    assert "The bus leaves the hotel at 09:15." in shown and "Send to 2 people" in shown
    assert len(await mails(services)) == before  # a preview sends nothing

    send = hidden_fields(previewed.text)
    sent = await browser.client.post(MESSAGES, data=send, headers={"Accept": "text/html"}, follow_redirects=False)
    assert location(sent).startswith(f"{MESSAGES}?sent=")
    again = await browser.client.post(MESSAGES, data=send, headers={"Accept": "text/html"}, follow_redirects=False)
    assert location(again) == location(sent)  # a double tap: the first answer, nothing sent twice
    written = [m for m in (await mails(services))[before:]]
    assert written == [("organiser_message", "p0@example.org"), ("organiser_message", "p1@example.org")]
    page = text_of(assert_valid_page((await browser.page(location(sent))).text))
    assert "Sent to 2 people: “Bus to the Technopark”." in page

    with_waitlist = await browser.submit(MESSAGES, f"{MESSAGES}/preview", {**fields, "include_waitlisted": "on"})
    assert "goes to 4 people" in text_of(assert_valid_page(with_waitlist.text))


async def test_a_changed_audience_is_shown_again_before_anything_is_sent(
    labs: int, browser: Browser, organiser_account: AccountFactory, sign_in: SignIn, services: Services,  # noqa: F811
) -> None:
    await signed_in(browser, organiser_account, sign_in, Role.EDITOR)
    previewed = await browser.submit(MESSAGES, f"{MESSAGES}/preview",
                                     {"session_id": "", "subject": "Welcome", "body": "See you in Bishkek."})
    assert "goes to 2 people" in text_of(assert_valid_page(previewed.text))
    before = len(await mails(services))
    clinic = await session_id(services, EXPORT_CLINIC)
    await services.attendance.add(SLUG, clinic, AttendeeDetails("Gulnara Sadykova", "gulnara@example.kg"),
                                  await everywhere(services))
    refused = await browser.client.post(MESSAGES, data=hidden_fields(previewed.text), headers={"Accept": "text/html"})
    assert refused.status_code == 409
    page = text_of(assert_valid_page(refused.text))
    assert "The audience changed since the preview" in page and "goes to 3 people" in page
    assert len(await mails(services)) == before + 1  # Gulnara's confirmation, no message


async def test_message_errors_are_shown_next_to_their_fields(
    labs: int, browser: Browser, organiser_account: AccountFactory, sign_in: SignIn,  # noqa: F811
) -> None:
    await signed_in(browser, organiser_account, sign_in, Role.EDITOR)
    refused = await browser.submit(MESSAGES, f"{MESSAGES}/preview", {"session_id": "", "subject": " ", "body": ""})
    assert refused.status_code == 422
    root = assert_valid_page(refused.text)
    for field in ("subject", "body"):
        assert by_id(root, field).get("aria-invalid") == "true"
        assert by_id(root, f"{field}-error") is not None


async def test_the_outbox_shows_why_mail_failed_and_retries_it_once(
    labs: int, browser: Browser, organiser_account: AccountFactory, sign_in: SignIn, services: Services,  # noqa: F811
) -> None:
    async with services.database.write() as db:
        first, second = list(await db.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id).limit(2)))
        await db.execute(update(OutboxMessage).where(OutboxMessage.id == first).values(
            status=MailStatus.FAILED, attempts=10, last_error="550 5.1.1 mailbox unavailable"))
        await db.execute(update(OutboxMessage).where(OutboxMessage.id == second).values(status=MailStatus.SENT))
    await signed_in(browser, organiser_account, sign_in, Role.EDITOR)
    root = assert_valid_page((await browser.page(f"{OUTBOX}?failed=true")).text)
    rows = [text_of(tr) for tr in elements(root, "tr")[1:]]
    assert len(rows) == 1 and "550 5.1.1 mailbox unavailable" in rows[0] and "Failed" in rows[0]
    assert "Registration confirmation" in rows[0] and rows[0].endswith("Try again now")
    retried = await browser.submit(OUTBOX, f"{OUTBOX}/{first}/retry", {})
    assert location(retried) == f"{OUTBOX}?retried=true"
    async with services.database.read() as db:
        message = await db.get_one(OutboxMessage, first)
        assert (message.status, message.attempts, message.kind) == (MailStatus.PENDING, 0, MailKind.REGISTERED)
    sent_again = await browser.submit(OUTBOX, f"{OUTBOX}/{second}/retry", {})
    assert sent_again.status_code == 409
    assert "never sent twice" in text_of(assert_valid_page(sent_again.text))


async def test_a_viewer_reads_messages_and_the_outbox_but_cannot_write_or_retry(
    labs: int, browser: Browser, organiser_account: AccountFactory, sign_in: SignIn, services: Services,  # noqa: F811
) -> None:
    await signed_in(browser, organiser_account, sign_in, Role.VIEWER)
    root = assert_valid_page((await browser.page(MESSAGES)).text)
    assert by_id(root, "subject") is None and "No messages sent yet." in text_of(root)
    outbox = assert_valid_page((await browser.page(OUTBOX)).text)
    assert "Try again now" not in text_of(outbox) and len(elements(outbox, "tr")) == 5
    token = csrf_token((await browser.page(MESSAGES)).text)
    fields = {"_csrf_token": token, "session_id": str(labs), "subject": "Hi", "body": "Hello",
              "recipients_seen": "2", "draft_key": "k"}
    before = await mails(services)
    for action in (f"{MESSAGES}/preview", MESSAGES, f"{OUTBOX}/1/retry"):
        refused = await browser.client.post(action, data=fields, headers={"Accept": "text/html"})
        assert refused.status_code == 403, action
    assert await mails(services) == before

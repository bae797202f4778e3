"""Writing to attendees (`.../messages`) and the mission's mail (`.../outbox`).

A message is previewed first — the text as it will read and the number of people it
reaches — and sent from the preview. The preview's form carries a key of its own: the
same form sent twice (a double tap, a reload) sends once and shows the first result.
Sending goes through the messages service (one outbox row per person, never two)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from eventhub.db.models import Mission
from eventhub.db.services.access import Organiser
from eventhub.db.services.idempotency import StoredResponse
from eventhub.db.services.messages import MessageDraft
from eventhub.domain.errors import NotFound, StateConflict
from eventhub.domain.idempotency import Decision
from eventhub.domain.permissions import Action, may
from eventhub.i18n import _
from eventhub.services import Services
from eventhub.web.forms import FormState, PostedForm
from eventhub.web.organise.attendance_forms import MessageForm, message_draft, refusal_text
from eventhub.web.organise.attendance_views import back_office
from eventhub.web.organise.guard import mission_for
from eventhub.web.organise.mail_views import Preview, messages_page, outbox_page, preview, session_titles

MessageBody = PostedForm[MessageForm]


class MessagePages(Controller):
    path = "/organise/missions/{slug:str}"
    include_in_schema = False

    @get("/messages", name="organise_messages")
    async def show(
        self, slug: FromPath[str], signed_in: NamedDependency[Organiser], services: NamedDependency[Services],
        sent: FromQuery[int | None] = None,
    ) -> Template:
        mission = await mission_for(services, slug, signed_in, Action.VIEW_ATTENDEES)
        return await _messages(services, mission, signed_in, just_sent=sent)

    @post("/messages/preview", name="organise_message_preview")
    async def preview(
        self, slug: FromPath[str], data: MessageBody, signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services],
    ) -> Template:
        mission = await mission_for(services, slug, signed_in, Action.WRITE_TO_ATTENDEES)
        return await _previewed(services, mission, signed_in, data)

    @post("/messages", name="organise_message_send")
    async def send(
        self, slug: FromPath[str], data: MessageBody, signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services],
    ) -> Response[Any]:
        mission = await mission_for(services, slug, signed_in, Action.WRITE_TO_ATTENDEES)
        draft, form = message_draft(data)
        if draft is None:
            return await _messages(services, mission, signed_in, form=form, status=422)
        count = await services.messages.count(slug, draft.audience, signed_in)
        if data.recipients_seen != str(count) or not data.draft_key:
            changed = _("The audience changed since the preview: check the new count and send again.")
            return await _previewed(services, mission, signed_in, data, notice=changed, status=409)
        return await _send_once(services, mission, signed_in, draft, form, data.draft_key)

    @get("/outbox", name="organise_outbox")
    async def outbox(
        self, slug: FromPath[str], signed_in: NamedDependency[Organiser], services: NamedDependency[Services],
        failed: FromQuery[bool] = False, retried: FromQuery[bool] = False,
    ) -> Template:
        return await _outbox(services, slug, signed_in, failed_only=failed, retried=retried)

    @post("/outbox/{message_id:int}/retry", name="organise_outbox_retry")
    async def retry(
        self, slug: FromPath[str], message_id: FromPath[int], signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services],
    ) -> Response[Any]:
        try:
            await services.outbox.retry(slug, message_id, signed_in)
        except (StateConflict, NotFound) as refused:
            if isinstance(refused, NotFound) and refused.code != "message_not_found":
                raise
            return await _outbox(services, slug, signed_in, refusal=refusal_text(refused), status=409)
        return Redirect(back_office(slug, "/outbox?retried=true"), status_code=303)


async def _messages(
    services: Services, mission: Mission, signed_in: Organiser, *, form: FormState | None = None,
    shown: Preview | None = None, draft: MessageDraft | None = None, just_sent: int | None = None,
    notice: str | None = None, status: int = 200,
) -> Template:
    fills = await services.attendance.fill_rates(mission.slug, signed_in)
    sent = await services.messages.sent(mission.slug, signed_in)
    page = messages_page(
        mission, fills, sent, form=form, audience=draft.audience if draft else None, shown=shown,
        just_sent=just_sent, can_write=may(signed_in, Action.WRITE_TO_ATTENDEES, mission.id),
    )
    return Template("organise/messages.html", status_code=status, context={
        "signed_in": signed_in, "mission": mission, "section": "messages", "page": page, "notice": notice,
        "draft_key": secrets.token_urlsafe(16),
    })


async def _previewed(
    services: Services, mission: Mission, signed_in: Organiser, data: MessageForm, *, notice: str | None = None,
    status: int = 200,
) -> Template:
    draft, form = message_draft(data)
    if draft is None:
        return await _messages(services, mission, signed_in, form=form, status=422)
    try:
        count = await services.messages.count(mission.slug, draft.audience, signed_in)
    except NotFound:
        form = FormState(form.values, {"session_id": _("Choose a session of this mission, or everyone.")})
        return await _messages(services, mission, signed_in, form=form, status=422)
    titles = session_titles(await services.attendance.fill_rates(mission.slug, signed_in))
    shown = preview(draft.subject, draft.body, draft.audience, count, titles)
    return await _messages(services, mission, signed_in, form=form, shown=shown, draft=draft, notice=notice,
                           status=status)


async def _send_once(
    services: Services, mission: Mission, signed_in: Organiser, draft: MessageDraft, form: FormState, key: str
) -> Response[Any]:
    """Send the previewed message unless this preview's form was sent already."""
    who = f"organise:{signed_in.account_id or ''}:{signed_in.token_id or ''}"
    audience = draft.audience
    fingerprint = hashlib.sha256(
        f"{mission.id}\n{audience.session_id}\n{audience.include_waitlisted}\n{draft.subject}\n{draft.body}".encode()
    ).hexdigest()
    key = key[:200]
    claim = await services.idempotency.claim(who, key, fingerprint)
    if claim.decision == Decision.REPLAY and claim.response is not None:
        return Redirect(dict(claim.response.headers)["location"], status_code=303)
    if claim.decision != Decision.PROCEED:
        busy = _("This message is being sent already, or its form was used for another text. Check the list below.")
        return await _messages(services, mission, signed_in, notice=busy, status=409)
    try:
        message = await services.messages.send(mission.slug, draft, signed_in)
    except StateConflict as refused:
        await services.idempotency.release(who, key)
        form = FormState(form.values, {"": refusal_text(refused)})
        return await _messages(services, mission, signed_in, form=form, draft=draft, status=409)
    except BaseException:
        await services.idempotency.release(who, key)
        raise
    location = back_office(mission.slug, f"/messages?sent={message.id}")
    await services.idempotency.complete(who, key, StoredResponse(303, [("location", location)], b""))
    return Redirect(location, status_code=303)


async def _outbox(
    services: Services, slug: str, signed_in: Organiser, *, failed_only: bool = False, retried: bool = False,
    refusal: str | None = None, status: int = 200,
) -> Template:
    report = await services.outbox.report(slug, signed_in)
    entries = await services.outbox.entries(slug, signed_in, failed_only=failed_only)
    mission = await mission_for(services, slug, signed_in, Action.VIEW_ATTENDEES)
    page = outbox_page(mission, report, entries, failed_only=failed_only, retried=retried,
                       can_retry=may(signed_in, Action.WRITE_TO_ATTENDEES, mission.id))
    return Template("organise/outbox.html", status_code=status, context={
        "signed_in": signed_in, "mission": mission, "section": "outbox", "page": page, "refusal": refusal,
    })

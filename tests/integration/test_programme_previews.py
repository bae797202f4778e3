"""Previews the back office shows before a change: the conflicts a session would have if
saved, and what publishing a mission shows the public. Neither changes anything."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from eventhub.db.services.bulk import BulkChange
from eventhub.domain.errors import InvalidInput
from eventhub.domain.programme import BulkAction, ChangeKind, MissionStatus, SpeakerRole
from eventhub.loader import LOADER
from eventhub.services import Services

SLUG = "bishkek-2026"


async def _programme(services: Services, status: MissionStatus = MissionStatus.PUBLISHED) -> dict[str, Any]:
    await services.missions.create({
        "slug": SLUG, "title": "Bishkek", "host_country": "KG", "timezone": "Asia/Bishkek",
        "starts_on": date(2026, 12, 7), "ends_on": date(2026, 12, 11), "status": status,
    }, LOADER)
    park = await services.venues.create(SLUG, {"name": "High Technology Park"}, LOADER)
    hub = await services.venues.create(SLUG, {"name": "Technopark"}, LOADER)
    await services.travel_times.replace(SLUG, [(park.id, hub.id, 30)], LOADER)
    ira = await services.people.create(SLUG, {"name": "Ira Raciņa"}, LOADER)
    first = await services.sessions.create(SLUG, {
        "title": "Opening", "kind": "seminar", "starts_at": "2026-12-08T10:00", "ends_at": "2026-12-08T11:00",
        "venue_id": park.id, "speakers": [(ira.id, SpeakerRole.HOST)],
    }, LOADER)
    return {"park": park.id, "hub": hub.id, "ira": ira.id, "opening": first.session.id}


async def test_check_names_the_conflicts_of_an_unsaved_session_and_saves_nothing(services: Services) -> None:
    ids = await _programme(services)
    fields = {
        "title": "Too soon", "kind": "workshop", "starts_at": "2026-12-08T11:15", "ends_at": "2026-12-08T12:00",
        "venue_id": ids["hub"], "speakers": [(ids["ira"], SpeakerRole.SPEAKER)],
    }
    conflicts = await services.sessions.check(SLUG, fields, LOADER)
    assert [(c["session_id"], c["reason"], c["travel_minutes"]) for c in conflicts] == [(ids["opening"], "travel", 30)]
    _mission, views = await services.sessions.list(SLUG, LOADER)
    assert [v.session.title for v in views] == ["Opening"]

    moved = await services.sessions.check(SLUG, {"starts_at": "2026-12-08T13:00", "ends_at": "2026-12-08T14:00"}, LOADER,
                                          session_id=ids["opening"])
    assert moved == []
    assert (await services.sessions.get(SLUG, ids["opening"], LOADER)).session.starts_local.hour == 10
    with pytest.raises(InvalidInput) as refused:
        await services.sessions.check(SLUG, {**fields, "ends_at": "2026-12-08T11:00"}, LOADER)
    assert refused.value.code == "ends_before_start"


async def test_publish_previews_say_what_the_public_will_see(services: Services) -> None:
    ids = await _programme(services, MissionStatus.DRAFT)
    draft = await services.sessions.create(SLUG, {
        "title": "Later", "kind": "meeting", "status": "draft", "starts_at": "2026-12-09T10:00", "ends_at": "2026-12-09T11:00",
    }, LOADER)
    summary = await services.bulk.publish_mission_preview(SLUG, LOADER)
    assert dict(summary.counts) == {ChangeKind.PUBLISHED: 1} and summary.session_ids == (ids["opening"],)

    change = BulkChange(BulkAction.PUBLISH, [draft.session.id, ids["opening"]])
    preview = await services.bulk.apply(SLUG, change, LOADER, dry_run=True)
    assert (dict(preview.counts), preview.attendees_mailed, preview.applied) == ({ChangeKind.PUBLISHED: 1}, 0, False)
    assert (await services.sessions.get(SLUG, draft.session.id, LOADER)).session.status == "draft"

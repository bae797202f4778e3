"""The schema comes from the migrations: they match the models, and upgrading a database
that already has attendees keeps their manage and feed links working."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from litestar.testing import AsyncTestClient
from sqlalchemy import create_engine, text

from eventhub.app import create_app
from eventhub.db.migrate import upgrade
from eventhub.db.models import Mission
from eventhub.domain.tokens import derived_token, feed_token_for, manage_token_for, token_digest
from eventhub.settings import Settings

SECRET = "migration-test-secret-key-0123456789abcdef"


def test_migrations_create_exactly_the_models_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'schema.db'}"
    upgrade(url.replace("sqlite:", "sqlite+aiosqlite:"))
    engine = create_engine(url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Mission.metadata)
    engine.dispose()
    assert differences == []


async def test_attendees_registered_before_the_token_salt_keep_their_links(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    await asyncio.to_thread(upgrade, url, "0004")
    # An attendee as revision 0004 stored them: tokens derived from the row id.
    manage = derived_token("ehm", SECRET, "manage/1/0")
    feed = feed_token_for(manage, 0)
    now = datetime(2026, 11, 1, 9, 0, tzinfo=UTC).isoformat()
    engine = create_engine(url.replace("+aiosqlite", ""))
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO mission (id, slug, title, summary, host_city, host_country, timezone, starts_on, ends_on,"
            " organiser_name, contact_email, funding_note, status, version, created_at, updated_at)"
            " VALUES (1, 'old-2026', 'Old mission', '', 'Riga', 'LV',"
            " 'Europe/Riga', '2026-12-01', '2026-12-02', '', '', '', 'published', 1, :now, :now)"), {"now": now})
        connection.execute(text(
            "INSERT INTO attendee (id, mission_id, name, email, email_key, organisation, manage_token_hash,"
            " feed_token_hash, manage_generation, feed_generation, created_at, updated_at) VALUES"
            " (1, 1, 'Ira', 'ira@example.lv', 'ira@example.lv', '', :manage, :feed, 0, 0, :now, :now)"),
            {"manage": token_digest(manage), "feed": token_digest(feed), "now": now})
    engine.dispose()

    await asyncio.to_thread(upgrade, url)

    # Mail recomputes the manage link from the salt: it must be the link the attendee has.
    engine = create_engine(url.replace("+aiosqlite", ""))
    with engine.connect() as connection:
        salt = connection.execute(text("SELECT token_salt FROM attendee WHERE id = 1")).scalar_one()
    engine.dispose()
    assert manage_token_for(SECRET, salt, 0) == manage
    settings = Settings(database_url=url, secret_key=SECRET, public_url="http://testserver.local",
                        registration_rate_limit="off", mail_sender=False)
    async with AsyncTestClient(create_app(settings), base_url="http://testserver.local") as client:
        me = await client.get("/api/me", headers={"Authorization": f"Bearer {manage}"})
        assert me.status_code == 200, me.text
        assert me.json()["email"] == "ira@example.lv"
        calendar = await client.get(f"/feeds/{feed}/calendar.ics")
        assert calendar.status_code == 200
        assert calendar.text.startswith("BEGIN:VCALENDAR")

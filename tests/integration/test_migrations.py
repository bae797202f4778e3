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
from eventhub.db.migrate import downgrade, upgrade
from eventhub.db.models import Mission
from eventhub.domain.tokens import derived_token, feed_token_for, manage_token_for, token_digest
from eventhub.settings import Settings
from tests.api.conftest import Api
from tests.conftest import FrozenClock

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


async def test_queue_counts_are_backfilled_from_the_registrations_a_database_already_has(tmp_path: Path) -> None:
    """Migration 0006 counts existing registrations into the sessions' rows: taken from a
    database that has them (revision 0005 has no counts), the seats and the waitlist come
    out right, and the counts then keep up with a cancellation that promotes."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'counts.db'}"
    await asyncio.to_thread(upgrade, url)
    clock = FrozenClock(datetime(2026, 5, 15, 9, 0, tzinfo=UTC))
    settings = Settings(database_url=url, secret_key=SECRET, public_url="http://testserver.local",
                        registration_rate_limit="off", mail_sender=False)

    def app() -> AsyncTestClient:
        return AsyncTestClient(create_app(settings, clock=clock), base_url="http://testserver.local")

    async with app() as client:
        token = await client.app.state.services.organiser_tokens.create("organiser", None)
        api = Api(client, {"Authorization": f"Bearer {token}"})
        await api.mission("riga-2026")
        session = await api.session("riga-2026", title="Export clinic", capacity=1,
                                    starts_at="2026-06-01T10:00", ends_at="2026-06-01T12:00")
        sid = session["id"]
        manage = {}
        for name in ("ira", "juris", "anna"):
            answer = await client.post("/api/missions/riga-2026/registrations",
                                       json={"name": name, "email": f"{name}@example.lv", "session_ids": [sid]})
            assert answer.status_code == 201, answer.text
            manage[name] = {"Authorization": f"Bearer {answer.json()['manage_token']}"}
        cancelled = await client.delete(f"/api/me/registrations/{sid}", headers=manage["anna"])
        assert cancelled.status_code == 200, cancelled.text

    await asyncio.to_thread(downgrade, url, "0005")
    await asyncio.to_thread(upgrade, url)

    async with app() as client:
        seats = (await client.get(f"/api/missions/riga-2026/sessions/{sid}")).json()
        assert (seats["seats_left"], seats["waitlist_length"]) == (0, 1)  # ira seated, juris waiting, anna gone
        assert (await client.delete(f"/api/me/registrations/{sid}", headers=manage["ira"])).status_code == 200
        seats = (await client.get(f"/api/missions/riga-2026/sessions/{sid}")).json()
        assert (seats["seats_left"], seats["waitlist_length"]) == (0, 0)  # juris promoted

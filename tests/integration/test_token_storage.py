"""No secret is kept in plain text: manage, feed and organiser tokens live in the database
only as SHA-256 digests. The test looks at every row of every table, and on SQLite also at
the raw bytes of the database files after a WAL checkpoint."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from litestar.testing import AsyncTestClient
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from eventhub.db.database import Database
from eventhub.domain.tokens import token_digest
from eventhub.services import Services
from tests.api.conftest import Api
from tests.conftest import FrozenClock

SLUG = "riga-2026"


def feed_token(feed_url: str) -> str:
    """`.../feeds/<token>/calendar.ics` -> `<token>`."""
    return feed_url.rsplit("/feeds/", 1)[1].split("/", 1)[0]


async def every_value_as_text(database: Database) -> str:
    """Every column of every row of every table the database has (not only the ones we model)."""
    async with database.read() as db:
        tables = await db.run_sync(lambda session: inspect(session.connection()).get_table_names())
        assert {"attendee", "organiser_token", "registration"} <= set(tables)
        values: list[str] = []
        for table in tables:
            for row in await db.execute(text(f'SELECT * FROM "{table}"')):
                values.extend(repr(value) for value in row)
    return "\n".join(values)


def sqlite_file_bytes(url: str) -> bytes:
    path = Path(make_url(url).database or "")
    with sqlite3.connect(path) as raw:
        busy, _, _ = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    raw.close()
    assert busy == 0, "the WAL checkpoint could not finish"
    files = [path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))]
    return b"".join(f.read_bytes() for f in files if f.exists())


async def test_no_manage_feed_or_organiser_token_is_stored_in_plain_text(
    client: AsyncTestClient, database: Database, services: Services, auth: dict[str, str],
    organiser_token: str, clock: FrozenClock,
) -> None:
    clock.now = datetime(2026, 5, 15, 9, 0, tzinfo=UTC)
    api = Api(client, auth)
    await api.mission()
    workshop = await api.session(SLUG, title="Export clinic", capacity=1, starts_at="2026-06-01T10:00", ends_at="2026-06-01T12:00")
    secrets: list[str] = [organiser_token, await services.organiser_tokens.create("scoped", SLUG)]
    answers = []
    for email in ("ira@example.lv", "aida@example.kg", "arstan@example.kg"):
        response = await client.post(f"/api/missions/{SLUG}/registrations",
                                     json={"name": "Ira Raciņa", "email": email, "session_ids": [workshop["id"]]})
        assert response.status_code == 201, response.text
        answers.append(response.json())
        secrets += [response.json()["manage_token"], feed_token(response.json()["feed_url"])]

    first = {"Authorization": f"Bearer {answers[0]['manage_token']}"}
    rotated_feed = await client.post("/api/me/feed-token", headers=first)
    assert rotated_feed.status_code == 200
    secrets.append(feed_token(rotated_feed.json()["feed_url"]))
    second = {"Authorization": f"Bearer {answers[1]['manage_token']}"}
    rotated_manage = await client.post("/api/me/manage-token", headers=second)
    assert rotated_manage.status_code == 200
    new_manage = rotated_manage.json()["manage_token"]
    me = await client.get("/api/me", headers={"Authorization": f"Bearer {new_manage}"})
    assert me.status_code == 200
    secrets += [new_manage, feed_token(me.json()["feed_url"])]
    assert len(set(secrets)) == len(secrets) == 11

    dump = await every_value_as_text(database)
    stored_bytes = sqlite_file_bytes(database.url) if database.is_sqlite else b""
    for secret in secrets:
        _prefix, random_part = secret.split("_", 1)
        for needle in (secret, random_part):
            assert needle not in dump, f"a token is stored in plain text: {secret[:8]}..."
            assert needle.encode() not in stored_bytes, f"a token is in the database file: {secret[:8]}..."
    # The dump is real: the live tokens' digests are in it (the old ones' digests are gone).
    live = [organiser_token, new_manage, answers[0]["manage_token"], answers[2]["manage_token"],
            feed_token(rotated_feed.json()["feed_url"]), feed_token(me.json()["feed_url"])]
    for secret in live:
        assert token_digest(secret) in dump
        if database.is_sqlite:
            assert token_digest(secret).encode() in stored_bytes
    assert token_digest(answers[1]["manage_token"]) not in dump  # rotated away

"""The baselines: a minimal Litestar app run on the same server, with the same options,
as `eventhub serve` runs eventhub.

- GET /feed.ics    the bytes of eventhub's warm mission feed, held in memory (BENCH_FEED_FILE);
- GET /hello       13 bytes, the ceiling for a 304 revalidation;
- POST /seats/{id}/claims   a bare locked insert on a table of its own: lock the seat row
  (`SELECT ... FOR UPDATE` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite), count the confirmed
  claims, insert one, commit: SQLAlchemy's async engine as anyone would set it up (the
  drivers eventhub uses; on SQLite WAL, synchronous=NORMAL, a 5 s busy timeout and
  BEGIN IMMEDIATE; on PostgreSQL a 5 s lock_timeout), with nothing of eventhub's.

Run: `python bench/baseline.py --port 8001 [--workers N]` (it calls eventhub's own server
launcher, `eventhub.cli.run_server`).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from litestar import Litestar, Response, get, post
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

FEED_FILE = "BENCH_FEED_FILE"
DATABASE_URL = "BENCH_DATABASE_URL"

SCHEMA = [
    "CREATE TABLE IF NOT EXISTS bench_seat (id INTEGER PRIMARY KEY, capacity INTEGER NOT NULL)",
    """CREATE TABLE IF NOT EXISTS bench_claim (
        id {serial} PRIMARY KEY,
        seat_id INTEGER NOT NULL REFERENCES bench_seat (id),
        email VARCHAR(254) NOT NULL,
        status VARCHAR(16) NOT NULL,
        created_at TIMESTAMP NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS ix_bench_claim_seat_status ON bench_claim (seat_id, status, id)",
]


def engine(url: str) -> AsyncEngine:
    if not url.startswith("sqlite"):
        return create_async_engine(url, pool_size=10, max_overflow=10,
                                   connect_args={"server_settings": {"lock_timeout": "5000"}})
    created = create_async_engine(url, connect_args={"timeout": 5})

    @event.listens_for(created.sync_engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # BEGIN is ours to write
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=5000"):
            dbapi_connection.execute(f"PRAGMA {pragma}")

    @event.listens_for(created.sync_engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return created


async def prepare(url: str, seats: dict[int, int]) -> None:
    """Create the baseline's tables and its seats (id -> capacity), emptied."""
    database = engine(url)
    serial = "INTEGER" if url.startswith("sqlite") else "BIGSERIAL"
    try:
        async with database.begin() as db:
            for statement in SCHEMA:
                await db.execute(text(statement.format(serial=serial)))
            await db.execute(text("DELETE FROM bench_claim"))
            await db.execute(text("DELETE FROM bench_seat"))
            for seat_id, capacity in seats.items():
                await db.execute(text("INSERT INTO bench_seat (id, capacity) VALUES (:id, :capacity)"),
                                 {"id": seat_id, "capacity": capacity})
    finally:
        await database.dispose()


async def claim_counts(url: str) -> dict[int, dict[str, int]]:
    database = engine(url)
    try:
        async with database.begin() as db:
            rows = await db.execute(text("SELECT seat_id, status, count(*) FROM bench_claim GROUP BY seat_id, status"))
            counts: dict[int, dict[str, int]] = {}
            for seat_id, status, count in rows:
                counts.setdefault(int(seat_id), {})[status] = int(count)
            return counts
    finally:
        await database.dispose()


def create_app() -> Litestar:
    body = Path(os.environ[FEED_FILE]).read_bytes() if os.environ.get(FEED_FILE) else b""
    url = os.environ.get(DATABASE_URL)
    database = engine(url) if url else None
    lock = "SELECT capacity FROM bench_seat WHERE id = :id" + ("" if (url or "").startswith("sqlite") else " FOR UPDATE")

    @get("/feed.ics", media_type="text/calendar")
    async def feed() -> Response[bytes]:
        return Response(body, media_type="text/calendar")

    @get("/hello", media_type="text/plain")
    async def hello() -> bytes:
        return b"Hello, world!"

    @post("/seats/{seat_id:int}/claims", status_code=201)
    async def claim(seat_id: int, data: dict[str, Any]) -> dict[str, str]:
        assert database is not None, f"set {DATABASE_URL}"
        async with database.begin() as db:
            capacity = (await db.execute(text(lock), {"id": seat_id})).scalar_one()
            confirmed = (await db.execute(
                text("SELECT count(*) FROM bench_claim WHERE seat_id = :id AND status = 'confirmed'"), {"id": seat_id}
            )).scalar_one()
            status = "confirmed" if confirmed < capacity else "waitlisted"
            await db.execute(
                text("INSERT INTO bench_claim (seat_id, email, status, created_at) VALUES (:id, :email, :status, :now)"),
                {"id": seat_id, "email": str(data["email"]), "status": status, "now": datetime.now(UTC).replace(tzinfo=None)},
            )
        return {"status": status}

    async def close() -> None:
        if database is not None:
            await database.dispose()

    return Litestar([feed, hello, claim], on_shutdown=[close])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from eventhub.cli import run_server

    run_server("baseline:create_app", host=args.host, port=args.port, workers=args.workers)

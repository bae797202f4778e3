"""Engine and transactions. Reads and writes are opened explicitly by the services.

SQLite: WAL so readers never wait for the writer; every write transaction starts with
`BEGIN IMMEDIATE`, so two writers queue on the database lock (bounded by busy_timeout)
instead of failing when a read transaction tries to upgrade; before that, eventhub's own
writers take turns (`WriterTurns`), so the queue moves without the busy handler's sleeps. PostgreSQL: `lock_timeout`
bounds every lock wait. Either way a wait that runs out surfaces as `DatabaseBusy`.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import sqlite3
import weakref
from collections.abc import AsyncIterator, Callable, Hashable, Iterable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, make_url, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

_WRITE_OPTION = "eventhub_write"


class DatabaseBusy(Exception):
    """A lock could not be had in time; the client should retry shortly (HTTP 503)."""


class DatabaseUnavailable(Exception):
    """The database cannot be reached, or cannot take writes right now (HTTP 503)."""


def _sqlstate(error: DBAPIError) -> str:
    return str(getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None) or "")


def is_lock_timeout(error: DBAPIError) -> bool:
    text = str(error.orig).lower()
    return _sqlstate(error) == "55P03" or "database is locked" in text or "lock timeout" in text


# Connection exceptions (class 08), the server shutting down or starting (57P01-57P03),
# out of disk or memory (53xxx), read-only transactions (25006); SQLite's equivalents.
_UNAVAILABLE_STATES = ("08", "57P01", "57P02", "57P03", "53", "25006")
_UNAVAILABLE_SQLITE = ("readonly database", "disk is full", "unable to open database", "disk i/o error")


def is_unavailable(error: DBAPIError) -> bool:
    if error.connection_invalidated or isinstance(error.orig, (ConnectionError, OSError)):
        return True
    if _sqlstate(error).startswith(_UNAVAILABLE_STATES):
        return True
    text = str(error.orig).lower()
    return any(fragment in text for fragment in _UNAVAILABLE_SQLITE) or "connection" in type(error.orig).__name__.lower()


class Database:
    def __init__(self, url: str, *, lock_timeout_seconds: float = 5.0, echo: bool = False) -> None:
        self.url = url
        # The app's clock (Services.build sets the injected one), for what the database
        # layer stamps by itself: history entries.
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self.is_sqlite = url.startswith("sqlite")
        self.lock_timeout_seconds = lock_timeout_seconds
        # No pool_pre_ping: it costs a round trip per transaction. A connection that died
        # with its server fails its request with a 503 (see `_translate_errors`), and
        # SQLAlchemy then discards every pooled connection older than that failure.
        self.engine: AsyncEngine = create_async_engine(url, echo=echo, **self._engine_options(lock_timeout_seconds))
        if self.is_sqlite:
            _configure_sqlite(self.engine, lock_timeout_seconds)
        self._writers = WriterTurns(_sqlite_file(url) if self.is_sqlite else None, lock_timeout_seconds)
        self._read_sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = async_sessionmaker(
            self.engine.execution_options(**{_WRITE_OPTION: True}), expire_on_commit=False
        )

    def _engine_options(self, lock_timeout_seconds: float) -> dict[str, Any]:
        if self.is_sqlite:
            options: dict[str, Any] = {"connect_args": {"timeout": lock_timeout_seconds}}
            if _sqlite_file(self.url) is not None:  # (an in-memory database has one connection)
                # Enough pooled connections for a burst: opening one costs a thread and PRAGMAs.
                options.update(pool_size=20, max_overflow=10)
            return options
        lock_ms = str(int(lock_timeout_seconds * 1000))
        return {
            "connect_args": {"server_settings": {"lock_timeout": lock_ms, "application_name": "eventhub"}},
            "pool_size": 10,
            "max_overflow": 10,
        }

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._translate_errors(), self._read_sessions() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """One write transaction: committed when the block ends, rolled back on any error."""
        async with self._writers.turn(), self._translate_errors(), self._write_sessions() as session, \
                session.begin():
            session.info["clock"] = self.clock  # the time history entries are stamped with
            yield session

    @asynccontextmanager
    async def _translate_errors(self) -> AsyncIterator[None]:
        try:
            yield
        except DBAPIError as error:
            if is_lock_timeout(error):
                raise DatabaseBusy("The database is busy; try again in a moment.") from error
            if is_unavailable(error):
                raise DatabaseUnavailable("The database is unavailable; try again in a moment.") from error
            raise
        except (ConnectionError, OSError) as error:
            raise DatabaseUnavailable("The database is unavailable; try again in a moment.") from error

    async def check_writable(self) -> str:
        """'ok', 'read_only' or 'full': whether writes would go through right now."""
        try:
            async with self.write() as db:  # busy is fine: it means others are writing
                if self.is_sqlite:
                    version = await db.scalar(text("PRAGMA user_version"))
                    await db.execute(text(f"PRAGMA user_version = {int(version or 0)}"))  # a write of nothing
                    used = await db.scalar(text("PRAGMA page_count"))
                    limit = await db.scalar(text("PRAGMA max_page_count"))
                    if used is not None and limit is not None and used >= limit - 1:
                        return "full"
                elif await db.scalar(text("SHOW transaction_read_only")) == "on":
                    return "read_only"
        except DatabaseBusy:
            return "ok"
        except DatabaseUnavailable as error:
            cause = str(error.__cause__).lower()
            return "full" if "full" in cause or "space" in cause else "read_only"
        return "ok"

    async def dispose(self) -> None:
        await self.engine.dispose()
        self._writers.close()


class Turns:
    """Requests of this process that are about to queue on the same database lock queue
    here first, on asyncio locks, in a fixed order. The database lock would serialize
    them anyway; queued in asyncio they hold no connection, and they leave the event loop
    to the request that holds the lock, whose next statement would otherwise wait behind
    their work (on a hot lock, most of the time the lock is held: bench/README.md). A wait
    past its deadline is `DatabaseBusy`, like a database lock wait."""

    def __init__(self) -> None:
        # Per event loop (an asyncio.Lock belongs to the loop it first waits on); one lock
        # per key ever used, and keys are few (the database, the sessions of a programme).
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[Hashable, asyncio.Lock]] = (
            weakref.WeakKeyDictionary()
        )

    @asynccontextmanager
    async def take(self, keys: Iterable[Hashable], deadline: float) -> AsyncIterator[None]:
        """Hold the turn of every key, taken in the order given (pass them sorted)."""
        locks = self._locks.setdefault(asyncio.get_running_loop(), {})
        async with AsyncExitStack() as held:
            for key in keys:
                lock = locks.setdefault(key, asyncio.Lock())
                try:
                    async with asyncio.timeout_at(deadline):
                        await lock.acquire()
                except TimeoutError:
                    raise DatabaseBusy("The database is busy; try again in a moment.") from None
                held.callback(lock.release)
            yield


class WriterTurns:
    """SQLite writers take turns before BEGIN IMMEDIATE: in this process (`Turns`), and
    across processes on an advisory file lock (`<database>-writers`). SQLite admits one
    writer at a time anyway, but the others wait in its busy handler, which sleeps up to
    100 ms between tries and so leaves the database idle after most commits under load;
    here the next writer starts within a millisecond of the last commit. Writers that do
    not take turns (another program, `sqlite3`) still meet at SQLite's lock."""

    POLL_SECONDS = 0.0005

    def __init__(self, path: Path | None, timeout_seconds: float) -> None:
        self._path = path
        self._timeout = timeout_seconds
        self._fd: int | None = None
        self._pid = os.getpid()
        self._local = Turns()

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        if self._path is None:
            yield
            return
        deadline = asyncio.get_running_loop().time() + self._timeout
        async with self._local.take(["database"], deadline):
            fd = self._lock_file()
            if fd is not None:
                await self._acquire(fd, deadline)
            try:
                yield
            finally:
                if fd is not None:
                    fcntl.flock(fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None

    def _lock_file(self) -> int | None:
        # One descriptor per process: a forked child must not share its parent's (the lock
        # belongs to the open file, so parent and child would both hold it).
        if self._fd is None or self._pid != os.getpid():
            try:
                self._fd = os.open(f"{self._path}-writers", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError:
                return None  # e.g. a read-only directory: SQLite's own lock still orders writers
            self._pid = os.getpid()
        return self._fd

    async def _acquire(self, fd: int, deadline: float) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if loop.time() > deadline:
                    raise DatabaseBusy("The database is busy; try again in a moment.") from None
                await asyncio.sleep(self.POLL_SECONDS)


def _sqlite_file(url: str) -> Path | None:
    database = make_url(url).database
    return None if not database or database == ":memory:" or database.startswith("file:") else Path(database).resolve()


def _configure_sqlite(engine: AsyncEngine, lock_timeout_seconds: float) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so that BEGIN is ours to write.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as error:
            # Switching to WAL is a write: a read-only database keeps its journal mode, is
            # still read, and its writes answer 503 (DatabaseUnavailable).
            if "readonly" not in str(error).lower():
                raise
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(lock_timeout_seconds * 1000)}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

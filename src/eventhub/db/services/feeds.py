"""Calendar feeds: which sessions each feed shows, the cache of their rendered bytes, and
the validators that let a feed answer 304 without rendering. How a session reads in a
calendar is `eventhub.calendar.events`.

Rendered bytes are cached per process under a key that contains the mission's version
(bumped by every programme change in the same transaction as the change), so every
server process checks one row and serves its own cached bytes: correct with several
processes, and nothing to invalidate by hand.

A warm mission feed skips even that row for a moment: the version read last is trusted
for VERSION_TRUST_SECONDS, unless this process committed anything since (then it is read
again at once). When the trust runs out, one request reads the version again while the
others go on with the feed as last read, for at most REVALIDATION_GRACE_SECONDS more:
without that, every request in flight at that moment would query at once, each 0.25 s,
stalling the process under load. So a change shows in this process's feeds at once, and
in another process's within the sum of the two bounds; calendar clients poll every few
minutes at best.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, event, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncSession

from eventhub.calendar import CalendarEvent, CalendarMeta, EventCache, render_calendar
from eventhub.calendar.events import SessionRecord, calendar_event, personal_event
from eventhub.calendar.meetings import meeting_event
from eventhub.domain.languages import supported
from eventhub.domain.translations import FrozenTranslations, localize, localized
from eventhub.i18n import Translator, translator
from eventhub.db.database import Database
from eventhub.db.models import Attendee, Mission, Person, ProgrammeSession, Registration, SessionSpeaker, Venue
from eventhub.db.services.access import Clock, mission_not_found
from eventhub.db.services.meetings import meeting_facts, published_meetings_of
from eventhub.db.services.registrations import attendee_by_feed_token
from eventhub.db.services.seats import waitlist_positions
from eventhub.db.services.sessions import SessionFilter
from eventhub.domain.errors import NotFound
from eventhub.domain.programme import MissionStatus, SessionStatus
from eventhub.richtext import plain_text
from eventhub.urls import Urls

# Bump when the rendering changes, so that old ETags stop matching.
RENDER_REVISION = "1"
PERSONAL_HISTORY = timedelta(days=30)  # keeps personal feeds small (Google drops feeds past 1 MB)
PUBLIC_STATUSES = (SessionStatus.PUBLISHED, SessionStatus.CANCELLED)
# How long a process serves a warm mission feed without reading the mission's version again.
VERSION_TRUST_SECONDS = 0.25
# How much longer the others may serve it while one request reads the version again.
REVALIDATION_GRACE_SECONDS = 1.0
ROW_EVENTS = 20_000  # events kept per process for unchanged session rows (as many as EventCache keeps)

_commits = 0  # commits seen in this process, by any engine: each one ends the trust above


@event.listens_for(Engine, "commit")
def _count_commit(_connection: Connection) -> None:
    global _commits
    _commits += 1


@dataclass(frozen=True, slots=True)
class RenderedFeed:
    body: bytes
    etag: str
    last_modified: datetime


@dataclass(frozen=True, slots=True)
class WarmFeed:
    """The unfiltered mission feed as last validated, while that validation is trusted."""

    etag: str
    last_modified: datetime
    filename: str
    rendered: RenderedFeed | None
    """The body at that version, if this process has rendered it (else the handler renders)."""


@dataclass(frozen=True, slots=True)
class _Trusted:
    key: tuple[object, ...]
    etag: str
    last_modified: datetime
    filename: str
    read_at: float
    commits: int


@dataclass(frozen=True, slots=True)
class PreparedFeed:
    """A feed's validators, known after one cheap query; the body is rendered only on demand."""

    etag: str
    last_modified: datetime
    filename: str
    private: bool
    render: Callable[[], Awaitable[RenderedFeed]]


class _Bodies:
    """Per-process LRU of rendered feeds keyed by everything they depend on."""

    def __init__(self, maxsize: int = 512) -> None:
        self._items: OrderedDict[tuple[object, ...], RenderedFeed] = OrderedDict()
        self._maxsize = maxsize

    def get(self, key: tuple[object, ...]) -> RenderedFeed | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: tuple[object, ...], feed: RenderedFeed) -> None:
        self._items[key] = feed
        while len(self._items) > self._maxsize:
            self._items.popitem(last=False)


class Feeds:
    def __init__(self, database: Database, clock: Clock, public_base: str, public_host: str) -> None:
        self._database = database
        self._clock = clock
        self._base = public_base
        self._urls = Urls(public_base)
        self._host = public_host
        self._events = EventCache()
        self._bodies = _Bodies()
        self._trusted: dict[str, _Trusted] = {}  # slug -> the unfiltered feed's last validation
        self._revalidating: dict[str, float] = {}  # slug -> when a request began to validate it again
        self._row_events: dict[tuple[object, ...], CalendarEvent] = {}  # (row, speakers, slug) -> event

    # --- the three feeds ------------------------------------------------------------------------

    def warm_mission_feed(self, slug: str) -> WarmFeed | None:
        """The unfiltered mission feed without any query, while its last validation is
        trusted (see VERSION_TRUST_SECONDS); None means: ask `mission_feed`."""
        trusted = self._trusted.get(slug)
        if trusted is None or trusted.commits != _commits:
            return None
        now = time.monotonic()
        if now - trusted.read_at > VERSION_TRUST_SECONDS:
            started = self._revalidating.get(slug)
            if started is None or now - started > REVALIDATION_GRACE_SECONDS:
                self._revalidating[slug] = now
                return None  # this request reads the version again
        return WarmFeed(trusted.etag, trusted.last_modified, trusted.filename, self._bodies.get(trusted.key))

    async def mission_feed(self, slug: str, where: SessionFilter, lang: str | None = None) -> PreparedFeed:
        """`lang`: the feed's language (its texts and the sessions' translations); none:
        the mission's default, whose feed is the one kept warm."""
        commits, read_at = _commits, time.monotonic()
        try:
            async with self._database.read() as db:
                mission = await _public_mission(db, slug)
        except BaseException:
            self._trusted.pop(slug, None)  # gone or unreadable: no one serves it from memory
            raise
        finally:
            self._revalidating.pop(slug, None)
        t = translator(supported(lang) or mission.default_language)
        key = ("mission", mission.id, where, t.language, lang)

        async def load(db: AsyncSession, current: Mission) -> list[CalendarEvent]:
            return await self._public_events(db, current, where.conditions(current.timezone), t, lang)

        prepared = self._prepare(mission, key, load, f"{slug}.ics", t, private=False)
        if where == SessionFilter() and lang is None:
            self._trusted[slug] = _Trusted(
                self._versioned(key, mission.version), prepared.etag, prepared.last_modified, prepared.filename,
                read_at, commits,
            )
        return prepared

    async def session_feed(self, slug: str, session_id: int, lang: str | None = None) -> PreparedFeed:
        async with self._database.read() as db:
            mission = await _public_mission(db, slug)
            visible = await db.scalar(
                select(ProgrammeSession.id).where(
                    ProgrammeSession.id == session_id,
                    ProgrammeSession.mission_id == mission.id,
                    ProgrammeSession.status.in_(PUBLIC_STATUSES),
                )
            )
        if visible is None:
            raise NotFound(f"No session {session_id} in this mission.", code="session_not_found")

        t = translator(supported(lang) or mission.default_language)

        async def load(db: AsyncSession, current: Mission) -> list[CalendarEvent]:
            return await self._public_events(db, current, [ProgrammeSession.id == session_id], t, lang)

        key = ("session", mission.id, session_id, t.language, lang)
        return self._prepare(mission, key, load, f"{slug}-session-{session_id}.ics", t, private=False)

    async def personal_feed(self, feed_token: str, lang: str | None = None) -> PreparedFeed:
        """The attendee's sessions: confirmed, tentative while waitlisted, cancelled ones kept;
        in the language they registered in unless `lang` asks for another."""
        cutoff = self._clock() - PERSONAL_HISTORY
        async with self._database.read() as db:
            attendee = await attendee_by_feed_token(db, feed_token)
            if attendee is None:
                raise NotFound("No feed here.", code="feed_not_found")
            mission = await db.get_one(Mission, attendee.mission_id)
            entries = await _personal_entries(db, attendee, cutoff)
            meetings = [
                m for m in await published_meetings_of(db, attendee)
                if m.meeting.published_ends_at is not None and m.meeting.published_ends_at >= cutoff
            ]
        t = translator(supported(lang) or attendee.language)
        fingerprint = tuple((r.id, r.status, position, r.updated_at) for r, _, position in entries) + tuple(
            (m.meeting.id, m.meeting.sequence, m.meeting.published_at, m.other.profile.updated_at) for m in meetings
        )
        key = ("personal", attendee.id, mission.version, fingerprint, t.language, RENDER_REVISION, self._base)
        changed = [r.updated_at for r, _, _ in entries] + [m.meeting.updated_at for m in meetings] + [mission.updated_at]

        async def render() -> RenderedFeed:
            cached = self._bodies.get(key)
            if cached is not None:
                return cached
            events = [
                personal_event(
                    r, s, position, urls=self._urls, host=self._host, slug=mission.slug, translator=t,
                    link_language=t.language,
                )
                for r, s, position in entries
            ] + [meeting_event(meeting_facts(m, t.language), host=self._host, translator=t) for m in meetings]
            title = localized(mission.title, mission.translations, "title", t.language).text
            meta = CalendarMeta(
                name=t.gettext("My programme: %(mission)s", mission=title),
                description=None,
                timezone=mission.timezone,
                refresh_minutes=30,
            )
            feed = RenderedFeed(render_calendar(meta, events, cache=self._events), _etag(key), max(changed))
            self._bodies.put(key, feed)
            return feed

        return PreparedFeed(_etag(key), max(changed), f"{mission.slug}-my-programme.ics", True, render)

    # --- shared machinery ------------------------------------------------------------------------

    def _prepare(
        self,
        mission: Mission,
        key: tuple[object, ...],
        load: Callable[[AsyncSession, Mission], Awaitable[list[CalendarEvent]]],
        filename: str,
        t: Translator,
        *,
        private: bool,
    ) -> PreparedFeed:
        def versioned(version: int) -> tuple[object, ...]:
            return self._versioned(key, version)

        async def render() -> RenderedFeed:
            cached = self._bodies.get(versioned(mission.version))
            if cached is not None:
                return cached
            async with self._database.read() as db:
                current = await db.get_one(Mission, mission.id)  # the version and the rows, one snapshot
                events = await load(db, current)
            texts = localize({"title": current.title, "summary": current.summary}, current.translations, t.language)
            meta = CalendarMeta(name=texts["title"], description=plain_text(texts["summary"]) or None, timezone=current.timezone)
            full_key = versioned(current.version)
            feed = RenderedFeed(render_calendar(meta, events, cache=self._events), _etag(full_key), current.updated_at)
            self._bodies.put(full_key, feed)
            return feed

        return PreparedFeed(_etag(versioned(mission.version)), mission.updated_at, filename, private, render)

    async def _public_events(
        self,
        db: AsyncSession,
        mission: Mission,
        conditions: list[ColumnElement[bool]],
        t: Translator,
        link_language: str | None,
    ) -> list[CalendarEvent]:
        """The mission's public sessions as events, in two queries whatever their number (the
        sessions with their venue, then all their speakers), as plain rows, not ORM objects:
        this is most of the cost of rebuilding a feed after one change. An unchanged row
        gives the very event object it gave last time, whose rendering is cached."""
        where = (ProgrammeSession.mission_id == mission.id, ProgrammeSession.status.in_(PUBLIC_STATUSES), *conditions)
        rows = (await db.execute(
            select(*_SESSION_COLUMNS).outerjoin(Venue, Venue.id == ProgrammeSession.venue_id).where(*where)
        )).all()
        speakers: dict[int, list[tuple[str, str]]] = {}
        if rows:
            people = await db.execute(
                select(SessionSpeaker.session_id, Person.name, Person.affiliation)
                .join(Person, Person.id == SessionSpeaker.person_id)
                .join(ProgrammeSession, ProgrammeSession.id == SessionSpeaker.session_id)
                .where(*where)
                .order_by(SessionSpeaker.session_id, SessionSpeaker.position)
            )
            for session_id, name, affiliation in people:
                speakers.setdefault(session_id, []).append((name, affiliation))
        events = []
        for row in rows:
            # Translations are JSON (dicts): frozen, so that the row can key the cache.
            values = (*row[:-2], FrozenTranslations.of(row[-2]), FrozenTranslations.of(row[-1]))
            key = (values, tuple(speakers.get(row[0], ())), mission.slug, t.language, link_language)
            event = self._row_events.get(key)
            if event is None:
                session = SessionRecord.of_row(*values, speakers=key[1])
                event = calendar_event(
                    session, urls=self._urls, host=self._host, slug=mission.slug, translator=t,
                    link_language=link_language,
                )
                self._row_events[key] = event
                if len(self._row_events) > ROW_EVENTS:
                    del self._row_events[next(iter(self._row_events))]  # the oldest
            events.append(event)
        return events

    def _versioned(self, key: tuple[object, ...], version: int) -> tuple[object, ...]:
        return (*key, version, RENDER_REVISION, self._base)


def _etag(key: tuple[object, ...]) -> str:
    return '"' + hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:32] + '"'


# What `SessionRecord.of_row` takes, in its order: a session with its venue, from one plain query.
_SESSION_COLUMNS = (
    ProgrammeSession.id, ProgrammeSession.uid, ProgrammeSession.sequence, ProgrammeSession.updated_at,
    ProgrammeSession.starts_local, ProgrammeSession.ends_local, ProgrammeSession.timezone,
    ProgrammeSession.title, ProgrammeSession.description, ProgrammeSession.online_url, ProgrammeSession.kind,
    ProgrammeSession.status, ProgrammeSession.cancel_reason, ProgrammeSession.venue_id, Venue.name,
    Venue.address, Venue.latitude, Venue.longitude, ProgrammeSession.translations, Venue.translations,
)


async def _public_mission(db: AsyncSession, slug: str) -> Mission:
    mission = await db.scalar(select(Mission).where(Mission.slug == slug))
    if mission is None or mission.status != MissionStatus.PUBLISHED:
        raise mission_not_found(slug)
    return mission


async def _personal_entries(
    db: AsyncSession, attendee: Attendee, cutoff: datetime
) -> list[tuple[Registration, ProgrammeSession, int | None]]:
    rows = await db.execute(
        select(Registration, ProgrammeSession)
        .join(ProgrammeSession, ProgrammeSession.id == Registration.session_id)
        .where(Registration.attendee_id == attendee.id, ProgrammeSession.ends_at_utc >= cutoff.astimezone(UTC))
        .where(ProgrammeSession.status != SessionStatus.DRAFT)
        .order_by(Registration.id)
    )
    latest: dict[int, tuple[Registration, ProgrammeSession]] = {}
    for registration, session in rows:
        latest[session.id] = (registration, session)  # a re-registration replaces the cancelled one
    positions = await waitlist_positions(db, (registration for registration, _ in latest.values()))
    entries = [(registration, session, positions.get(registration.id)) for registration, session in latest.values()]
    entries.sort(key=lambda e: (e[1].starts_at_utc, e[1].id))
    return entries


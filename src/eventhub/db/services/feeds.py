"""Calendar feeds: which sessions each feed shows, the stamps of their events, and the cache
of their rendered bytes. How a session reads in a calendar is `eventhub.calendar.events`;
when an event's SEQUENCE and DTSTAMP move is `eventhub.domain.stamps`.

Each event of a feed is rendered, its content digested (all but its stamps) and stamped
by the one rule against the stamp stored for it (`FeedStamp`, per event and language);
the feed itself is stamped by the digest of its bytes, which is also its ETag. Stamps
move only when a digest does, and are stored compare-and-set, so every process renders
the same bytes; a draft stays (cancelled) only where a stamp says a feed showed it.

Rendered bytes are cached per process under a key that contains the mission's version
(bumped by every programme change in the same transaction as the change), so every
server process checks one row and serves its own cached bytes: correct with several
processes, and nothing to invalidate by hand. A version that changed nothing a feed
shows renders the same bytes, hence the same ETag and Last-Modified.

A warm mission feed skips even that row for a moment: the version read last is trusted
for VERSION_TRUST_SECONDS, unless this process committed anything since (then it is read
again at once; its own stamps excepted). When the trust runs out, one request reads the
version again while the others go on with the feed as last read, for at most
REVALIDATION_GRACE_SECONDS more: without that, every request in flight at that moment
would query at once, each 0.25 s, stalling the process under load. So a change shows in
this process's feeds at once, and in another process's within the sum of the two bounds;
calendar clients poll every few minutes at best.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, event, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncSession

from eventhub.calendar import CalendarEvent, CalendarMeta, EventCache, content_digest, render_calendar
from eventhub.calendar.events import SessionRecord, calendar_event, personal_event, registration_revision
from eventhub.calendar.meetings import meeting_event
from eventhub.domain.languages import supported
from eventhub.domain.translations import FrozenTranslations, localize, localized
from eventhub.i18n import Translator, translator
from eventhub.db.database import Database, DatabaseBusy, DatabaseUnavailable
from eventhub.db.models import (
    Attendee, FeedStamp, Mission, Person, ProgrammeSession, Registration, SessionSpeaker, Venue,
)
from eventhub.db.services.access import Clock, mission_not_found
from eventhub.db.services.meetings import meeting_facts, published_meetings_of
from eventhub.db.services.registrations import attendee_by_feed_token
from eventhub.db.services.seats import waitlist_positions
from eventhub.db.services.sessions import SessionFilter
from eventhub.domain.errors import NotFound
from eventhub.domain.programme import MissionStatus, SessionStatus
from eventhub.domain.reminders import Reminder
from eventhub.domain.stamps import Stamp, restamp
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

_commits = 0  # commits seen in this process, by any engine: each one ends the trust above...
_stamp_commits = 0  # ...but the feeds' own stamps, which change no version


@event.listens_for(Engine, "commit")
def _count_commit(_connection: Connection) -> None:
    global _commits
    _commits += 1


def _changes() -> int:
    return _commits - _stamp_commits


@dataclass(frozen=True, slots=True)
class RenderedFeed:
    body: bytes
    etag: str
    """The digest of `body`: identical bytes, identical ETag, in every process."""
    last_modified: datetime
    """When these bytes first appeared (the feed's stamp)."""


@dataclass(frozen=True, slots=True)
class ServedFeed:
    """A feed as answered: its bytes with their validators, and how to name the file."""

    rendered: RenderedFeed
    filename: str
    private: bool

    @property
    def etag(self) -> str:
        return self.rendered.etag

    @property
    def last_modified(self) -> datetime:
        return self.rendered.last_modified


@dataclass(frozen=True, slots=True)
class _Trusted:
    feed: ServedFeed
    read_at: float
    commits: int


@dataclass(frozen=True, slots=True)
class _Entry:
    """An event of a feed before it is stamped: its stamp's key, and what it starts from."""

    key: str
    event: CalendarEvent
    base_sequence: int
    base_time: datetime
    draft: bool = False
    """The session is a draft: shown (as cancelled) only where a feed showed it before."""


class _Lost(Exception):
    """Another process stamped the same entry first: read the stamps again."""


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

    def warm_mission_feed(self, slug: str) -> ServedFeed | None:
        """The unfiltered mission feed without any query, while its last validation is
        trusted (see VERSION_TRUST_SECONDS); None means: ask `mission_feed`."""
        trusted = self._trusted.get(slug)
        if trusted is None or trusted.commits != _changes():
            return None
        now = time.monotonic()
        if now - trusted.read_at > VERSION_TRUST_SECONDS:
            started = self._revalidating.get(slug)
            if started is None or now - started > REVALIDATION_GRACE_SECONDS:
                self._revalidating[slug] = now
                return None  # this request reads the version again
        return trusted.feed

    async def mission_feed(self, slug: str, where: SessionFilter, lang: str | None = None) -> ServedFeed:
        """`lang`: the feed's language (its texts and the sessions' translations); none:
        the mission's default, whose feed is the one kept warm. A filtered feed's
        Last-Modified is the whole feed's (a session leaving a filter changed the whole)."""
        commits, read_at = _changes(), time.monotonic()
        try:
            async with self._database.read() as db:
                mission = await _public_mission(db, slug)
            rendered = await self._public_feed(mission, SessionFilter(), lang)
        except BaseException:
            self._trusted.pop(slug, None)  # gone or unreadable: no one serves it from memory
            raise
        finally:
            self._revalidating.pop(slug, None)
        if where != SessionFilter():
            whole = rendered
            rendered = await self._public_feed(mission, where, lang)
            rendered = dataclasses.replace(rendered, last_modified=whole.last_modified)
        feed = ServedFeed(rendered, f"{slug}.ics", private=False)
        if where == SessionFilter() and lang is None and self._bodies.get(self._mission_key(mission, where, lang)):
            self._trusted[slug] = _Trusted(feed, read_at, commits)
        return feed

    async def session_feed(self, slug: str, session_id: int, lang: str | None = None) -> ServedFeed:
        async with self._database.read() as db:
            mission = await _public_mission(db, slug)
            status = await db.scalar(
                select(ProgrammeSession.status).where(
                    ProgrammeSession.id == session_id, ProgrammeSession.mission_id == mission.id
                )
            )
            shown_before = status == SessionStatus.DRAFT and await db.scalar(
                select(FeedStamp.id).where(FeedStamp.key.startswith(f"s{session_id}/", autoescape=True)).limit(1)
            ) is not None
        if status not in PUBLIC_STATUSES and not shown_before:
            raise NotFound(f"No session {session_id} in this mission.", code="session_not_found")

        t = translator(supported(lang) or mission.default_language)
        key = ("session", mission.id, session_id, t.language, lang, mission.version, RENDER_REVISION, self._base)
        rendered = self._bodies.get(key)
        if rendered is None:
            async with self._database.read() as db:
                current = await db.get_one(Mission, mission.id)  # the version and the rows, one snapshot
                entries = await self._public_entries(db, current, [ProgrammeSession.id == session_id], t, lang)
            rendered = await self._stamp_and_render(
                current, entries, f"F/s{session_id}/{t.language}/{lang or '-'}", _public_meta(current, t),
                current.updated_at, cache_key=key[:-3] + (current.version, RENDER_REVISION, self._base),
            )
        return ServedFeed(rendered, f"{slug}-session-{session_id}.ics", private=False)

    async def personal_feed(self, feed_token: str, lang: str | None = None) -> ServedFeed:
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
        reminder = Reminder(attendee.reminder)
        fingerprint = tuple((r.id, r.status, position, r.updated_at) for r, _, position in entries) + tuple(
            (m.meeting.id, m.meeting.sequence, m.meeting.published_at, m.other.profile.updated_at) for m in meetings
        )
        # attendee.updated_at: their preferences (reminder, language) may come back to what they
        # were, but the feed's stamps have moved on since.
        key = ("personal", attendee.id, attendee.updated_at, mission.version, fingerprint, reminder, t.language,
               RENDER_REVISION, self._base)
        filename = f"{mission.slug}-my-programme.ics"
        rendered = self._bodies.get(key)
        if rendered is not None:
            return ServedFeed(rendered, filename, private=True)
        events = [
            _Entry(
                f"a{attendee.id}/s{s.id}/{t.language}",
                personal_event(
                    r, s, position, urls=self._urls, host=self._host, slug=mission.slug, translator=t,
                    link_language=t.language, reminder=reminder.before,
                ),
                s.sequence + registration_revision(r),
                max(s.updated_at, r.updated_at),
                draft=s.status == SessionStatus.DRAFT,
            )
            for r, s, position in entries
        ]
        for m in meetings:
            event = meeting_event(meeting_facts(m, t.language), host=self._host, translator=t)
            events.append(_Entry(f"a{attendee.id}/m{m.meeting.id}/{t.language}", event, event.sequence, event.last_modified))
        title = localized(mission.title, mission.translations, "title", t.language).text
        meta = CalendarMeta(
            name=t.gettext("My programme: %(mission)s", mission=title),
            description=None,
            timezone=mission.timezone,
            refresh_minutes=30,
        )
        rendered = await self._stamp_and_render(
            mission, events, f"F/a{attendee.id}/{t.language}", meta, attendee.updated_at, cache_key=key
        )
        return ServedFeed(rendered, filename, private=True)

    # --- shared machinery ------------------------------------------------------------------------

    def _mission_key(self, mission: Mission, where: SessionFilter, lang: str | None) -> tuple[object, ...]:
        language = supported(lang) or mission.default_language
        return ("mission", mission.id, where, language, lang, mission.version, RENDER_REVISION, self._base)

    async def _public_feed(self, mission: Mission, where: SessionFilter, lang: str | None) -> RenderedFeed:
        cached = self._bodies.get(self._mission_key(mission, where, lang))
        if cached is not None:
            return cached
        t = translator(supported(lang) or mission.default_language)
        async with self._database.read() as db:
            current = await db.get_one(Mission, mission.id)  # the version and the rows, one snapshot
            entries = await self._public_entries(db, current, where.conditions(current.timezone), t, lang)
        where_key = "/".join(str(part or "-") for part in (where.kind, where.venue_id, where.language, where.day))
        return await self._stamp_and_render(
            current, entries, f"F/m{current.id}/{t.language}/{lang or '-'}/{where_key}", _public_meta(current, t),
            current.updated_at, cache_key=self._mission_key(current, where, lang),
            keep_stamp=where == SessionFilter(),
        )

    async def _stamp_and_render(
        self,
        mission: Mission,
        entries: list[_Entry],
        feed_key: str,
        meta: CalendarMeta,
        first_seen: datetime,
        *,
        cache_key: tuple[object, ...],
        keep_stamp: bool = True,
    ) -> RenderedFeed:
        """The feed with every event stamped by the one rule (eventhub.domain.stamps): SEQUENCE
        and DTSTAMP/LAST-MODIFIED move when what the event shows does; the feed's Last-Modified
        when its bytes do. New stamps are stored compare-and-set, so that every process
        agrees on them; a process that loses a race reads them again. `keep_stamp` false
        (filtered feeds, any number of them): the feed's own stamp is not stored."""
        digests = {e.key: content_digest(e.event, self._events) for e in entries}
        keys = [*digests, feed_key]
        for _ in range(_STAMP_ATTEMPTS):
            now = self._clock()
            async with self._database.read() as db:
                stored = await _stored_stamps(db, keys)
            shown = [e for e in entries if not e.draft or e.key in stored]  # drafts stay only where shown
            stamps = {
                e.key: restamp(stored.get(e.key), digests[e.key], base_sequence=e.base_sequence,
                               base_time=e.base_time, now=now)
                for e in shown
            }
            events = [
                dataclasses.replace(e.event, sequence=stamps[e.key].sequence, last_modified=stamps[e.key].stamped_at)
                for e in shown
            ]
            body = render_calendar(meta, events, cache=self._events)
            digest = hashlib.sha256(body).hexdigest()
            latest = max((s.stamped_at for s in stamps.values()), default=first_seen)
            feed = restamp(stored.get(feed_key), digest, base_sequence=0, base_time=latest, now=now)
            if keep_stamp:
                stamps[feed_key] = feed
            rendered = RenderedFeed(body, f'"{digest[:32]}"', feed.stamped_at)
            changed = {key: stamp for key, stamp in stamps.items() if stored.get(key) != stamp}
            try:
                if changed:
                    await self._store(mission.id, stored, changed)
            except _Lost:
                continue
            except (DatabaseBusy, DatabaseUnavailable):
                return rendered  # served as it would read, not kept: stored when writes work again
            self._bodies.put(cache_key, rendered)
            return rendered
        raise DatabaseBusy("The feed is changing; try again in a moment.")

    async def _store(self, mission_id: int, stored: dict[str, Stamp], changed: dict[str, Stamp]) -> None:
        """All of `changed` or nothing: new rows in one statement (a cold feed costs as many
        statements with 20 sessions as with 1,000), changed ones one by one (a write changes few)."""
        global _stamp_commits
        new = [
            {"key": key, "mission_id": mission_id, "digest": s.digest, "sequence": s.sequence, "stamped_at": s.stamped_at}
            for key, s in changed.items() if key not in stored
        ]
        async with self._database.write() as db:
            for start in range(0, len(new), 1000):  # 5,000 parameters: within every driver's limit
                batch = new[start:start + 1000]
                result = await db.execute(_INSERT_STAMP[db.get_bind().dialect.name].values(batch))
                if cast(CursorResult[Any], result).rowcount != len(batch):
                    raise _Lost
            for key, stamp in changed.items():
                old = stored.get(key)
                if old is None:
                    continue
                result = await db.execute(
                    update(FeedStamp)
                    .where(FeedStamp.key == key, FeedStamp.digest == old.digest, FeedStamp.sequence == old.sequence)
                    .values(digest=stamp.digest, sequence=stamp.sequence, stamped_at=stamp.stamped_at)
                )
                if cast(CursorResult[Any], result).rowcount != 1:
                    raise _Lost
        _stamp_commits += 1

    async def _public_entries(
        self,
        db: AsyncSession,
        mission: Mission,
        conditions: list[ColumnElement[bool]],
        t: Translator,
        link_language: str | None,
    ) -> list[_Entry]:
        """The mission's public sessions (and drafts, which stay where a feed showed them) as
        events, in two queries whatever their number (the sessions with their venue, then
        all their speakers), as plain rows, not ORM objects: this is most of the cost of
        rebuilding a feed after one change. An unchanged row gives the very event object it
        gave last time, whose rendering is cached."""
        where = (ProgrammeSession.mission_id == mission.id, *conditions)
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
        entries = []
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
            session_id, sequence, updated_at, status = row[0], row[2], row[3], row[11]
            entries.append(_Entry(
                f"s{session_id}/{t.language}/{link_language or '-'}", event, sequence, updated_at,
                draft=status == SessionStatus.DRAFT,
            ))
        return entries


_STAMP_ATTEMPTS = 5
_INSERT_STAMP = {
    name: dialect.insert(FeedStamp).on_conflict_do_nothing(index_elements=["key"])
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


async def _stored_stamps(db: AsyncSession, keys: list[str]) -> dict[str, Stamp]:
    found: dict[str, Stamp] = {}
    for start in range(0, len(keys), 500):  # well under every driver's limit of parameters
        rows = await db.execute(
            select(FeedStamp.key, FeedStamp.digest, FeedStamp.sequence, FeedStamp.stamped_at)
            .where(FeedStamp.key.in_(keys[start:start + 500]))
        )
        for key, digest, sequence, stamped_at in rows:
            found[key] = Stamp(digest, sequence, stamped_at)
    return found


def _public_meta(mission: Mission, t: Translator) -> CalendarMeta:
    texts = localize({"title": mission.title, "summary": mission.summary}, mission.translations, t.language)
    return CalendarMeta(name=texts["title"], description=plain_text(texts["summary"]) or None, timezone=mission.timezone)


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
        .order_by(Registration.id)
    )
    latest: dict[int, tuple[Registration, ProgrammeSession]] = {}
    for registration, session in rows:
        latest[session.id] = (registration, session)  # a re-registration replaces the cancelled one
    positions = await waitlist_positions(db, (registration for registration, _ in latest.values()))
    entries = [(registration, session, positions.get(registration.id)) for registration, session in latest.values()]
    entries.sort(key=lambda e: (e[1].starts_at_utc, e[1].id))
    return entries


"""Importing a programme sheet: every row through the same session edit as the API, in
one transaction, all or nothing. Venues and people are matched by name (ignoring case)
and created when new; a row whose title and day match an existing session changes it.

A dry run does all of it, reports, and rolls back: the preview is the import itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from eventhub.db.database import Database
from eventhub.db.models import Mission, Person, ProgrammeSession, Venue
from eventhub.db.services.access import Clock, Organiser, managed_mission, touch
from eventhub.db.services.sessions import UidFactory, conflicts_of, create_in, rolled_back, update_in
from eventhub.domain.errors import InvalidInput
from eventhub.domain.importing import FIELD_COLUMNS, MAX_ROWS, ImportRow, RowError, check_header, parse_row, row_error
from eventhub.domain.programme import SpeakerRole
from eventhub.spreadsheet import read_sheet


@dataclass(frozen=True, slots=True)
class ImportedRow:
    row: int
    action: str  # create | update
    session_id: int
    title: str
    starts_local: str
    ends_local: str
    venue: str | None


@dataclass
class ImportReport:
    rows: list[ImportedRow] = field(default_factory=list)
    venues_created: list[str] = field(default_factory=list)
    people_created: list[str] = field(default_factory=list)
    applied: bool = False


class ImportRefused(InvalidInput):
    """Rows that break the rules: nothing was stored."""


class Imports:
    def __init__(self, database: Database, clock: Clock, new_uid: UidFactory) -> None:
        self._database = database
        self._clock = clock
        self._new_uid = new_uid

    async def run(
        self,
        slug: str,
        filename: str,
        content: bytes,
        organiser: Organiser | None,
        *,
        dry_run: bool = False,
        allow_conflicts: bool = False,
    ) -> ImportReport:
        sheet = read_sheet(filename, content, max_rows=MAX_ROWS)
        errors = check_header(sheet.header)
        parsed: list[ImportRow] = []
        if not errors:
            for number, cells in sheet.rows:
                row, row_errors = parse_row(number, cells)
                errors += row_errors
                if row is not None:
                    parsed.append(row)
        if not errors and not parsed:
            errors.append(row_error(2, "title", "no_rows", "The sheet has a header but no sessions."))

        async def work(db: AsyncSession) -> ImportReport:
            mission = await managed_mission(db, slug, organiser, lock=True)
            if errors:
                raise _refused(errors)  # after the permission check: a stranger learns nothing
            report = await self._apply(db, mission, parsed, allow_conflicts)
            touch(mission, self._clock())
            return report

        if dry_run:
            return await rolled_back(self._database, work)
        async with self._database.write() as db:
            report = await work(db)
        report.applied = True
        return report

    async def _apply(
        self, db: AsyncSession, mission: Mission, rows: list[ImportRow], allow_conflicts: bool
    ) -> ImportReport:
        report = ImportReport()
        now = self._clock()
        venues = {v.name.casefold(): v for v in await db.scalars(select(Venue).where(Venue.mission_id == mission.id))}
        people = {p.name.casefold(): p for p in await db.scalars(select(Person).where(Person.mission_id == mission.id))}
        existing = {
            (s.title.casefold(), s.starts_local.date()): s.id
            for s in await db.scalars(select(ProgrammeSession).where(ProgrammeSession.mission_id == mission.id))
        }
        for row in rows:
            if row.venue and row.venue.casefold() not in venues:
                venues[row.venue.casefold()] = venue = Venue(mission_id=mission.id, name=row.venue, address="")
                db.add(venue)
                report.venues_created.append(row.venue)
            for name in row.speakers:
                if name.casefold() not in people:
                    people[name.casefold()] = person = Person(mission_id=mission.id, name=name, affiliation="", role_title="")
                    db.add(person)
                    report.people_created.append(name)
        await db.flush()

        errors: list[RowError] = []
        placed: list[tuple[ImportRow, ProgrammeSession]] = []
        for row in rows:
            fields = _fields(row, venues, people)
            session_id = existing.get((row.title.casefold(), row.day))
            try:
                async with db.begin_nested():
                    if session_id is None:
                        session = await create_in(db, mission, fields, now, self._new_uid)
                    else:
                        session = (await update_in(db, mission, session_id, fields, now))[0]
            except InvalidInput as error:
                column = _column(str(error.extra.get("field", "")))
                errors.append(RowError(row.row, column, error.code, error.detail))
                continue
            placed.append((row, session))
            existing[(row.title.casefold(), row.day)] = session.id
            report.rows.append(ImportedRow(
                row.row, "create" if session_id is None else "update", session.id, row.title,
                row.starts_local.isoformat(timespec="minutes"), row.ends_local.isoformat(timespec="minutes"), row.venue,
            ))
        if not allow_conflicts and not errors:
            errors = await _conflicts(db, mission, placed)
        if errors:
            raise _refused(errors)
        return report


async def _conflicts(
    db: AsyncSession, mission: Mission, placed: list[tuple[ImportRow, ProgrammeSession]]
) -> list[RowError]:
    """Each conflict on the row of every imported session in it."""
    rows_of = {session.id: row for row, session in placed}
    errors = []
    for entry in await conflicts_of(db, mission, [session for _, session in placed]):
        own = rows_of[entry.get("of_session_id") or placed[0][1].id]
        other = rows_of.get(entry["session_id"])
        errors.append(row_error(own.row, "start", "scheduling_conflict",
                                f"Conflicts with {entry['title']!r} ({entry['reason']}).",
                                title=entry["title"], reason=entry["reason"]))
        if other is not None:
            errors.append(row_error(other.row, "start", "scheduling_conflict",
                                    f"Conflicts with {own.title!r} ({entry['reason']}).",
                                    title=own.title, reason=entry["reason"]))
    return sorted(set(errors), key=lambda e: (e.row, e.detail))


def _fields(row: ImportRow, venues: dict[str, Venue], people: dict[str, Person]) -> dict[str, Any]:
    return {
        "title": row.title,
        "kind": row.kind,
        "description": row.description,
        "starts_at": row.starts_local.isoformat(timespec="minutes"),
        "ends_at": row.ends_local.isoformat(timespec="minutes"),
        "venue_id": venues[row.venue.casefold()].id if row.venue else None,
        "speakers": [(people[name.casefold()].id, SpeakerRole.SPEAKER) for name in row.speakers],
        "capacity": row.capacity,
        "registration": row.registration,
        "language": row.language,
        "status": row.status,
        # Replaces the session's translations on a re-import, as its other texts are replaced.
        "translations": row.translations,
    }


def _column(field: str) -> str:
    """The sheet's column of an API field's error: translations.ru.title is title_ru."""
    if field.startswith("translations."):
        _, language, *rest = field.split(".")
        return f"{rest[0] if rest else 'title'}_{language}"
    return FIELD_COLUMNS.get(field, "start")


def _refused(errors: list[RowError]) -> ImportRefused:
    rows = sorted({e.row for e in errors})
    listed = ", ".join(str(r) for r in rows[:10]) + ("…" if len(rows) > 10 else "")
    return ImportRefused(
        f"Nothing was imported: {len(errors)} problem(s) in row(s) {listed}.",
        code="import_invalid",
        rows=[e.as_dict() for e in errors],
    )

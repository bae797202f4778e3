"""POST /api/missions/{slug}/import: a CSV or XLSX programme, previewed or imported whole."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import msgspec
from litestar import post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, QueryParameter

from eventhub.api.deps import ORGANISER_ONLY, problems
from eventhub.db.services.access import Organiser
from eventhub.db.services.imports import ImportReport
from eventhub.services import Services
from eventhub.spreadsheet import MAX_BYTES


@dataclass
class ImportUpload:
    file: UploadFile


class ImportedRowOut(msgspec.Struct, kw_only=True):
    row: int
    action: str
    session_id: int | None
    title: str
    starts_at: str
    ends_at: str
    venue: str | None


class ImportOut(msgspec.Struct, kw_only=True):
    applied: bool
    sessions_created: int
    sessions_updated: int
    venues_created: list[str]
    people_created: list[str]
    rows: list[ImportedRowOut]


@post(
    "/api/missions/{slug:str}/import", guards=ORGANISER_ONLY, operation_id="importProgramme", tags=["sessions"],
    status_code=200, request_max_body_size=MAX_BYTES + 64 * 1024, responses=problems(401, 403, 404, 413, 422),
)
async def import_programme(
    slug: FromPath[str],
    data: Annotated[ImportUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    services: NamedDependency[Services],
    organiser: NamedDependency[Organiser | None],
    dry_run: Annotated[bool, QueryParameter(description="Preview: say what would be created and changed, store nothing")] = False,
    allow_conflicts: Annotated[bool, QueryParameter(description="Import even if sessions would conflict")] = False,
) -> ImportOut:
    """One row a session (columns title, kind, date, start, end, venue, speakers, capacity,
    registration, language, status, description). All or nothing: a 422 lists every row's
    errors as `rows: [{row, column, code, detail}]` and stores nothing."""
    content = await data.file.read()
    report = await services.imports.run(
        slug, data.file.filename or "", content, organiser, dry_run=dry_run, allow_conflicts=allow_conflicts
    )
    return present_import(report)


def present_import(report: ImportReport) -> ImportOut:
    return ImportOut(
        applied=report.applied,
        sessions_created=sum(r.action == "create" for r in report.rows),
        sessions_updated=sum(r.action == "update" for r in report.rows),
        venues_created=report.venues_created,
        people_created=report.people_created,
        rows=[
            ImportedRowOut(
                row=r.row, action=r.action, session_id=r.session_id if report.applied else None, title=r.title,
                starts_at=r.starts_local, ends_at=r.ends_local, venue=r.venue,
            )
            for r in report.rows
        ],
    )

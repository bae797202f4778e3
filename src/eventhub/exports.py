"""The registrations export as a table, written as CSV or XLSX (the API's bearer routes
and the back office's download buttons serve the same bytes).

One row per attendee and session. Times are in the mission's zone, to the minute, as an
organiser reads them on site. A spreadsheet runs a cell that starts like a formula, and
attendees choose their own names: in CSV such a cell gets a leading apostrophe (OWASP's
advice; spreadsheets show it as text), in XLSX it is written as a string cell with the
quote prefix, never as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime

from litestar import Response
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from eventhub.db.services.attendees import Listed, MissionRegistrations
from eventhub.domain.time import zone

CSV_MEDIA_TYPE = "text/csv"  # the response adds the one charset parameter
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COLUMNS = (
    "registration_id", "session_id", "session_title", "session_starts_at", "session_status",
    "attendee_id", "name", "email", "organisation", "status", "waitlist_position",
    "registered_at", "confirmed_at", "cancelled_at", "checked_in_at",
)
_TIME_COLUMNS = {"session_starts_at", "registered_at", "confirmed_at", "cancelled_at", "checked_in_at"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | datetime | None


def table(export: MissionRegistrations) -> list[list[Cell]]:
    """The rows (without the header); times as naive wall times in the mission's zone, to the minute."""
    tz = zone(export.mission.timezone)

    def local(instant: datetime | None) -> datetime | None:
        if instant is None:
            return None
        return instant.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)

    def row(item: Listed) -> list[Cell]:
        r, s, a = item.registration, item.session, item.attendee
        return [
            r.id, s.id, s.title, local(s.starts_at_utc), s.status.value,
            a.id, a.name, a.email, a.organisation, r.status.value, item.waitlist_position,
            local(r.created_at), local(r.confirmed_at), local(r.cancelled_at), local(item.checked_in_at),
        ]

    return [row(item) for item in export.items]


def filename(slug: str, extension: str) -> str:
    return f"{slug}-registrations.{extension}"


def is_formula_like(value: str) -> bool:
    return value.startswith(_FORMULA_START)


def to_csv(rows: Sequence[Sequence[Cell]]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheets keep Raciņa intact."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    text = str(value)
    return "'" + text if isinstance(value, str) and is_formula_like(text) else text


def to_xlsx(rows: Sequence[Sequence[Cell]], sheet_title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheet_title[:31]  # Excel's limit
    sheet.append(list(COLUMNS))
    for row_number, row in enumerate(rows, start=2):
        for column_number, (name, value) in enumerate(zip(COLUMNS, row, strict=True), start=1):
            cell = sheet.cell(row_number, column_number)
            cell.value = value
            if name in _TIME_COLUMNS:
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, str) and is_formula_like(value):
                cell.data_type = "s"  # openpyxl took it for a formula
                cell.quotePrefix = True
    for column_number, name in enumerate(COLUMNS, start=1):
        width = 18 if name in _TIME_COLUMNS else max(len(name) + 2, 12)
        sheet.column_dimensions[get_column_letter(column_number)].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_response(slug: str, export: MissionRegistrations) -> Response[bytes]:
    return _download(to_csv(table(export)), CSV_MEDIA_TYPE, filename(slug, "csv"))


def xlsx_response(slug: str, export: MissionRegistrations) -> Response[bytes]:
    return _download(to_xlsx(table(export), "Registrations"), XLSX_MEDIA_TYPE, filename(slug, "xlsx"))


def _download(content: bytes, media_type: str, name: str) -> Response[bytes]:
    return Response(content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})

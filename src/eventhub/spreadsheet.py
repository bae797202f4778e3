"""Reading an uploaded CSV or XLSX sheet into rows of text cells under its header.

XLSX cells arrive typed (a date, a time, a number); they are written back as the text
an organiser would have typed, so the programme's rules see one kind of input.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

from openpyxl import load_workbook

from eventhub.domain.errors import InvalidInput

MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Sheet:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number as the sheet shows it, cells by column)


def read_sheet(filename: str, content: bytes, *, max_rows: int) -> Sheet:
    if not content:
        raise _unreadable("The file is empty.")
    if len(content) > MAX_BYTES:
        raise _unreadable(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MiB.")
    if content[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        table = _xlsx(content)
    else:
        table = _csv(content)
    if not table:
        raise _unreadable("The sheet has no header row.")
    header = [cell.strip().lower() for cell in table[0]]
    rows = [
        (number, {name: cell for name, cell in zip(header, cells)})
        for number, cells in enumerate(table[1:], start=2)
        if any(cell.strip() for cell in cells)
    ]
    if len(rows) > max_rows:
        raise _unreadable(f"At most {max_rows} sessions in one file.")
    return Sheet(header, rows)


def _csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _unreadable("A CSV file must be UTF-8 (save it as 'CSV UTF-8').") from None
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""), dialect)]


def _xlsx(content: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise _unreadable("This is not an XLSX workbook that can be read.") from error
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):  # Excel keeps a date as midnight, and a time as a day in 1899
        if value.date() == date(1899, 12, 30):
            return value.strftime("%H:%M")
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _unreadable(detail: str) -> InvalidInput:
    return InvalidInput(detail, code="unreadable_file", field="file", rows=[])

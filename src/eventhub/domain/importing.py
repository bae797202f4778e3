"""The programme spreadsheet (CSV or XLSX, one row a session): its columns, and what each
cell must hold. Plain text in, plain rows and errors out; every row's every error is
found, so an organiser fixes the file once.

Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any, TypeVar

from eventhub.domain.languages import LANGUAGES
from eventhub.domain.programme import RegistrationMode, SessionKind, SessionStatus

COLUMNS = (
    "title", "kind", "date", "start", "end", "venue", "speakers", "capacity", "registration", "language",
    "status", "description",
)
# Translations of a session's texts: `title_ru`, `description_lv`, ... (eventhub.domain.translations).
TRANSLATED = ("title", "description")
TRANSLATION_COLUMNS = tuple(f"{field}_{language}" for language in LANGUAGES for field in TRANSLATED)
REQUIRED = ("title", "kind", "date", "start", "end")
MAX_ROWS = 2_000
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LIMITS = {"title": 200, "venue": 200, "description": 20_000, "speakers": 2_000}
# An API field's error, said of the spreadsheet's column.
FIELD_COLUMNS = {"starts_at": "start", "ends_at": "end", "venue_id": "venue", "speakers": "speakers"}


Fail = Callable[..., None]  # column, code, English detail, **params of the detail


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem of one cell. `detail` is English (the API's text); `params` are the
    values in it, so that a page can say the same in the reader's language by `code`."""

    row: int
    column: str
    code: str
    detail: str
    params: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "detail": self.detail,
                "params": dict(self.params)}


def row_error(row: int, column: str, code: str, detail: str, **params: object) -> RowError:
    return RowError(row, column, code, detail, tuple((k, str(v)) for k, v in sorted(params.items())))


@dataclass(frozen=True, slots=True)
class ImportRow:
    row: int
    title: str
    kind: SessionKind
    day: date
    start: time
    end: time
    venue: str | None
    speakers: tuple[str, ...]
    capacity: int | None
    registration: RegistrationMode
    language: str | None
    status: SessionStatus
    description: str
    translations: dict[str, dict[str, str]] = field(default_factory=dict)  # language -> title/description

    @property
    def starts_local(self) -> datetime:
        return datetime.combine(self.day, self.start)

    @property
    def ends_local(self) -> datetime:
        return datetime.combine(self.day, self.end)


def check_header(header: Sequence[str]) -> list[RowError]:
    errors = [
        row_error(1, name or f"column {index + 1}", "unknown_column",
                  f"{name!r} is not a column of the programme sheet.", name=name)
        for index, name in enumerate(header)
        if name not in COLUMNS and name not in TRANSLATION_COLUMNS and name
    ]
    errors += [
        row_error(1, name, "missing_column", f"The sheet needs a {name!r} column.", name=name)
        for name in REQUIRED
        if name not in header
    ]
    seen: set[str] = set()
    for name in header:
        if name in seen and name:
            errors.append(RowError(1, name, "duplicate_column", f"{name!r} appears twice in the header."))
        seen.add(name)
    return errors


def parse_row(number: int, cells: Mapping[str, str]) -> tuple[ImportRow | None, list[RowError]]:
    """One row's session, or every error in it."""
    errors: list[RowError] = []

    def fail(column: str, code: str, detail: str, **params: object) -> None:
        errors.append(row_error(number, column, code, detail, **params))

    text = {name: (cells.get(name) or "").replace("\r\n", "\n").strip() for name in (*COLUMNS, *TRANSLATION_COLUMNS)}
    for name, value in text.items():
        base = name.rsplit("_", 1)[0] if name in TRANSLATION_COLUMNS else name
        if base != "description" and ("\n" in value or _CONTROL.search(value)):
            fail(name, "control_character", "Line breaks and control characters cannot go in this cell.", breaks="no")
        elif _CONTROL.search(value):
            fail(name, "control_character", "Control characters cannot go in this cell.", breaks="yes")
        if len(value) > _LIMITS.get(base, 200):
            fail(name, "too_long", f"At most {_LIMITS.get(base, 200)} characters.", limit=_LIMITS.get(base, 200))
    translations: dict[str, dict[str, str]] = {}
    for name in TRANSLATION_COLUMNS:
        if text[name]:
            base, language = name.rsplit("_", 1)
            translations.setdefault(language, {})[base] = text[name]
    if not text["title"]:
        fail("title", "required", "Every session needs a title.")
    kind = _choice(text["kind"], SessionKind, None, "kind", fail, required=True)
    day = _date(text["date"], fail)
    start = _time(text["start"], "start", fail)
    end = _time(text["end"], "end", fail)
    if start is not None and end is not None and end <= start:
        fail("end", "ends_before_start", "The end must be after the start (a session ends on the day it starts).")
    capacity = None
    if text["capacity"]:
        if re.fullmatch(r"\d{1,7}", text["capacity"].removesuffix(".0")):
            capacity = int(text["capacity"].removesuffix(".0"))
        else:
            fail("capacity", "invalid_capacity", "A whole number of seats, or empty for no limit.")
    registration = _choice(text["registration"], RegistrationMode, RegistrationMode.OPEN, "registration", fail)
    status = _choice(text["status"], SessionStatus, SessionStatus.PUBLISHED, "status", fail)
    if status == SessionStatus.CANCELLED:
        fail("status", "invalid_status", "Import sessions as draft or published; cancel them afterwards.")
    language = text["language"] or None
    if language is not None and not _LANGUAGE.match(language):
        fail("language", "invalid_language", "A language tag such as en, ru, lv or ky.")
    speakers = tuple(dict.fromkeys(name.strip() for name in text["speakers"].split(";") if name.strip()))
    if errors or kind is None or day is None or start is None or end is None:
        return None, errors
    return ImportRow(
        row=number, title=text["title"], kind=kind, day=day, start=start, end=end, venue=text["venue"] or None,
        speakers=speakers, capacity=capacity, registration=registration or RegistrationMode.OPEN,
        language=language, status=status or SessionStatus.PUBLISHED, description=text["description"],
        translations=translations,
    ), []


E = TypeVar("E", bound=StrEnum)


def _choice(value: str, enum: type[E], default: E | None, column: str, fail: Fail, *, required: bool = False) -> E | None:
    if not value:
        if required:
            fail(column, "required", f"One of: {', '.join(m.value for m in enum)}.",
                 choices=", ".join(m.value for m in enum))
        return default
    wanted = value.casefold().replace(" ", "_").replace("-", "_")
    for member in enum:
        if member.value == wanted:
            return member
    fail(column, f"invalid_{column}", f"{value!r} is not one of: {', '.join(m.value for m in enum)}.",
         value=value, choices=", ".join(m.value for m in enum))
    return None


def _date(value: str, fail: Fail) -> date | None:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        day = date.fromisoformat(value)
    except ValueError:
        if value:
            fail("date", "invalid_date", "A date as YYYY-MM-DD, e.g. 2026-12-07.")
        else:
            fail("date", "required", "Every session needs a date.")
        return None
    if not 2000 <= day.year <= 2100:
        fail("date", "date_out_of_range", "A date between the years 2000 and 2100.")
        return None
    return day


def _time(value: str, column: str, fail: Fail) -> time | None:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::00)?", value)
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return time(int(match[1]), int(match[2]))
    if value:
        fail(column, "invalid_time", "A time as HH:MM, e.g. 09:30.")
    else:
        fail(column, "required", f"Every session needs a {column} time.")
    return None

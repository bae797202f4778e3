"""Importing a programme sheet (`.../import`): upload a CSV or XLSX file, see what it
would create and change, or every row's errors by row and column, then import it all or
nothing. Both steps are the import service itself (the preview is its dry run); the
preview page carries the very file it checked, so what is imported is what was previewed."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from eventhub.db.services.access import Organiser
from eventhub.db.services.imports import ImportRefused, ImportReport
from eventhub.domain.errors import InvalidInput
from eventhub.domain.importing import COLUMNS, REQUIRED
from eventhub.domain.permissions import Action
from eventhub.domain.scheduling import ConflictReason
from eventhub.i18n import N_, _, ngettext
from eventhub.services import Services
from eventhub.spreadsheet import MAX_BYTES
from eventhub.web.organise import programme_views as views
from eventhub.web.organise.form_input import RULE_TEXTS
from eventhub.web.organise.guard import mission_for
from eventhub.web.organise.programme import back_office

# A row's problem by its code, in the reader's language; %(...)s are the error's params.
# Codes of the session rules (a time in a DST gap, an unknown venue...) read as on the
# session form (RULE_TEXTS); anything else falls back to the service's English detail.
ROW_TEXTS: dict[str, str] = {
    "unknown_column": N_("“%(name)s” is not a column of the programme sheet."),
    "missing_column": N_("The sheet needs a “%(name)s” column."),
    "no_rows": N_("The sheet has a header but no sessions."),
    "required": N_("This cell cannot be empty."),
    "too_long": N_("At most %(limit)s characters."),
    "invalid_status": N_("Import sessions as draft or published; cancel them afterwards."),
    "invalid_date": N_("A date as YYYY-MM-DD, e.g. 2026-12-07."),
    "date_out_of_range": N_("A date between the years 2000 and 2100."),
    "invalid_time": N_("A time as HH:MM, e.g. 09:30."),
    "invalid_capacity": N_("A whole number of seats, or empty for no limit."),
    "invalid_language": N_("A language tag such as en, ru, lv or ky."),
    "scheduling_conflict": N_("Conflicts with “%(title)s” (%(reason)s)."),
}
_CONTROL_TEXTS = {
    "no": N_("Line breaks and control characters cannot go in this cell."),
    "yes": N_("Control characters cannot go in this cell."),
}
# A word that is none of a column's choices (kind, registration, status).
_NOT_A_CHOICE = N_("“%(value)s” is not one of: %(choices)s.")


def row_text(row: dict[str, Any]) -> str:
    """What is wrong in one cell, said in the reader's language."""
    params = dict(row.get("params") or {})
    code = str(row.get("code", ""))
    if code == "control_character":
        return _(_CONTROL_TEXTS[params.get("breaks", "no")])
    if code.startswith("invalid_") and {"value", "choices"} <= params.keys():
        return _(_NOT_A_CHOICE, **params)
    if code == "scheduling_conflict" and params.get("reason") in set(ConflictReason):
        params["reason"] = _(views.REASON_LABELS[ConflictReason(params["reason"])])
    if code in ROW_TEXTS:
        return _(ROW_TEXTS[code], **params)
    if code in RULE_TEXTS:
        return _(RULE_TEXTS[code])
    return str(row.get("detail", ""))


def _refusal(rows: list[dict[str, Any]]) -> str:
    numbers = sorted({int(r["row"]) for r in rows})
    listed = ", ".join(str(n) for n in numbers[:10]) + ("…" if len(numbers) > 10 else "")
    return ngettext(
        "Nothing was imported: %(num)s problem in row(s) %(rows)s.",
        "Nothing was imported: %(num)s problems in row(s) %(rows)s.", len(rows), rows=listed,
    )


# The file once as uploaded and once in base64 on the preview's form, and the other fields.
MAX_FORM_BYTES = MAX_BYTES * 7 // 3 + 64 * 1024


def _page(
    signed_in: Organiser, mission: Any, *, status: int = 200, report: ImportReport | None = None,
    rows: list[dict[str, Any]] | None = None, error: str | None = None, file: tuple[str, str] | None = None,
    done: str | None = None, anyway: bool = False,
) -> Template:
    return back_office(
        "organise/import.html", signed_in, mission, "import", status=status, report=report, row_errors=rows,
        error=error, file=file, columns=COLUMNS, required=REQUIRED, done=done, anyway=anyway,
    )


class ImportPages(Controller):
    path = "/organise/missions/{slug:str}/import"
    include_in_schema = False

    @get("/", name="organise_import")
    async def show(
        self, slug: FromPath[str], signed_in: NamedDependency[Organiser], services: NamedDependency[Services],
        created: FromQuery[int | None] = None,
    ) -> Template:
        mission = await mission_for(services, slug, signed_in, Action.VIEW)
        done = None
        if created is not None:
            done = ngettext(
                "The programme was imported: %(num)s session created or changed.",
                "The programme was imported: %(num)s sessions created or changed.", created,
            )
        return _page(signed_in, mission, done=done)

    @post("/", name="organise_import_run", request_max_body_size=MAX_FORM_BYTES)
    async def run(
        self, request: Request[Any, Any, Any], slug: FromPath[str], signed_in: NamedDependency[Organiser],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        mission = await mission_for(services, slug, signed_in, Action.EDIT_PROGRAMME)
        form = await request.form()
        upload = form.get("file")
        if isinstance(upload, UploadFile) and upload.filename:
            filename, content = upload.filename, await upload.read()
        else:
            filename = str(form.get("filename") or "")
            try:
                content = base64.b64decode(str(form.get("content") or ""), validate=True)
            except (binascii.Error, ValueError):
                content = b""
        if not filename or not content:
            return _page(signed_in, mission, status=422, error=_("Choose a CSV or XLSX file."))
        final = form.get("intent") == "import"
        anyway = form.get("allow_conflicts") == "true"
        carried = (filename, base64.b64encode(content).decode("ascii"))
        try:
            report = await services.imports.run(
                slug, filename, content, signed_in, dry_run=not final, allow_conflicts=anyway
            )
        except ImportRefused as refused:
            rows = [{**r, "text": row_text(r)} for r in refused.extra.get("rows", [])]
            return _page(signed_in, mission, status=422, rows=rows, error=_refusal(rows), file=carried)
        except InvalidInput as error:  # the file itself cannot be read
            return _page(signed_in, mission, status=422, error=error.detail)
        if final:
            return Redirect(f"{views.Paths(slug).page('import')}?created={len(report.rows)}", status_code=303)
        return _page(signed_in, mission, report=report, file=carried, anyway=anyway)

"""Compiles the `.po` catalogs into the `.mo` files gettext reads.

The `.mo` files are build products, never committed: the package build (hatch_build.py,
so `pip install` of a clean clone), `make` and the test session call `compile_catalogs`.
This module imports only Babel, so the build hook can load it before eventhub is
installed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"


def compile_catalogs(locale_dir: Path = LOCALE_DIR, *, force: bool = False) -> list[Path]:
    """Writes `<lang>/LC_MESSAGES/<domain>.mo` beside each `.po` that is newer; returns
    the files written. Fuzzy entries are left out, as gettext's msgfmt does."""
    written = []
    for po in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name, abort_invalid=True)
        temporary = mo.with_suffix(".mo.tmp")
        with temporary.open("wb") as target:
            write_mo(target, catalog, use_fuzzy=False)
        temporary.replace(mo)  # a process reading catalogs never sees half a file
        written.append(mo)
    return written


if __name__ == "__main__":
    for path in compile_catalogs(force="--force" in sys.argv):
        print(f"compiled {path}")

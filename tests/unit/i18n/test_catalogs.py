"""The catalogs are complete and current: what CI checks (`make messages` fixes the second).

- every `.po` compiles and its placeholders match the English text's;
- `ru` and `lv` have no untranslated and no fuzzy entry (`ky` is reported, not required);
- every text marked in the code and templates is in `messages.pot` and in every catalog,
  and the catalogs carry nothing the code no longer has.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from eventhub.i18n import LOCALE_DIR

ROOT = Path(__file__).resolve().parents[3]
COMPLETE = ["ru", "lv"]
CATALOGS = sorted(p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/messages.po"))
Key = tuple[str | None, str | tuple[str, ...]]


def _read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=language, abort_invalid=True)


def _catalog(language: str) -> Catalog:
    return _read(LOCALE_DIR / language / "LC_MESSAGES" / "messages.po", language)


def _keys(catalog: Catalog) -> set[Key]:
    return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)) for m in catalog if m.id}


def _extracted() -> set[Key]:
    """What `make messages` would extract right now, from the same babel.cfg."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config, "babel.cfg")
    found: set[Key] = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        found.add((context, message if isinstance(message, str) else tuple(message)))
    return found


def test_the_interface_languages_all_have_a_catalog() -> None:
    assert CATALOGS == ["ky", "lv", "ru"]


@pytest.mark.parametrize("language", CATALOGS)
def test_each_catalog_compiles_with_matching_placeholders(language: str) -> None:
    catalog = _catalog(language)
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalog.check()]
    assert problems == []
    write_mo(io.BytesIO(), catalog)


@pytest.mark.parametrize("language", COMPLETE)
def test_russian_and_latvian_have_every_text_translated_and_none_fuzzy(language: str) -> None:
    catalog = _catalog(language)
    untranslated = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == [] and fuzzy == []


def test_every_marked_text_is_extracted_into_the_template_and_every_catalog() -> None:
    extracted = _extracted()
    template = _keys(_read(LOCALE_DIR / "messages.pot"))
    assert extracted - template == set(), "texts not in messages.pot: run `make messages`"
    assert template - extracted == set(), "messages.pot has texts the code no longer has: run `make messages`"
    for language in CATALOGS:
        assert _keys(_catalog(language)) == template, f"{language}.po is behind messages.pot: run `make messages`"


def test_the_compiled_catalogs_are_the_current_ones() -> None:
    for language in CATALOGS:
        po = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
        mo = po.with_suffix(".mo")
        assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime, f"run `make messages-compile` ({language})"

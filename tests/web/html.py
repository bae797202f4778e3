"""Checks every page must pass: strict HTML5 parsing and the structure accessibility needs."""

from __future__ import annotations

import re
from collections import Counter
from xml.etree.ElementTree import Element

import html5lib

from eventhub.domain.languages import LANGUAGES


def parse_strict(text: str) -> Element:
    """Parse as a browser would, but fail on any parse error (html5lib's strict mode)."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=True)
    return parser.parse(text)


def _tag(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""  # html or svg namespace


def elements(root: Element, tag: str) -> list[Element]:
    return [e for e in root.iter() if _tag(e) == tag]


def text_of(element: Element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def by_id(root: Element, element_id: str) -> Element | None:
    return next((e for e in root.iter() if e.get("id") == element_id), None)


def assert_valid_page(text: str, lang: str | None = "en") -> Element:
    """A well-formed, labelled page in `lang` (None: in any interface language)."""
    assert text.startswith("<!DOCTYPE html>")
    root = parse_strict(text)
    assert root.get("lang") == lang if lang else root.get("lang") in LANGUAGES
    assert len(elements(root, "h1")) == 1, "one h1 per page"
    assert elements(root, "title") and text_of(elements(root, "title")[0])
    ids = Counter(e.get("id") for e in root.iter() if e.get("id"))
    assert not [i for i, n in ids.items() if n > 1], f"duplicate ids: {ids}"
    labels = {label.get("for") for label in elements(root, "label")}
    for field in elements(root, "input"):
        if field.get("type") != "hidden":
            assert field.get("id") in labels, f"input without a label: {field.attrib}"
    for reference in ("aria-describedby", "aria-labelledby"):
        for element in root.iter():
            for target in (element.get(reference) or "").split():
                assert by_id(root, target) is not None, f"{reference} points at nothing: {target}"
    for link in elements(root, "a"):
        assert text_of(link) or link.get("aria-label"), f"link without text: {link.attrib}"
    return root

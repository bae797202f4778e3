"""Descriptions: the Markdown subset as a page shows it and as calendars and mail read it."""

from __future__ import annotations

import html5lib
import pytest

from eventhub.richtext import plain_text, to_html

WRITTEN = """Welcome to **Technopark**.
Doors open at 9:30.

Bring:
- a laptop
- your *questions*, and [the form](https://forms.example.org/a)

Details at https://example.org/visit?day=2."""


def test_paragraphs_line_breaks_lists_emphasis_and_links_survive() -> None:
    page = str(to_html(WRITTEN))
    assert "<p>Welcome to <strong>Technopark</strong>.<br>\nDoors open at 9:30.</p>" in page
    assert "<ul>\n<li>a laptop</li>\n<li>your <em>questions</em>, and " in page
    assert '<a href="https://forms.example.org/a" rel="nofollow noopener noreferrer">the form</a>' in page
    # A bare address becomes a link to itself.
    assert '<a href="https://example.org/visit?day=2" rel="nofollow noopener noreferrer">https://example.org/visit?day=2</a>' in page


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "![tracker](https://tracker.example.org/pixel.png)",
        '<a href="https://evil.example.org" onclick="x()">hi</a>',
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
    ],
)
def test_no_raw_html_no_scripts_no_images(hostile: str) -> None:
    page = str(to_html(hostile))
    tree = html5lib.parseFragment(page, namespaceHTMLElements=False)
    tags = {element.tag for element in tree.iter() if isinstance(element.tag, str)}
    assert tags <= {"DOCUMENT_FRAGMENT", "p", "a", "br"}, page
    assert not [a for a in tree.iter("a") if not a.get("href", "").startswith(("https://", "http://", "mailto:"))]
    attributes = {name for element in tree.iter() if isinstance(element.tag, str) for name in element.attrib}
    assert attributes <= {"href", "rel"}  # raw HTML shows as the text it is, never as markup


def test_the_plain_text_says_the_same_without_markup() -> None:
    assert plain_text(WRITTEN) == (
        "Welcome to Technopark.\nDoors open at 9:30.\n\n"
        "Bring:\n\n- a laptop\n- your questions, and the form (https://forms.example.org/a)\n\n"
        "Details at https://example.org/visit?day=2."
    )


def test_numbered_lists_keep_their_numbers() -> None:
    assert plain_text("3. third\n4. fourth\n\nAfter.") == "3. third\n4. fourth\n\nAfter."


@pytest.mark.parametrize(
    "typed",
    [
        "A plain description, with commas; semicolons and a backslash C:\\New.",
        "Two paragraphs.\n\nThe second one.",
        "Ira Raciņa and Гульнара Темирбекова: a seminar.",
        "",
    ],
)
def test_text_without_markdown_reads_exactly_as_typed(typed: str) -> None:
    assert plain_text(typed) == typed

"""Descriptions as organisers write them: a small, safe Markdown subset.

Paragraphs, line breaks, lists, emphasis, inline code and links (a bare URL becomes one);
no raw HTML, no images, no headings. Pages show it as HTML (`to_html`: markdown-it-py
parses, nh3 sanitises what comes out, so a parser bug cannot become a script), feeds and
mail as plain text (`plain_text`) read from the same parse, so both say the same thing.
A description written without any Markdown reads exactly as typed in both.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

# "zero" enables nothing but paragraphs and text; each rule of the subset is named here.
_RULES = ["emphasis", "list", "link", "linkify", "autolink", "newline", "escape", "backticks"]
_PARSER = MarkdownIt("zero", {"breaks": True, "html": False, "linkify": True}).enable(_RULES)

_TAGS = {"p", "br", "ul", "ol", "li", "em", "strong", "code", "a"}
_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
_SCHEMES = {"http", "https", "mailto"}
# Organisers' links are not endorsements, and the linked site gets no handle on our page.
LINK_REL = "nofollow noopener noreferrer"


@lru_cache(maxsize=2048)
def to_html(source: str) -> Markup:
    """The description as sanitised HTML, safe to put into a page as it is."""
    if not source.strip():
        return Markup("")
    rendered = _PARSER.render(source)
    return Markup(nh3.clean(rendered, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_SCHEMES, link_rel=LINK_REL))


@lru_cache(maxsize=2048)
def plain_text(source: str) -> str:
    """The description as plain text: paragraphs apart by a blank line, list items one a
    line ("- " or "1. "), a link as its text followed by its address in brackets."""
    blocks: list[tuple[str, int | None]] = []  # (text, the top-level list it belongs to)
    lists: list[list[int | None]] = []  # per open list: the next number, None for bullets
    top_lists = 0
    item_opened = False
    for token in _PARSER.parse(source):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            top_lists += not lists
            start = token.attrGet("start")
            lists.append([int(start) if start is not None else 1] if token.type == "ordered_list_open" else [None])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open":
            item_opened = True
        elif token.type == "inline":
            text = _inline_text(token.children or [])
            indent = "   " * max(len(lists) - 1, 0)
            if item_opened and lists:
                number = lists[-1][0]
                marker = "- " if number is None else f"{number}. "
                if number is not None:
                    lists[-1][0] = number + 1
                blocks.append((indent + marker + text.replace("\n", "\n" + indent + " " * len(marker)), top_lists))
            else:
                blocks.append((indent + text, top_lists) if lists else (text, None))
            item_opened = False
    out = ""
    for i, (text, in_list) in enumerate(blocks):
        if i:  # the items of one list one a line; everything else a paragraph apart
            out += "\n" if in_list is not None and blocks[i - 1][1] == in_list else "\n\n"
        out += text
    return out


def _inline_text(children: list[Token]) -> str:
    parts: list[str] = []
    href: str | None = None
    link_start = 0
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "link_open":
            href, link_start = str(child.attrGet("href") or ""), len(parts)
        elif child.type == "link_close" and href is not None:
            label = "".join(parts[link_start:])
            if href not in (label, f"mailto:{label}", f"http://{label}") and href:
                parts.append(f" ({href})")
            href = None
    return "".join(parts)

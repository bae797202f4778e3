"""The fill-rate chart of a mission's overview: one bar per session, drawn as inline SVG
on the server (no chart library, nothing from a CDN, nothing for the page's CSP to block:
geometry in attributes, colours in the stylesheet)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from eventhub.db.services.attendees import SessionFill
from eventhub.domain.programme import SessionStatus
from eventhub.domain.registration import seats_left
from eventhub.i18n import _, ngettext
from eventhub.web.formatting import clock, short_day

WIDTH = 640
ROW = 34  # px per session
LABEL_WIDTH = 280
BAR_X = LABEL_WIDTH + 8
BAR_WIDTH = 240
LABEL_CHARS = 40


@dataclass(frozen=True, slots=True)
class Bar:
    session_id: int
    label: str
    title: str  # the whole sentence, for the tooltip and screen readers
    y: int
    fill_width: float  # the confirmed share of the bar
    value: str
    tone: str  # full | filling | open | unlimited | cancelled (a CSS class; `value` says it in words)
    href: str | None


@dataclass(frozen=True, slots=True)
class FillChart:
    width: int
    height: int
    bar_x: int
    bar_width: int
    bars: list[Bar]
    summary: str


def fill_chart(fills: Sequence[SessionFill], link: Callable[[int], str] | None = None) -> FillChart:
    """Bars for the sessions that are not drafts, in programme order; `link` gives each its
    attendees page."""
    bars = [_bar(fill, row, link) for row, fill in enumerate(fills)]
    full = sum(1 for bar in bars if bar.tone == "full")
    waiting = sum(fill.waitlisted for fill in fills if fill.status != SessionStatus.CANCELLED)
    summary = "; ".join((
        ngettext("%(num)s session", "%(num)s sessions", len(bars)),
        ngettext("%(num)s full", "%(num)s full", full),
        ngettext("%(num)s seat taken", "%(num)s seats taken", sum(f.confirmed for f in fills)),
        ngettext("%(num)s on a waitlist", "%(num)s on waitlists", waiting),
    )) + "."
    return FillChart(WIDTH, max(len(bars), 1) * ROW, BAR_X, BAR_WIDTH, bars, summary)


def _bar(fill: SessionFill, row: int, link: Callable[[int], str] | None) -> Bar:
    when = f"{short_day(fill.starts_local.date())} {clock(fill.starts_local)}"
    label = _shorten(f"{when} · {fill.title}")
    left = seats_left(fill.capacity, fill.confirmed)
    if fill.status == SessionStatus.CANCELLED:
        tone, share, value = "cancelled", 0.0, _("cancelled")
    elif fill.capacity is None:
        tone, share, value = "unlimited", 1.0, _("%(confirmed)s (no limit)", confirmed=fill.confirmed)
    else:
        share = min(fill.confirmed / fill.capacity, 1.0) if fill.capacity else 1.0
        tone = "full" if left == 0 else "filling" if share >= 0.75 else "open"
        value = f"{fill.confirmed}/{fill.capacity}"
        if fill.waitlisted:
            value += " " + _("+%(waiting)s waiting", waiting=fill.waitlisted)
    title = f"{fill.title}, {when}: {value}"
    if fill.checked_in:
        title += ", " + _("%(checked_in)s checked in", checked_in=fill.checked_in)
    return Bar(fill.session_id, label, title, row * ROW, round(share * BAR_WIDTH, 1), value, tone,
               link(fill.session_id) if link else None)


def _shorten(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"

"""The overview's fill-rate chart: bars sized by seats taken, words for every colour, and
SVG that parses (it is drawn inline, with no script and no style attribute)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from eventhub import i18n
from eventhub.db.services.attendees import SessionFill
from eventhub.domain.programme import SessionStatus
from eventhub.web.charts import BAR_WIDTH, fill_chart

TEMPLATES = Path(__file__).resolve().parents[3] / "src" / "eventhub" / "web" / "templates"


def fill(session_id: int, capacity: int | None, confirmed: int, waitlisted: int = 0,
         status: SessionStatus = SessionStatus.PUBLISHED, title: str = "Export clinic") -> SessionFill:
    return SessionFill(session_id, title, datetime(2026, 12, 8, 10, 0), status, capacity, confirmed, waitlisted, 0)


def test_bars_say_how_full_each_session_is_in_words_and_width() -> None:
    chart = fill_chart([
        fill(1, 20, 20, 3), fill(2, 20, 15), fill(3, 20, 4), fill(4, None, 7), fill(5, 10, 2, status=SessionStatus.CANCELLED),
    ], link=lambda sid: f"/organise/missions/m/sessions/{sid}/attendees")
    assert [(b.tone, b.value) for b in chart.bars] == [
        ("full", "20/20 +3 waiting"), ("filling", "15/20"), ("open", "4/20"), ("unlimited", "7 (no limit)"),
        ("cancelled", "cancelled"),
    ]
    assert [b.fill_width for b in chart.bars[:3]] == [BAR_WIDTH, BAR_WIDTH * 0.75, BAR_WIDTH * 0.2]
    assert chart.bars[0].href == "/organise/missions/m/sessions/1/attendees"
    assert chart.summary == "5 sessions; 1 full; 48 seats taken; 3 on waitlists."
    assert chart.bars[0].label == "Tue 8 Dec 10:00 · Export clinic"


def test_a_session_without_seats_draws_a_full_bar() -> None:
    [bar] = fill_chart([fill(1, 0, 0)]).bars
    assert (bar.tone, bar.fill_width) == ("full", BAR_WIDTH)


def test_the_macro_draws_well_formed_svg_with_escaped_titles() -> None:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, extensions=["jinja2.ext.i18n"])
    environment.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    macro = environment.get_template("organise/fill_chart.html").module.fill_chart  # type: ignore[attr-defined]
    chart = fill_chart([fill(1, 10, 5, title='<script>alert("x")</script> & Co'), fill(2, 10, 10)],
                       link=lambda sid: f"/s/{sid}")
    html = str(macro(chart))
    assert "<script>" not in html and "style=" not in html
    svg = html[html.index("<svg"): html.index("</svg>") + len("</svg>")]
    root = ET.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "group"  # not an img: the bars link to their sessions, and an img holds no links
    assert len(root.findall(f"{ns}g")) == 2
    assert [r.get("width") for r in root.iter(f"{ns}rect") if r.get("class") == "fill-value"] == ["120.0", "240.0"]
    assert root.find(f"{ns}g/{ns}title").text.startswith('<script>alert("x")</script> & Co')  # type: ignore[union-attr]
    assert "No published sessions yet." in str(macro(fill_chart([])))


def test_the_chart_speaks_the_readers_language() -> None:
    with i18n.use("ru"):
        chart = fill_chart([fill(1, 20, 20, 3), fill(2, None, 7), fill(3, 10, 2, status=SessionStatus.CANCELLED)])
    assert [b.value for b in chart.bars] == ["20/20 +3 ждут", "7 (без ограничения)", "отменена"]
    assert chart.summary == "3 сессии; 1 заполнена; 29 мест занято; 3 в листах ожидания."

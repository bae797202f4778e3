"""The Bishkek fixture scaled to N sessions: the week's programme repeated week after week.

Each copy moves every session by whole weeks, so no copy conflicts with another and the
loader (which enforces the scheduling rules) accepts the file as it is.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "bishkek-2026.json"


def scaled(sessions: int, *, slug: str | None = None, fixture: Path = FIXTURE) -> dict[str, Any]:
    data = json.loads(fixture.read_text(encoding="utf-8"))
    week = timedelta(days=7)
    originals = data["sessions"]
    out: list[dict[str, Any]] = []
    copy = 0
    while len(out) < sessions:
        for session in originals:
            if len(out) == sessions:
                break
            moved = dict(session)
            for field in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
                if moved.get(field):
                    moved[field] = (datetime.fromisoformat(moved[field]) + copy * week).isoformat(timespec="minutes")
            if copy:
                moved["title"] = f"{session['title']} (week {copy + 1})"
            out.append(moved)
        copy += 1
    mission = dict(data["mission"])
    if slug:
        mission["slug"] = slug
    ends = date.fromisoformat(mission["ends_on"]) + (copy - 1) * week
    mission["ends_on"] = ends.isoformat()
    return {**data, "mission": mission, "sessions": out}


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    json.dump(scaled(count), sys.stdout, ensure_ascii=False, indent=1)

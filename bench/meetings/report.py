"""The benchmark's table, as Markdown."""

from __future__ import annotations

import os
import platform
from pathlib import Path

COLUMNS = [
    ("scenario", "scenario"), ("workers", "workers"), ("requests", "requests"), ("seconds", "wall s"),
    ("meetings", "placed"), ("solver_bound", "solver bound"), ("independent_bound", "simple bound"),
    ("proven_optimal", "proven"), ("fewest", "fewest"), ("median", "median"), ("most", "most"),
    ("moves", "moves"),
]


def write_report(rows: list[dict], path: Path, *, time_limit: float) -> None:
    lines = [
        "# Meeting scheduler: results",
        "",
        (
            "200 participants, 20 tables (12 + 8 at two venues 15 minutes apart), 16 slot times of 20 minutes;"
            f" time limit {time_limit:g} s; machine: {platform.machine()}, {os.cpu_count()} cores"
            " (shared with other work while measured). `fewest`/`median`/`most`: meetings per participant."
        ),
        "",
        "| " + " | ".join(title for _, title in COLUMNS) + " | left out (reason: count) |",
        "|" + "---|" * (len(COLUMNS) + 1),
    ]
    for row in rows:
        cells = [str(row[key]) for key, _ in COLUMNS]
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(row["left_out"].items())) or "none"
        lines.append("| " + " | ".join(cells) + f" | {reasons} |")
    path.write_text("\n".join(lines) + "\n")

"""The benchmark report: bench/RESULTS.md (every figure next to its baseline and target)
and the raw figures for bench/results.json."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from harness import SERVERS, Pair
from sections import FEED_SESSIONS, Options

# --- the report -----------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in ("litestar", "uvicorn", "granian", "sqlalchemy", "icalendar", "asyncpg", "aiosqlite", "msgspec"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    try:
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "SHOW server_version"], check=False,
                             capture_output=True, text=True, timeout=10).stdout.strip()
        found["postgresql"] = out or "?"
    except (OSError, subprocess.TimeoutExpired):
        found["postgresql"] = "?"
    found["sqlite"] = __import__("sqlite3").sqlite_version
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False).stdout.split("[")[0].strip()
    found["wrk"] = wrk_version.replace("wrk ", "")
    return found


def machine() -> dict[str, str]:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    return {"nproc": str(os.cpu_count()), "cpu": cpu, "memory": f"{int(memory) // 1024 // 1024} GiB",
            "kernel": platform.release()}


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def pair_row(label: str, pair: Pair, baseline_label: str, unit: str = "req/s") -> str:
    met = verdict(pair.ratio >= (pair.target or 0)) if pair.target else ""
    runs = " / ".join(f"{r.rps:.0f}" for r in pair.subject)
    base_runs = " / ".join(f"{r.rps:.0f}" for r in pair.baseline)
    errors = f"; {pair.errors} errors" if pair.errors else ""
    return (f"| {label} | {pair.subject_rps:,.0f} {unit} ({runs}) | {baseline_label}: {pair.baseline_rps:,.0f} {unit} "
            f"({base_runs}) | {pair.ratio:.0%} | >= {pair.target:.0%}: {met}{errors} |")


def report(opts: Options, results: dict[str, Any], started: datetime, seconds: float) -> str:
    v, m = results["versions"], results["machine"]
    lines = [
        "# Benchmark results",
        "",
        (f"Run {started:%Y-%m-%d %H:%M} UTC by `bench/run.sh` in {seconds / 60:.1f} min "
         f"({opts.runs} runs of {opts.duration:.0f} s per figure, alternating with the baseline; medians; "
         f"every run's figure in brackets)."),
        "",
        (f"- Machine: {m['nproc']} cores, {m['cpu']}, {m['memory']}, Linux {m['kernel']}. Other work on the machine "
         "adds noise: compare the ratio, not the absolute numbers, across runs."),
        (f"- Versions: Python {v['python']}, Litestar {v['litestar']}, uvicorn {v['uvicorn']}, "
         f"granian {v['granian']}, SQLAlchemy {v['sqlalchemy']}, icalendar {v['icalendar']}, asyncpg {v['asyncpg']}, "
         f"aiosqlite {v['aiosqlite']}, PostgreSQL {v['postgresql']}, SQLite {v['sqlite']}, wrk {v['wrk']}."),
        (f"- `eventhub serve` runs **{opts.main_server}**; the baselines run on the same server with the same "
         "options (bench/baseline.py calls `eventhub.cli.run_server`). wrk: 1 thread, 16 connections."),
        "",
        "## Against the issue's targets",
        "",
        "| figure | eventhub | baseline (same run) | ratio | target |",
        "|---|---|---|---|---|",
    ]
    for db in ("sqlite", "postgresql"):
        section = results.get(f"feeds {db} {opts.main_server}")
        if section is None:
            continue
        size = section["feed"].extra["bytes"] / 1024
        lines.append(pair_row(f"(a) warm mission feed GET, {FEED_SESSIONS} sessions ({size:.0f} KiB), {db}, 1 worker",
                              section["feed"], "same bytes from memory"))
        lines.append(pair_row(f"(b) 304 revalidation (If-None-Match), {db}, 1 worker", section["revalidate"],
                              "hello world"))
    render = results["render"]
    renderer = render["renderer"]
    lines.append(
        f"| (c) cold render, {renderer['events']} events ({renderer['feed_bytes'] / 1024:.0f} KiB), in process "
        f"| {renderer['cold_ms']:.0f} ms | icalendar's own build + to_ical: {renderer['icalendar_ms']:.0f} ms "
        f"| {renderer['cold_ms'] / renderer['icalendar_ms']:.0%} of the time "
        f"| no slower: {verdict(renderer['cold_ms'] <= renderer['icalendar_ms'])} |"
    )
    lines.append(
        f"| (c) rebuild after one event changed, in process | {renderer['rebuild_ms']:.1f} ms "
        f"| cold render: {renderer['cold_ms']:.0f} ms | {renderer['rebuild_ms'] / renderer['cold_ms']:.1%} of cold "
        f"| < 5 %: {verdict(renderer['rebuild_ms'] < 0.05 * renderer['cold_ms'])} |"
    )
    for key, figures in render.items():
        if not key.startswith("feed "):
            continue
        db = "sqlite" if "sqlite" in key else "postgresql"
        lines.append(
            f"| (c) whole feed path ({db}): query + rows to events + render, cold vs after one session changed "
            f"| rebuild {figures['rebuild_ms']:.0f} ms | cold {figures['cold_ms']:.0f} ms "
            f"| {figures['rebuild_ms'] / figures['cold_ms']:.1%} of cold | (not the target's measure; see README) |"
        )
    for db in ("postgresql", "sqlite"):
        section = results.get(f"registrations {db}")
        if section is None:
            continue
        pair = section["registrations"]
        over = pair.extra["overbooked"]
        lines.append(pair_row(f"(d) registrations, one hot session (capacity {pair.extra['capacity']}), {db}, 2 workers",
                              pair, "bare locked insert"))
        lines.append(
            f"| (d) overbooking, {db} | {over['eventhub']} confirmed beyond capacity "
            f"| bare: {over['bare']} | | zero: {verdict(over['eventhub'] == 0)} |"
        )
    for db in ("sqlite", "postgresql"):
        section = results.get(f"feeds {db} {opts.main_server}")
        if section is None:
            continue
        peak = max(section["memory"]["eventhub"].values())
        base_peak = max(section["memory"]["baseline"].values())
        lines.append(f"| (e) peak RSS (VmHWM) of the worker after the feed load, {db} | {peak:.0f} MB "
                     f"| baseline app: {base_peak:.0f} MB | | < 150 MB: {verdict(peak < 150)} |")

    compared = results.get("servers")
    if compared:
        lines += ["", "## Server choice", "",
                  ("The same app and baselines on both servers at once (SQLite, one worker each, proxy headers "
                   "and the redacting access log on both), every figure taken in turn on each, run after run; "
                   "requests per second, medians (runs in brackets)."), "",
                  "| server | hello world | same-bytes feed | eventhub warm feed | eventhub 304 | feed ratio | 304 ratio |",
                  "|---|---|---|---|---|---|---|"]
        for kind in SERVERS:
            f = compared[kind]
            cells = " | ".join(
                f"{f[name]:,.0f} ({' / '.join(f'{x:.0f}' for x in f['runs'][name])})"
                for name in ("hello world", "same-bytes feed", "eventhub warm feed", "eventhub 304")
            )
            mark = " (`eventhub serve`)" if kind == opts.main_server else ""
            lines.append(f"| {kind}{mark} | {cells} | {f['eventhub warm feed'] / f['same-bytes feed']:.0%} "
                         f"| {f['eventhub 304'] / f['hello world']:.0%} |")
        g, u = compared["granian"], compared["uvicorn"]
        lines.append("")
        lines.append("granian / uvicorn: " + ", ".join(
            f"{name} {g[name] / u[name]:.2f}x"
            for name in ("hello world", "same-bytes feed", "eventhub warm feed", "eventhub 304")) + ".")

    lines += ["", "## Registration runs", ""]
    for db in ("postgresql", "sqlite"):
        section = results.get(f"registrations {db}")
        if section is None:
            continue
        extra = section["registrations"].extra
        lines.append(f"- {db}: eventhub rows per hot session {extra['eventhub_counts']}; answers per run "
                     f"{extra['eventhub_statuses']}; bare locked insert {extra['bare_counts']}, answers "
                     f"{extra['bare_statuses']}.")
    lines += ["", "Raw figures: `bench/results.json`.", ""]
    return "\n".join(lines)


def to_json(value: Any) -> Any:
    if isinstance(value, Pair):
        return {"name": value.name, "subject_rps": value.subject_rps, "baseline_rps": value.baseline_rps,
                "ratio": value.ratio, "target": value.target, "subject": [vars(r) for r in value.subject],
                "baseline": [vars(r) for r in value.baseline], "extra": value.extra}
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    return value

"""The benchmark suite: one command, real servers, every figure next to its baseline.

    .venv/bin/python bench/run.py [--runs 3] [--duration 5] [--out bench/RESULTS.md]

(bench/run.sh installs wrk first if it is missing.) What it does, all on loopback:

1. makes a SQLite file and a PostgreSQL database of its own (dropped at the end), migrates
   both with `eventhub db upgrade` and loads the Bishkek fixture scaled to 300 sessions
   with `eventhub load`;
2. (a, b, e) per database: `eventhub serve --workers 1` and the baseline app
   (bench/baseline.py) on the same server; wrk alternates between them: the warm mission
   feed against the same bytes from memory, a 304 revalidation against a hello-world
   route; then the peak memory (VmHWM) of the serving processes;
3. the server comparison: the same app and baselines on granian and on uvicorn, all up at
   once, every figure taken in turn on each (SQLite);
4. (c) bench/render_bench.py in a process of its own: cold render of a 1,000-session feed
   against icalendar's own build-and-serialize, and the rebuild after one change;
5. (d) per database: a mission with one open session per run (`eventhub load`),
   `eventhub serve --workers 2` and the baseline with two workers; wrk POSTs
   registrations (a new address each) for one hot session, alternating with the
   baseline's bare locked insert; afterwards the confirmed rows are counted against the
   capacity for both;
6. writes the table (and every run's figure) to bench/RESULTS.md.

Every server runs in a process group of its own and is stopped in a `finally`; every wrk
run is bounded by its duration and a timeout. Total: about 8 minutes on 2 cores.

This file runs the suite; bench/harness.py holds the servers, wrk and databases,
bench/sections.py the measurements, bench/report.py the table.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from harness import BENCH, ROOT, Servers, create_postgres, drop_postgres, log, serve_kind
from report import machine, report, to_json, versions
from sections import Options, feed_section, prepare_database, registration_section, render_section, server_comparison

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/eventhub_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description="eventhub benchmark suite (see bench/README.md)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per wrk run")
    parser.add_argument("--out", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
                        help="database the suite creates and drops (default: %(default)s)")
    parser.add_argument("--skip", action="append", default=[],
                        choices=["feeds", "compare", "render", "registrations", "postgresql"])
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install -y wrk (bench/run.sh does it)")

    main_server = serve_kind()
    other = "granian" if main_server == "uvicorn" else "uvicorn"
    try:
        metadata.version(other)
    except metadata.PackageNotFoundError:
        other = None  # type: ignore[assignment]
    workdir = Path(tempfile.mkdtemp(prefix="eventhub-bench-"))
    opts = Options(args.runs, args.duration, workdir, main_server, None if "compare" in args.skip else other)
    started, clock = datetime.now(UTC), time.monotonic()
    servers = Servers(workdir)
    sqlite_url = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    postgres_url = args.postgres
    use_postgres = "postgresql" not in args.skip
    results: dict[str, Any] = {"versions": versions(), "machine": machine()}

    def interrupted(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    try:
        databases = {"sqlite": sqlite_url}
        if use_postgres:
            create_postgres(postgres_url)
            databases["postgresql"] = postgres_url
        slugs = {label: prepare_database(url, workdir, label, load="feeds" not in args.skip)
                 for label, url in databases.items()}

        for label, url in databases.items():
            if "feeds" in args.skip:
                break
            log(f"(a, b, e) feeds on {label}, {main_server} via `eventhub serve`")
            results[f"feeds {label} {main_server}"] = feed_section(opts, servers, url, slugs[label], label,
                                                                   main_server)
        if opts.other_server and "feeds" not in args.skip:
            log("server comparison: granian and uvicorn side by side, sqlite")
            results["servers"] = server_comparison(opts, servers, sqlite_url, slugs["sqlite"])
        if "render" not in args.skip:
            log("(c) render, in process")
            results["render"] = render_section(opts, list(databases.values()))
        if "registrations" not in args.skip:
            for label in ("postgresql", "sqlite"):
                if label in databases:
                    log(f"(d) registrations on {label}, 2 workers")
                    results[f"registrations {label}"] = registration_section(opts, servers, databases[label], label)
    finally:
        servers.stop_all()
        if use_postgres:
            with contextlib.suppress(Exception):
                drop_postgres(postgres_url)
        shutil.rmtree(workdir, ignore_errors=True)

    seconds = time.monotonic() - clock
    (BENCH / "results.json").write_text(json.dumps(to_json(results), indent=1) + "\n", encoding="utf-8")
    if "render" in results and f"feeds sqlite {main_server}" in results:
        args.out.write_text(report(opts, results, started, seconds), encoding="utf-8")
        shown = args.out.resolve().relative_to(ROOT) if args.out.resolve().is_relative_to(ROOT) else args.out
        log(f"wrote {shown} ({seconds / 60:.1f} min)")
    else:
        log(f"partial run ({seconds / 60:.1f} min): bench/results.json only")


if __name__ == "__main__":
    main()

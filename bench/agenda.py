"""Fast where people are: compressed feeds, and the agenda of a 300-session mission on a phone.

One `eventhub serve` on SQLite with the Bishkek fixture and the Bishkek fixture scaled to
300 sessions (`scale.py`), both loaded with `eventhub load`. Each figure next to its
baseline in the same run, as a ratio:

- feed size, `br` and `gzip` against the identity bytes (the Bishkek feed and the
  300-session feed), and the time to compress the 300-session feed once, brotli quality
  5 (what eventhub uses) and 11 against gzip level 6, in process;
- the agenda's transfer size, raw and compressed: the default view (one day at a time
  for a programme this long) against the whole programme on one page (`?day=all`, what
  the agenda was before);
- Lighthouse performance and accessibility of both, on Lighthouse's emulated phone
  (its default mobile form factor and simulated throttling), `--runs` each, medians.
  Lighthouse 12.2.3 from npm is installed into build/lighthouse by this script;
  Chromium is /usr/bin/chromium, headless.

Run: `.venv/bin/python bench/agenda.py [--runs 3]`; figures go to stdout and
build/bench-agenda.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import brotli

from eventhub.domain.time import next_monday

from harness import EVENTHUB, ROOT, Servers, base_env, cli, free_port, http, log
from scale import scaled

LIGHTHOUSE_VERSION = "12.2.3"
LIGHTHOUSE_DIR = ROOT / "build" / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
BISHKEK = "lv-it-cluster-bishkek-2026"


def install_lighthouse() -> None:
    installed = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "package.json"
    if installed.exists() and json.loads(installed.read_text())["version"] == LIGHTHOUSE_VERSION:
        return
    log(f"installing lighthouse@{LIGHTHOUSE_VERSION} into {LIGHTHOUSE_DIR}")
    subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--no-save", "--prefix",
                    str(LIGHTHOUSE_DIR), f"lighthouse@{LIGHTHOUSE_VERSION}"], check=True, timeout=600)


def lighthouse(url: str, out: Path) -> dict[str, float]:
    """Performance and accessibility (0-100) on Lighthouse's default emulated phone."""
    subprocess.run(
        [str(LIGHTHOUSE), url, "--only-categories=performance,accessibility", "--output=json",
         f"--output-path={out}", "--quiet", f"--chrome-path={CHROMIUM}",
         "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
        check=True, timeout=300, env={"PATH": "/usr/bin:/bin", "HOME": str(out.parent), "CHROME_PATH": CHROMIUM},
    )
    report = json.loads(out.read_text())
    audits = report["audits"]
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "dom_size": audits["dom-size"]["numericValue"],
        "transfer_bytes": audits["total-byte-weight"]["numericValue"],
    }


def sizes(url: str) -> dict[str, int]:
    """Bytes on the wire for each coding (urllib does not decompress), checked to decode alike."""
    _, _, plain = http("GET", url, {"Accept-Encoding": "identity"})
    _, br_headers, br = http("GET", url, {"Accept-Encoding": "br"})
    _, gz_headers, gz = http("GET", url, {"Accept-Encoding": "gzip"})
    assert br_headers.get("content-encoding") == "br" and gz_headers.get("content-encoding") == "gzip", url
    if url.endswith(".ics"):
        assert gzip.decompress(gz) == plain == brotli.decompress(br), url
    return {"identity": len(plain), "br": len(br), "gzip": len(gz)}


def compress_times(body: bytes, rounds: int = 5) -> dict[str, float]:
    def median_ms(work: Any) -> float:
        times = []
        for _ in range(rounds):
            started = time.process_time()
            work()
            times.append((time.process_time() - started) * 1000)
        return round(statistics.median(times), 2)

    return {
        "gzip_6_ms": median_ms(lambda: gzip.compress(body, 6)),
        "br_5_ms": median_ms(lambda: brotli.compress(body, quality=5)),
        "br_11_ms": median_ms(lambda: brotli.compress(body, quality=11)),
        "br_11_bytes": len(brotli.compress(body, quality=11)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (medians)")
    args = parser.parse_args()
    install_lighthouse()
    workdir = Path(tempfile.mkdtemp(prefix="eventhub-agenda-"))
    url = f"sqlite+aiosqlite:///{workdir / 'agenda.db'}"
    port = free_port()
    env = base_env(url, port)
    cli(env, "db", "upgrade")
    slug = "bishkek-300"
    fixture = workdir / "bishkek-300.json"
    fixture.write_text(json.dumps(scaled(300, slug=slug), ensure_ascii=False), encoding="utf-8")
    start = next_monday(date.today() + timedelta(days=14)).isoformat()  # all to come: the agenda opens on day 1
    for mission in (fixture, ROOT / "fixtures" / "bishkek-2026.json"):
        log(cli(env, "load", str(mission), "--start", start).strip())
    servers = Servers(workdir)
    results: dict[str, Any] = {"load_average": None}
    try:
        server = servers.start("eventhub", [*EVENTHUB, "serve", "--port", str(port)], env, port, "/health")
        base = server.base
        feeds = {"bishkek": f"{base}/missions/{BISHKEK}/calendar.ics", "300": f"{base}/missions/{slug}/calendar.ics"}
        results["feeds"] = {name: sizes(feed) for name, feed in feeds.items()}
        _, _, feed_bytes = http("GET", feeds["300"])
        results["compress_300_feed"] = compress_times(feed_bytes)
        pages = {"one_day": f"{base}/missions/{slug}", "whole": f"{base}/missions/{slug}?day=all"}
        results["agenda"] = {name: sizes(page) for name, page in pages.items()}
        scores: dict[str, list[dict[str, float]]] = {name: [] for name in pages}
        for run in range(args.runs):
            for name, page in pages.items():
                scores[name].append(lighthouse(page, workdir / f"lighthouse-{name}-{run}.json"))
                log(f"lighthouse {name} run {run + 1}: {scores[name][-1]}")
        results["lighthouse"] = {
            name: {key: statistics.median(r[key] for r in runs) for key in runs[0]} for name, runs in scores.items()
        }
        results["lighthouse_runs"] = scores
    finally:
        servers.stop_all()
    import os

    results["load_average"] = os.getloadavg()
    (ROOT / "build").mkdir(exist_ok=True)
    (ROOT / "build" / "bench-agenda.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    print(table(results))


def table(r: dict[str, Any]) -> str:
    rows = ["| | identity | br | gzip | br / identity | gzip / identity |", "|---|---|---|---|---|---|"]
    for name, label in (("bishkek", "Bishkek feed (18 sessions)"), ("300", "300-session feed")):
        s = r["feeds"][name]
        rows.append(f"| {label} | {s['identity']:,} B | {s['br']:,} B | {s['gzip']:,} B | "
                    f"{s['br'] / s['identity']:.3f} | {s['gzip'] / s['identity']:.3f} |")
    for name, label in (("whole", "agenda, whole programme (baseline)"), ("one_day", "agenda, default view")):
        s = r["agenda"][name]
        rows.append(f"| {label} | {s['identity']:,} B | {s['br']:,} B | {s['gzip']:,} B | "
                    f"{s['br'] / s['identity']:.3f} | {s['gzip'] / s['identity']:.3f} |")
    whole, day = r["agenda"]["whole"], r["agenda"]["one_day"]
    rows.append("")
    rows.append(f"Default view br / whole programme identity: {day['br'] / whole['identity']:.4f} "
                f"({day['br']:,} B against {whole['identity']:,} B)")
    rows.append("")
    rows.append("| Lighthouse, emulated phone | performance | accessibility | LCP | TBT | DOM elements |")
    rows.append("|---|---|---|---|---|---|")
    for name, label in (("whole", "whole programme (baseline)"), ("one_day", "default view")):
        s = r["lighthouse"][name]
        rows.append(f"| {label} | {s['performance']:.0f} | {s['accessibility']:.0f} | {s['lcp_ms']:.0f} ms | "
                    f"{s['tbt_ms']:.0f} ms | {s['dom_size']:.0f} |")
    c = r["compress_300_feed"]
    rows.append("")
    rows.append(f"Compressing the 300-session feed once (CPU, median): gzip 6 {c['gzip_6_ms']} ms, "
                f"br 5 {c['br_5_ms']} ms, br 11 {c['br_11_ms']} ms ({c['br_11_bytes']:,} B)")
    return "\n".join(rows)


if __name__ == "__main__":
    main()

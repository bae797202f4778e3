"""What the access log costs: one hello-world Litestar app (bench/baseline.py's `/hello`,
13 bytes) on uvicorn three ways, wrk alternating between them run after run:

- `bare`    uvicorn without an access log (the ceiling);
- `before`  with the access log as eventhub set it up at `--before` (a git revision:
            its `eventhub/logs.py` is taken from git and loaded as a module of its own);
- `after`   with the access log as eventhub sets it up now (`eventhub.logs`).

`before` and `after` run exactly as `eventhub serve` does (`run_server`'s uvicorn options,
the log config and the record factory that redacts), writing their lines to a file.
Reported: requests/s (median) and each as a ratio to `bare`.

Run: `.venv/bin/python bench/access_log.py [--runs 5] [--duration 5] [--before REV]`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from harness import PYTHON, ROOT, Servers, free_port, log, wrk

BEFORE_MODULE = "BENCH_LOGS_BEFORE"  # path of the old logs.py, in the `before` server's environment
MODES = ("bare", "before", "after")


def _logs_module(mode: str) -> ModuleType | None:
    if mode == "bare":
        return None
    if mode == "after":
        import eventhub.logs

        return eventhub.logs
    spec = importlib.util.spec_from_file_location("eventhub_logs_before", os.environ[BEFORE_MODULE])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def create_app() -> Any:
    """The `--serve` factory: the baseline app, with the chosen log's record factory."""
    from baseline import create_app as hello_app

    logs = _logs_module(os.environ["BENCH_LOG_MODE"])
    if logs is not None:
        logs.install_redaction()
    return hello_app()


def serve(mode: str, port: int) -> None:
    import uvicorn

    from eventhub.cli import WORKER_HEALTHCHECK_SECONDS

    os.environ["BENCH_LOG_MODE"] = mode
    logs = _logs_module(mode)
    options: dict[str, Any] = {"log_config": logs.uvicorn_log_config()} if logs else {"access_log": False}
    uvicorn.run("access_log:create_app", factory=True, host="127.0.0.1", port=port, workers=1, proxy_headers=True,
                log_level="info", timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS, **options)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--before", default="5c632f5", help="git revision whose access log is `before`")
    parser.add_argument("--serve", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return

    workdir = Path(tempfile.mkdtemp(prefix="eventhub-access-log-"))
    old = workdir / "logs_before.py"
    old.write_bytes(subprocess.run(["git", "-C", str(ROOT), "show", f"{args.before}:src/eventhub/logs.py"],
                                   check=True, capture_output=True).stdout)
    servers = Servers(workdir)
    env = {**os.environ, BEFORE_MODULE: str(old), "PYTHONPATH": str(Path(__file__).parent)}
    try:
        urls = {}
        for mode in MODES:
            port = free_port()
            servers.start(mode, [PYTHON, __file__, "--serve", mode, "--port", str(port)], env, port, "/hello")
            urls[mode] = f"http://127.0.0.1:{port}/hello"
        for url in urls.values():
            wrk(url, 1)  # warm
        runs: dict[str, list[float]] = {mode: [] for mode in MODES}
        for run in range(args.runs):
            for mode in MODES:
                result = wrk(urls[mode], args.duration)
                assert result.non_2xx_3xx == 0 and result.socket_errors == 0, (mode, result)
                runs[mode].append(result.rps)
            log(f"run {run + 1}: " + ", ".join(f"{m} {runs[m][-1]:.0f}" for m in MODES))
        lines = sum(1 for _ in (workdir / "after.log").open())
        assert lines > sum(1 for _ in (workdir / "bare.log").open()) + 100, "the access log did not write"
    finally:
        servers.stop_all()
    medians = {mode: statistics.median(values) for mode, values in runs.items()}
    figures = {
        "runs": runs,
        "median_rps": medians,
        "before_vs_bare": medians["before"] / medians["bare"],
        "after_vs_bare": medians["after"] / medians["bare"],
        "after_vs_before": medians["after"] / medians["before"],
        "before_revision": args.before,
        "load_average": os.getloadavg(),
    }
    print(json.dumps(figures, indent=2))
    print(f"\n| | req/s (median of {args.runs}) | ratio to bare |\n|---|---|---|")
    for mode in MODES:
        print(f"| {mode} | {medians[mode]:.0f} | {medians[mode] / medians['bare']:.2f} |")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()

"""An app factory on granian, set up as `eventhub serve` sets up uvicorn, for the server
comparison in bench/run.py: the client address from a local proxy's X-Forwarded-For,
an access log with attendees' tokens redacted, failed workers started again.

    python bench/granian_server.py module:factory --port 8001 [--workers N]
"""

from __future__ import annotations

import argparse
import copy
import importlib
import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from granian import Granian
from granian.constants import Interfaces, Loops
from granian.log import LOGGING_CONFIG, LogLevels
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from eventhub.logs import RedactTokens, redact

FACTORY = "BENCH_GRANIAN_FACTORY"


def behind_proxy() -> Any:
    """Worker-side factory: the app of BENCH_GRANIAN_FACTORY behind uvicorn's proxy-headers
    middleware (what `uvicorn --proxy-headers` does)."""
    module, _, name = os.environ[FACTORY].partition(":")
    return ProxyHeadersMiddleware(getattr(importlib.import_module(module), name)(), trusted_hosts="127.0.0.1")


class RedactAccessPaths(RedactTokens):
    """eventhub's redaction for granian's access lines, whose arguments come as a mapping."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, Mapping):
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return super().filter(record)


def log_config() -> dict[str, Any]:
    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_tokens"] = {"()": RedactAccessPaths}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("redact_tokens")
    return config


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("factory")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    os.environ[FACTORY] = args.factory
    Granian(
        "granian_server:behind_proxy", factory=True, address=args.host, port=args.port, workers=args.workers,
        interface=Interfaces.ASGI, loop=Loops.auto, respawn_failed_workers=True,
        log_level=LogLevels.info, log_access=True, log_dictconfig=log_config(),
    ).serve()

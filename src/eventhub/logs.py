"""Logging for the server: access lines never carry an attendee's secret.

Manage and feed tokens travel in URL paths (/manage/<token>, /feeds/<token>/...), and
so do organisers' invitation and reset links; the access log keeps the path shape and
replaces the token.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

from uvicorn.config import LOGGING_CONFIG

_SECRET_IN_PATH = re.compile(r"(/(?:manage|feeds|organise/invitations|organise/reset-password)/)[^/\s?\"]+")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    return _SECRET_IN_PATH.sub(rf"\g<1>{REDACTED}", text)


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        record.msg = redact(str(record.msg))
        return True


def uvicorn_log_config() -> dict[str, Any]:
    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_tokens"] = {"()": RedactTokens}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("redact_tokens")
    return config

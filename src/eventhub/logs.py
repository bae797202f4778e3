"""Logging for the server: no log line carries a secret, and none can be forged.

Manage and feed tokens travel in URL paths (/manage/<token>, /feeds/<token>/...), organiser
tokens and session ids in headers that an error message may quote. Redaction happens in one
place for every logger of the process (ours, uvicorn's, the libraries'): the log record
factory, which every record passes through before any handler or formatter sees it. It
replaces the secret and keeps the shape of the line, and escapes CR and LF in what a request
supplied, so that a path cannot start a forged log line.
"""

from __future__ import annotations

import copy
import logging
import re
import traceback
from typing import Any

from uvicorn.config import LOGGING_CONFIG

REDACTED = "[redacted]"
# Secrets in paths: an attendee's manage and feed links, and the one-time links of accounts.
_SECRET_IN_PATH = re.compile(r"(/(?:manage|feeds|reset|invite|invitations|password-reset|reset-password|sign-in/link)/)[^/\s?#\"']+")
# Secrets anywhere: our token formats (ehm_ manage, ehf_ feed, eho_ organiser, ehs_/ehr_/ehi_
# for sessions, resets and invitations), bearer credentials, and secret-looking query parameters.
_SECRET_TOKEN = re.compile(r"\beh[a-z]_[A-Za-z0-9_-]{8,}")
_BEARER = re.compile(r"(?i)(\bbearer\s+)[^\s\"',;]+")
_SECRET_PARAMETER = re.compile(r"(?i)((?:^|[?&;\s])(?:token|session|password|secret)=)[^&\s\"';]+")
_SECRET_COOKIE = re.compile(r"(\beventhub_[a-z_]+=)[^;\s\"']+")  # our cookies: CSRF, answer, sign-in


def redact(text: str) -> str:
    text = _SECRET_IN_PATH.sub(rf"\g<1>{REDACTED}", text)
    text = _SECRET_TOKEN.sub(REDACTED, text)
    text = _BEARER.sub(rf"\g<1>{REDACTED}", text)
    text = _SECRET_PARAMETER.sub(rf"\g<1>{REDACTED}", text)
    return _SECRET_COOKIE.sub(rf"\g<1>{REDACTED}", text)


def escape_breaks(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _clean(value: Any) -> Any:
    """A log argument as it will be printed, redacted and on one line; numbers stay numbers
    (uvicorn's access formatter reads its arguments by position and type)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    return escape_breaks(redact(value if isinstance(value, str) else str(value)))


def _traceback_text(error: BaseException) -> str:
    """The traceback as logging prints it, redacted, each exception's message on one line
    (a message may quote a request)."""
    shown = traceback.TracebackException.from_exception(error)
    seen: set[int] = set()
    pending = [shown]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(getattr(current, "_str", None), str):
            current._str = escape_breaks(current._str)
        pending.extend(e for e in (current.__cause__, current.__context__, *(current.exceptions or [])) if e)
    return redact("".join(shown.format()).rstrip("\n"))


def _redacted_record_factory(base: Any) -> Any:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = base(*args, **kwargs)
        if getattr(record, "eventhub_redacted", False):
            return record
        record.eventhub_redacted = True  # type: ignore[attr-defined]
        record.msg = redact(str(record.msg))
        if isinstance(record.args, tuple):
            record.args = tuple(_clean(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _clean(v) for k, v in record.args.items()}
        if record.exc_info and record.exc_info[1] is not None:
            # Formatters reuse exc_text when it is set: the traceback is redacted once, here.
            record.exc_text = _traceback_text(record.exc_info[1])
        return record

    factory.eventhub_redacting = True  # type: ignore[attr-defined]
    return factory


def install_redaction() -> None:
    """Every log record of this process is redacted (idempotent: one factory, however often
    the app is built)."""
    current = logging.getLogRecordFactory()
    if not getattr(current, "eventhub_redacting", False):
        logging.setLogRecordFactory(_redacted_record_factory(current))


class RedactTokens(logging.Filter):
    """The same redaction as a handler filter, for a handler fed records made before
    install_redaction (uvicorn's own configuration keeps it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "eventhub_redacted", False):
            record.msg = redact(str(record.msg))
            if isinstance(record.args, tuple):
                record.args = tuple(_clean(a) for a in record.args)
            record.eventhub_redacted = True  # type: ignore[attr-defined]
        return True


def uvicorn_log_config() -> dict[str, Any]:
    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_tokens"] = {"()": RedactTokens}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("redact_tokens")
    return config

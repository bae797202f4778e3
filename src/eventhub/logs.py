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
import http
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
# A text holds a secret only if one of these is in it (what the patterns above need, looser):
# a few substring tests clear most texts (an access line's path) at once. Five substitutions
# on each of an access line's arguments were most of what the line cost (bench/access_log.py).
_PATH_HINTS = tuple(f"/{name}/" for name in (
    "manage", "feeds", "reset", "invite", "invitations", "password-reset", "reset-password", "sign-in/link"))


def _may_hold_secret(text: str) -> bool:
    if "_" in text or "=" in text:  # eh?_ tokens, eventhub_ cookies, token= parameters
        return True
    for hint in _PATH_HINTS:
        if hint in text:
            return True
    return "bearer" in text.lower()


def redact(text: str) -> str:
    return redact_always(text) if _may_hold_secret(text) else text


def redact_always(text: str) -> str:
    """The substitutions themselves, without the quick test (which must never change a result)."""
    text = _SECRET_IN_PATH.sub(rf"\g<1>{REDACTED}", text)
    text = _SECRET_TOKEN.sub(REDACTED, text)
    text = _BEARER.sub(rf"\g<1>{REDACTED}", text)
    text = _SECRET_PARAMETER.sub(rf"\g<1>{REDACTED}", text)
    return _SECRET_COOKIE.sub(rf"\g<1>{REDACTED}", text)


def escape_breaks(text: str) -> str:
    if "\r" not in text and "\n" not in text:
        return text
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _clean(value: Any) -> Any:
    """A log argument as it will be printed, redacted and on one line; numbers stay numbers
    (uvicorn's access formatter reads its arguments by position and type)."""
    if type(value) is str:  # the common case first: an access line's arguments
        return escape_breaks(redact(value))
    if value is None or isinstance(value, bool | int | float):
        return value
    return escape_breaks(redact(str(value)))


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
    # An access line's caller is always uvicorn's protocol: walking the stack for it on every
    # request cost as much as formatting the line.
    logging.getLogger("uvicorn.access").findCaller = _no_caller  # type: ignore[method-assign]


def _no_caller(stack_info: bool = False, stacklevel: int = 1) -> tuple[str, int, str, None]:
    return "(unknown file)", 0, "(unknown function)", None


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


_PHRASES = {status.value: status.phrase for status in http.HTTPStatus}


class AccessFormatter(logging.Formatter):
    """uvicorn's access line, word for word as its formatter writes it without colours
    (`INFO:     127.0.0.1:5000 - "GET /path HTTP/1.1" 200 OK`), without copying the record
    twice and looking up the status's phrase on every line. Its arguments arrive redacted
    (the record factory)."""

    def format(self, record: logging.LogRecord) -> str:
        args = record.args
        if not isinstance(args, tuple) or len(args) != 5:
            return super().format(record)
        client, method, path, version, status = args
        phrase = _PHRASES.get(status, "") if isinstance(status, int) else ""
        return f'{record.levelname + ":":<9} {client} - "{method} {path} HTTP/{version}" {status} {phrase}'.rstrip()


def uvicorn_log_config() -> dict[str, Any]:
    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["access"] = {"()": AccessFormatter, "fmt": "%(levelname)s: %(message)s"}
    config.setdefault("filters", {})["redact_tokens"] = {"()": RedactTokens}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("redact_tokens")
    return config

"""No log line carries a secret or a forged line break, whichever logger writes it."""

import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from uvicorn.logging import AccessFormatter as UvicornAccessFormatter

from eventhub.logs import AccessFormatter, RedactTokens, install_redaction, redact, redact_always, uvicorn_log_config


def test_tokens_in_paths_are_redacted_from_access_lines() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/feeds/ehf_SECRETfeedTOKEN/calendar.ics?download=1", "1.1", 200), None,
    )
    RedactTokens().filter(record)
    line = record.getMessage()
    assert "SECRET" not in line
    assert "/feeds/[redacted]/calendar.ics?download=1" in line
    assert redact("/manage/ehm_abc123") == "/manage/[redacted]"
    assert redact("/missions/x/calendar.ics") == "/missions/x/calendar.ics"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("token eho_OrganiserSecret123 refused", "OrganiserSecret123"),
        ("Authorization: Bearer abcdefSECRET", "abcdefSECRET"),
        ("GET /missions/x/calendar.ics?token=SECRETvalue", "SECRETvalue"),
        ("cookie eventhub_session=SECRETsession; other=1", "SECRETsession"),
        ("manage link https://e.example/manage/SECRETnoPrefix", "SECRETnoPrefix"),
    ],
)
def test_secrets_anywhere_in_a_message_are_redacted(text: str, secret: str) -> None:
    assert secret not in redact(text)


def test_server_log_config_applies_the_filter_to_every_handler() -> None:
    config = uvicorn_log_config()
    assert all("redact_tokens" in h["filters"] for h in config["handlers"].values())


def test_every_logger_is_redacted_and_breaks_in_arguments_are_escaped(caplog: pytest.LogCaptureFixture) -> None:
    install_redaction()
    with caplog.at_level(logging.INFO):
        logging.getLogger("some.library").info("request for %s", "/manage/ehm_SECRET123456\r\nFAKE forged line")
        try:
            raise RuntimeError("failed for /feeds/ehf_SECRET987654/calendar.ics")
        except RuntimeError:
            logging.getLogger("eventhub").exception("unhandled error")
    text = caplog.text
    assert "SECRET" not in text
    assert "\nFAKE" not in text and "\\r\\nFAKE forged line" in text
    assert "/feeds/[redacted]/calendar.ics" in text


_PIECES = ["/manage/", "/feeds/", "/reset/", "/sign-in/link/", "/password-reset/", "ehm_", "eho_", "EHM_",
           "Bearer ", "bEaReR\t", "token=", "TOKEN=", "session=", "eventhub_csrf=", "eventhub_", "x", "Ab9-",
           "12345678", "/", "?", "&", ";", " ", "\"", "'", "\r\n", "é"]


@settings(max_examples=500)
@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join))
def test_the_quick_test_never_changes_what_is_redacted(text: str) -> None:
    assert redact(text) == redact_always(text)


def test_access_lines_read_as_uvicorn_writes_them() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/missions/x/calendar.ics?lang=ru", "1.1", 404), None,
    )
    theirs = UvicornAccessFormatter(fmt='%(levelprefix)s %(client_addr)s - "%(request_line)s" %(status_code)s',
                                    use_colors=False)
    assert AccessFormatter().format(record) == theirs.format(record)
    assert AccessFormatter().format(record) == 'INFO:     127.0.0.1:5000 - "GET /missions/x/calendar.ics?lang=ru HTTP/1.1" 404 Not Found'

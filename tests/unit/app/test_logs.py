"""No log line carries a secret or a forged line break, whichever logger writes it."""

import logging

import pytest

from eventhub.logs import RedactTokens, install_redaction, redact, uvicorn_log_config


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

import logging

from eventhub.logs import RedactTokens, redact, uvicorn_log_config


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


def test_server_log_config_applies_the_filter_to_every_handler() -> None:
    config = uvicorn_log_config()
    assert all("redact_tokens" in h["filters"] for h in config["handlers"].values())

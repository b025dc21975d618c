"""The commands' log lines: structured (the `extra=` fields are keys), JSON when asked, and with
secrets removed whether they come in the message, in a field or in a traceback."""

from __future__ import annotations

import json
import logging
import sys

from xerosync.cli.logs import formatter
from xerosync.redaction import REDACTED, forget_secrets, remember_secrets

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXBhcnQtaGVyZQ"


def _record(message: str, *, exc: bool = False, **extra: object) -> logging.LogRecord:
    info = None
    if exc:
        try:
            raise RuntimeError(f"refresh failed for {JWT}")
        except RuntimeError:
            info = sys.exc_info()
    record = logging.LogRecord("xerosync.jobs", logging.WARNING, __file__, 1, message, None, info)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_json_lines_carry_the_extra_fields_and_no_secret() -> None:
    remember_secrets("planted-client-secret-123")
    try:
        line = formatter("json").format(
            _record(
                "token.refreshed with planted-client-secret-123",
                exc=True,
                connection="conn-1",
                refresh_token="rt-value-that-must-not-appear",
                note=f"Bearer {JWT}",
            )
        )
    finally:
        forget_secrets()
    event = json.loads(line)
    assert event["connection"] == "conn-1"
    assert event["level"] == "warning"
    assert event["logger"] == "xerosync.jobs"
    assert event["refresh_token"] == REDACTED
    for secret in ("planted-client-secret-123", "rt-value-that-must-not-appear", JWT):
        assert secret not in line
    assert "RuntimeError" in event["exception"]  # the traceback is kept, without the token


def test_text_lines_read_as_key_value_pairs() -> None:
    line = formatter("text").format(_record("jobs.ran", kind="push", again_in=None))
    assert "event='jobs.ran'" in line
    assert "kind='push'" in line
    assert "level='warning'" in line

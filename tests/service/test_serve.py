"""`xerosync serve`: registered, configured from the environment, says what to set."""

from __future__ import annotations

import logging

import pytest
from typer.testing import CliRunner

from xerosync.cli.logs import _NoQueryStrings, _Redacting
from xerosync.cli.main import app


def test_serve_is_a_command_with_host_and_port() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--port" in result.output
    assert "--host" in result.output


def test_serve_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XEROSYNC_XERO_CLIENT_ID", "")
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "XEROSYNC_XERO_CLIENT_ID" in result.output


def test_access_log_lines_carry_no_query_string() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "",
        0,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:1", "GET", "/callback?code=secret-code&state=s", "1.1", 200),
        None,
    )
    assert _NoQueryStrings().filter(record)
    assert "secret-code" not in record.getMessage()
    assert "/callback" in record.getMessage()


def test_log_lines_are_redacted() -> None:
    record = logging.LogRecord(
        "xerosync.service",
        logging.INFO,
        "",
        0,
        "sent %s",
        ("Authorization: Bearer abcdefghijklmnop.qrstuvwx",),
        None,
    )
    assert _Redacting().filter(record)
    assert "abcdefghijklmnop" not in record.getMessage()

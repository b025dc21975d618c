"""`xerosync worker`: its options, and the error that says what to set."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from xerosync.cli.main import app
from xerosync.errors import ConfigError


def test_the_worker_command_is_on_the_cli() -> None:
    result = CliRunner().invoke(app, ["worker", "--help"])
    assert result.exit_code == 0, result.output
    for option in ("--workers", "--periodic", "--no-periodic"):
        assert option in result.output


def test_a_worker_without_a_xero_app_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XEROSYNC_XERO_CLIENT_ID", raising=False)
    result = CliRunner().invoke(app, ["worker", "--workers", "1"])
    assert isinstance(result.exception, ConfigError)
    assert "XEROSYNC_XERO_CLIENT_ID" in str(result.exception)

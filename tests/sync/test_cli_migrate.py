"""`xerosync migrate` creates the schema a new install needs, and says where."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from xerosync.cli.main import app
from xerosync.store.db import Database
from xerosync.store.migrate import pending_changes


def test_migrate_builds_the_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path}/fresh.db"
    monkeypatch.setenv("XEROSYNC_DATABASE_URL", url)
    result = CliRunner().invoke(app, ["migrate"])
    assert result.exit_code == 0, result.output
    assert "schema up to date" in result.output
    database = Database(url)
    assert pending_changes(database.engine) == []
    database.dispose()

"""`xerosync connections` and `xerosync disconnect`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke
from tests.sync.conftest import Harness


def test_connections_lists_the_organisation(harness: Harness, invoke: Invoke) -> None:
    result = invoke("connections")
    assert result.exit_code == 0, result.output
    for shown in (
        harness.connection,
        harness.tenant_id,
        "Acme Ltd",
        "connected",
        "test@example.com",
    ):
        assert shown in result.output


def test_connections_as_json_and_narrow(
    harness: Harness, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = invoke("connections", "--json")
    monkeypatch.setenv("COLUMNS", "80")
    narrow = invoke("connections")

    assert listed.exit_code == 0
    [row] = json.loads(listed.stdout)
    assert row["id"] == harness.connection
    assert (row["tenant_id"], row["organisation"], row["status"]) == (
        harness.tenant_id,
        "Acme Ltd",
        "connected",
    )
    # in 80 columns the id stays whole (it is copied into other commands)
    assert harness.connection in narrow.output
    assert "--json" in narrow.output


def test_no_connections_says_how_to_make_one(
    harness: Harness, invoke: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XEROSYNC_DATABASE_URL", f"sqlite:///{tmp_path}/empty.db")
    result = invoke("connections")
    assert result.exit_code == 0
    assert "xerosync connect" in result.output


def test_disconnect_pauses_the_connection_in_xero_and_here(
    harness: Harness, invoke: Invoke
) -> None:
    result = invoke("disconnect", harness.tenant_id)
    assert result.exit_code == 0, result.output
    assert "disconnected Acme Ltd" in result.output
    client_id = harness.emulator.state.config.demo_client_id
    assert harness.emulator.state.connection_for(client_id, harness.tenant_id) is None
    assert [r.status for r in harness.sync.connections()] == ["disconnected"]
    listed = invoke("connections")
    assert "disconnected" in listed.output


def test_disconnect_of_an_unknown_connection_is_exit_code_2(
    harness: Harness, invoke: Invoke
) -> None:
    result = invoke("disconnect", "no-such-connection")
    assert result.exit_code == 2
    assert "no connection 'no-such-connection'" in result.output
    assert [r.status for r in harness.sync.connections()] == ["connected"]

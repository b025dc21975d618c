"""Every command answers --help, and one that needs Xero says what to set (exit code 2)."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Invoke

COMMANDS = [
    ["serve"],
    ["worker"],
    ["emulator"],
    ["migrate"],
    ["demo"],
    ["connect"],
    ["connections"],
    ["disconnect"],
    ["sync"],
    ["plan"],
    ["status"],
    ["conflicts"],
    ["conflicts", "list"],
    ["conflicts", "show"],
    ["conflicts", "resolve"],
    ["deadletters"],
    ["deadletters", "list"],
    ["deadletters", "retry"],
    ["deadletters", "discard"],
    ["reconcile"],
    ["reports"],
    ["keys"],
    ["keys", "create"],
    ["keys", "list"],
    ["keys", "revoke"],
]

NEEDS_XERO = [
    ["connect", "--no-browser", "--timeout", "0"],
    ["connections"],
    ["disconnect", "some-connection"],
    ["sync"],
    ["plan"],
    ["status"],
    ["conflicts", "list"],
    ["conflicts", "show", "1"],
    ["conflicts", "resolve", "1", "--keep", "app"],
    ["deadletters", "list"],
    ["deadletters", "retry", "1"],
    ["deadletters", "discard", "1"],
    ["reconcile", "some-connection"],
    ["reports", "some-connection"],
    ["keys", "create", "shop"],
    ["keys", "list"],
    ["keys", "revoke", "some-key"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(invoke: Invoke, command: list[str]) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage: xerosync " + " ".join(command) in result.output


def test_the_top_level_help_lists_every_command(invoke: Invoke) -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for [name, *_] in COMMANDS:
        assert name in result.output


@pytest.mark.parametrize("command", NEEDS_XERO, ids=" ".join)
def test_a_missing_setting_is_named_with_exit_code_2(
    invoke: Invoke, command: list[str], no_settings: None, tmp_path: object
) -> None:
    result = invoke(*command)
    assert result.exit_code == 2, result.output
    assert "XEROSYNC_XERO_CLIENT_ID is not set" in result.output
    assert "Traceback" not in result.output


def test_an_unreadable_setting_is_named_with_exit_code_2(
    invoke: Invoke, no_settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XEROSYNC_PULL_EVERY_MINUTES", "often")
    result = invoke("connections")
    assert result.exit_code == 2
    assert "XEROSYNC_PULL_EVERY_MINUTES" in result.output


def test_an_unknown_option_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke("sync", "--everything")
    assert result.exit_code == 2
    assert "No such option" in result.output

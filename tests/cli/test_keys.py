"""`xerosync keys`: a REST key made (shown once), listed without it, and revoked."""

from __future__ import annotations

from tests.cli.conftest import Invoke
from tests.sync.conftest import Harness


def test_a_key_is_shown_once_works_listed_without_it_and_revoked(
    harness: Harness, invoke: Invoke
) -> None:
    made = invoke("keys", "create", "shop", "--connection", harness.tenant_id)

    assert made.exit_code == 0, made.output
    assert "shown once" in made.output
    [row] = harness.sync.api_keys()
    key = next(
        w for line in made.output.splitlines() for w in line.split() if w.startswith(row.prefix)
    )
    assert harness.sync.check_api_key(key) is not None
    assert row.connections == [harness.connection]

    listed = invoke("keys", "list")
    assert listed.exit_code == 0
    assert row.id in listed.output
    assert "shop" in listed.output
    assert key not in listed.output  # only its first characters
    assert f"{row.prefix}..." in listed.output

    revoked = invoke("keys", "revoke", row.id)
    assert revoked.exit_code == 0
    assert f"key {row.id} revoked" in revoked.output
    assert harness.sync.check_api_key(key) is None


def test_quiet_prints_the_key_alone_for_every_connection(harness: Harness, invoke: Invoke) -> None:
    made = invoke("keys", "create", "reporting", "--quiet")

    assert made.exit_code == 0
    key = made.output.strip()
    row = harness.sync.check_api_key(key)
    assert row is not None
    assert row.connections is None


def test_unknown_keys_and_connections_are_exit_code_2(harness: Harness, invoke: Invoke) -> None:
    revoke = invoke("keys", "revoke", "nokey")
    create = invoke("keys", "create", "shop", "--connection", "nobody")
    empty = invoke("keys", "list")

    assert revoke.exit_code == 2
    assert "no API key 'nokey'" in revoke.output
    assert create.exit_code == 2
    assert "no connection 'nobody'" in create.output
    assert harness.sync.api_keys() == []
    assert "no API keys" in empty.output

"""`xerosync reconcile`: the application's records against Xero's; drift is exit code 1 until
repaired, and the repair is pushed by `xerosync sync`."""

from __future__ import annotations

from tests.cli.conftest import Invoke
from tests.sync.conftest import Harness, contact
from tests.sync.test_merge_emulator import edit_in_xero, the_contact


def synced(harness: Harness, invoke: Invoke) -> str:
    harness.sync.submit_many(harness.connection, "contacts", [contact(1), contact(2)])
    assert invoke("sync").exit_code == 0
    status = harness.sync.status(harness.connection, "contacts", "cust-2")
    assert status is not None
    assert status.xero_id is not None
    return status.xero_id


def test_no_drift_is_exit_code_0(harness: Harness, invoke: Invoke) -> None:
    synced(harness, invoke)

    result = invoke("reconcile", harness.connection)

    assert result.exit_code == 0, result.output
    assert "no drift" in result.output


def test_drift_is_shown_exit_1_and_repair_closes_it(harness: Harness, invoke: Invoke) -> None:
    xero_id = synced(harness, invoke)
    # changed in Xero behind xerosync's back (no webhook, no pull since)
    edit_in_xero(harness, xero_id, Name="Someone Else")

    found = invoke("reconcile", harness.tenant_id)

    assert found.exit_code == 1
    assert "cust-2" in found.output
    assert "fields" in found.output
    assert "--repair" in found.output

    repaired = invoke("reconcile", harness.connection, "--repair")

    assert repaired.exit_code == 0, repaired.output
    assert "1 queued for push" in repaired.output
    assert invoke("sync", "--no-pull").exit_code == 0
    assert the_contact(harness, xero_id)["Name"] == "Customer 2"
    assert invoke("reconcile", harness.connection).exit_code == 0


def test_reconcile_needs_a_known_connection(harness: Harness, invoke: Invoke) -> None:
    missing = invoke("reconcile")
    unknown = invoke("reconcile", "nobody")

    assert missing.exit_code == 2
    assert unknown.exit_code == 2
    assert "no connection 'nobody'" in unknown.output

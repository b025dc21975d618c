"""`xerosync conflicts list|show|resolve`: a contact both sides renamed, under a `manual` rule,
decided field by field from the terminal and pushed by `xerosync sync`."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Connect, Invoke
from tests.sync.conftest import Harness, contact
from tests.sync.test_merge_emulator import edit_in_xero, pushed_contact, the_contact

MANUAL = {"rules": {"entities": {"contacts": "manual"}}}


@pytest.fixture
def disputed(connect: Connect) -> tuple[Harness, str, int]:
    """Name and e-mail changed in Xero and in the app: one open conflict of two fields."""
    harness = connect(MANUAL)
    sync, conn = harness.sync, harness.connection
    xero_id = pushed_contact(harness)
    edit_in_xero(harness, xero_id, Name="Hillcrest Coll", EmailAddress="accounts@xero.example")
    sync.submit(
        conn, "contacts", contact(1, name="Hillcrest College", email="accounts@app.example")
    )
    harness.clock.advance(2)
    assert sync.pull(conn, entities=["contacts"]).conflicts == 1
    [conflict] = sync.conflicts()
    return harness, xero_id, conflict.id


def test_list_and_show_name_the_record_and_both_values(
    disputed: tuple[Harness, str, int], invoke: Invoke
) -> None:
    _, _, conflict_id = disputed

    listed = invoke("conflicts", "list")
    shown = invoke("conflicts", "show", str(conflict_id))

    assert listed.exit_code == 0, listed.output
    assert "cust-1" in listed.output
    assert "email, name" in listed.output or "name, email" in listed.output
    assert shown.exit_code == 0, shown.output
    for value in ("Hillcrest", "Hillcrest College", "Hillcrest Coll", "accounts@xero.example"):
        assert value in shown.output
    assert f"Conflict {conflict_id}: contacts cust-1 (rule manual)" in shown.output


def test_resolve_keeps_one_side_for_a_field_and_sync_pushes_it(
    disputed: tuple[Harness, str, int], invoke: Invoke
) -> None:
    harness, xero_id, conflict_id = disputed

    result = invoke(
        "conflicts", "resolve", str(conflict_id), "--keep", "app", "--field", "name", "--by", "me"
    )

    assert result.exit_code == 0, result.output
    assert "name: kept app" in result.output
    assert "email: kept xero" in result.output
    assert harness.sync.conflicts() == []
    assert invoke("conflicts", "list").output.strip() == "no open conflicts"
    assert invoke("sync").exit_code == 0
    found = the_contact(harness, xero_id)
    assert (found["Name"], found["EmailAddress"]) == ("Hillcrest College", "accounts@xero.example")


def test_resolve_keeping_xero_everywhere_leaves_xero_as_it_is(
    disputed: tuple[Harness, str, int], invoke: Invoke
) -> None:
    harness, xero_id, conflict_id = disputed

    result = invoke("conflicts", "resolve", str(conflict_id), "--keep", "xero")

    assert result.exit_code == 0, result.output
    assert invoke("sync").exit_code == 0
    found = the_contact(harness, xero_id)
    assert (found["Name"], found["EmailAddress"]) == ("Hillcrest Coll", "accounts@xero.example")
    record = harness.sync.status(harness.connection, "contacts", "cust-1")
    assert record is not None
    assert record.state == "synced"


def test_unknown_conflicts_fields_and_sides_are_exit_code_2(
    disputed: tuple[Harness, str, int], invoke: Invoke
) -> None:
    harness, _, conflict_id = disputed

    unknown = invoke("conflicts", "show", "999")
    field = invoke("conflicts", "resolve", str(conflict_id), "--keep", "app", "--field", "phone")
    side = invoke("conflicts", "resolve", str(conflict_id), "--keep", "mine")

    assert unknown.exit_code == 2
    assert "no open conflict 999" in unknown.output
    assert field.exit_code == 2
    assert "has no field phone" in field.output
    assert side.exit_code == 2
    assert len(harness.sync.conflicts()) == 1

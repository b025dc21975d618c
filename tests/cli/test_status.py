"""`xerosync status`: counts per connection and entity, or one record's state."""

from __future__ import annotations

import re

from tests.cli.conftest import Invoke
from tests.sync.conftest import Harness, contact, invoice


def row_of(output: str, entity: str) -> list[str]:
    """The cells of `entity`'s row in a Rich table."""
    for line in output.splitlines():
        cells = [c.strip() for c in re.split(r"[│┃]", line) if c.strip()]
        if cells and cells[0] == entity:
            return cells
    raise AssertionError(f"no row for {entity} in:\n{output}")


def test_status_counts_pending_work_per_entity(harness: Harness, invoke: Invoke) -> None:
    harness.sync.submit_many(harness.connection, "contacts", [contact(n) for n in (1, 2, 3)])
    harness.sync.submit(harness.connection, "invoices", invoice(1))

    result = invoke("status")

    assert result.exit_code == 0, result.output
    assert f"Acme Ltd ({harness.connection}): connected" in result.output
    # entity, pending, in flight, synced, failed, conflicts, dead letters, last push, last pull
    assert row_of(result.output, "contacts")[:7] == ["contacts", "3", "0", "0", "0", "0", "0"]
    assert row_of(result.output, "invoices")[:2] == ["invoices", "1"]


def test_status_after_a_sync_shows_synced_records_and_when(
    harness: Harness, invoke: Invoke
) -> None:
    harness.sync.submit(harness.connection, "contacts", contact(1))
    assert invoke("sync").exit_code == 0

    result = invoke("status", harness.tenant_id)

    assert result.exit_code == 0, result.output
    contacts = row_of(result.output, "contacts")
    assert contacts[1] == "0"  # nothing pending
    assert int(contacts[3]) >= 1  # ours and the organisation's own, synced
    assert contacts[7].startswith("20")  # pushed, with its time
    assert contacts[8].startswith("20")  # pulled


def test_failed_records_are_exit_code_1(harness: Harness, invoke: Invoke) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit(conn, "contacts", contact(1))
    bad = {
        **invoice(1),
        "lines": [{"description": "x", "unit_amount": "1", "account_code": "9999"}],
    }
    sync.submit(conn, "invoices", bad)
    sync.push(conn)

    overview = invoke("status")
    record = invoke("status", conn, "invoices", "order-1")

    assert overview.exit_code == 1
    assert row_of(overview.output, "invoices")[4:7] == ["1", "0", "1"]  # failed, conflicts, dead
    assert record.exit_code == 1
    assert "failed" in record.output
    assert "account code '9999'" in record.output
    assert "xerosync deadletters list" in record.output


def test_one_synced_record_shows_its_xero_number(harness: Harness, invoke: Invoke) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit(conn, "contacts", contact(1))
    sync.submit(conn, "invoices", invoice(1))
    sync.push(conn)
    found = sync.status(conn, "invoices", "order-1")
    assert found is not None
    assert found.xero_id is not None

    result = invoke("status", conn, "invoices", "order-1")

    assert result.exit_code == 0, result.output
    assert "synced" in result.output
    assert found.xero_id in result.output
    assert str(found.number) in result.output


def test_an_unknown_record_or_connection_is_exit_code_2(harness: Harness, invoke: Invoke) -> None:
    record = invoke("status", harness.connection, "invoices", "order-404")
    connection = invoke("status", "nobody")
    half = invoke("status", harness.connection, "invoices")

    assert record.exit_code == 2
    assert "no invoices record 'order-404'" in record.output
    assert connection.exit_code == 2
    assert "no connection 'nobody'" in connection.output
    assert half.exit_code == 2
    assert "give both ENTITY and APP_ID" in half.output

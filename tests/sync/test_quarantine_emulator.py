"""One record Xero sends that cannot be read never stops a sync: the rest of its page is applied,
the bad one is kept whole in quarantine with the reason, and the app hears of it."""

from __future__ import annotations

import json

from tests.sync.conftest import Harness, contact, invoice


def test_a_page_with_one_unreadable_record_applies_the_others(harness: Harness) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit(conn, "contacts", contact(1))
    sync.submit_many(conn, "invoices", [invoice(n) for n in (1, 2, 3)])
    sync.push(conn)
    broken = sync.status(conn, "invoices", "order-2").xero_id  # type: ignore[union-attr]
    books = harness.emulator.state.tenants[harness.tenant_id].books
    books.invoices.collection.records[broken]["Date"] = ""  # what Xero has been seen to send

    report = sync.pull(conn, entities=["invoices"])

    assert report.finished, report.error
    assert report.quarantined == 1
    [kept] = sync.quarantined()
    assert kept.xero_id == broken
    assert "Date" in kept.reason
    assert json.loads(kept.raw)["InvoiceNumber"] == "ORD-0002"
    for n in (1, 3):
        status = sync.status(conn, "invoices", f"order-{n}")
        assert status is not None
        assert status.xero_status == "AUTHORISED"
    quarantined = [c for c in sync.changes(limit=1000) if c.kind == "quarantined"]
    assert [c.xero_id for c in quarantined] == [broken]

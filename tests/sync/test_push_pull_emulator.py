"""The whole loop against the emulator over HTTP: records in with the app's ids, pushed in
batches, read back with Xero's ids and numbers; a payment made in Xero comes back as "paid"."""

from __future__ import annotations

from decimal import Decimal

from tests.sync.conftest import Harness, contact, invoice


def test_push_creates_each_record_once_with_the_apps_references(harness: Harness) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit_many(conn, "contacts", [contact(n) for n in range(1, 4)])
    sync.submit_many(conn, "invoices", [invoice(n, customer=1 + n % 3) for n in range(1, 8)])

    report = sync.push(conn)

    assert report.finished
    assert report.ok == 10
    assert report.rejected == 0
    assert report.calls == 2  # one batch of contacts, one of invoices
    in_xero = [i for i in harness.xero("Invoices") if i["InvoiceNumber"].startswith("ORD-")]
    assert sorted(i["InvoiceNumber"] for i in in_xero) == [f"ORD-{n:04d}" for n in range(1, 8)]
    status = sync.status(conn, "invoices", "order-2")
    assert status is not None
    assert status.state == "synced"
    assert status.number == "ORD-0002"
    assert status.total == Decimal("115.00")
    named = next(i for i in in_xero if i["InvoiceID"] == status.xero_id)
    customer = sync.status(conn, "contacts", "cust-3")
    assert customer is not None
    assert named["Contact"]["ContactID"] == customer.xero_id
    kinds = [c.kind for c in sync.changes(limit=100)]
    assert kinds.count("pushed") == 10


def test_the_same_record_handed_in_twice_is_pushed_once(harness: Harness) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit(conn, "contacts", contact(1))
    sync.push(conn)
    again = sync.submit(conn, "contacts", contact(1))
    report = sync.push(conn)
    assert again.result == "unchanged"
    assert report.calls == 0
    assert len(harness.xero("Contacts", where='Name=="Customer 1"')) == 1


def test_an_invoice_paid_in_xero_is_reported_paid_after_a_pull(harness: Harness) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit(conn, "contacts", contact(1))
    sync.submit(conn, "invoices", invoice(1))
    sync.push(conn)
    xero_id = sync.status(conn, "invoices", "order-1").xero_id  # type: ignore[union-attr]
    with harness.api() as api:
        paid = api.put(
            "Payments",
            json={
                "Payments": [
                    {
                        "Invoice": {"InvoiceID": xero_id},
                        "Account": {"Code": "090"},
                        "Date": "2026-11-10",
                        "Amount": 115,
                    }
                ]
            },
        )
        assert paid.status_code == 200, paid.text
    harness.clock.advance(5)

    report = sync.pull(conn)

    assert report.finished, report.error
    status = sync.status(conn, "invoices", "order-1")
    assert status is not None
    assert status.paid
    assert status.amount_due == 0
    changes = sync.changes(limit=100)
    paid_events = [c for c in changes if c.kind == "paid"]
    assert [c.app_id for c in paid_events] == ["order-1"]
    assert any(c.kind == "payment_received" and c.data["invoice_id"] == "order-1" for c in changes)


def test_an_unchanged_pull_applies_nothing(harness: Harness) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit_many(conn, "contacts", [contact(n) for n in range(1, 4)])
    sync.push(conn)
    sync.pull(conn)
    before = len(sync.changes(limit=1000))
    again = sync.pull(conn)
    assert again.changed == 0
    assert again.created == 0
    assert len(sync.changes(limit=1000)) == before

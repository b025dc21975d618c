"""Reconciliation: after five records are changed behind xerosync's back in Xero, the drift
report names exactly those five, and repair (then a push) brings the drift to zero."""

from __future__ import annotations

from tests.sync.conftest import Harness, contact, invoice


def test_drift_finds_exactly_the_corrupted_records_and_repair_clears_it(harness: Harness) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit_many(conn, "contacts", [contact(n) for n in (1, 2, 3)])
    sync.submit_many(conn, "invoices", [invoice(n, customer=1) for n in range(1, 7)])
    sync.push(conn)
    sync.pull(conn)  # what the organisation already had is known from here on
    assert sync.drift(conn).clean

    def xero_id(entity: str, app_id: str) -> str:
        status = sync.status(conn, entity, app_id)
        assert status is not None
        assert status.xero_id is not None
        return status.xero_id

    with harness.api() as api:
        edits = [
            (
                "Invoices",
                {
                    "InvoiceID": xero_id("invoices", "order-1"),
                    "LineItems": [
                        {
                            "Description": "Order 1",
                            "Quantity": 1,
                            "UnitAmount": 90,
                            "AccountCode": "200",
                            "TaxType": "OUTPUT2",
                        }
                    ],
                },
            ),
            (
                "Invoices",
                {
                    "InvoiceID": xero_id("invoices", "order-2"),
                    "Contact": {"ContactID": xero_id("contacts", "cust-3")},
                },
            ),
            ("Invoices", {"InvoiceID": xero_id("invoices", "order-3"), "Status": "VOIDED"}),
            ("Contacts", {"ContactID": xero_id("contacts", "cust-2"), "Name": "Someone Else"}),
            (
                "Invoices",
                {
                    "Type": "ACCREC",
                    "Contact": {"ContactID": xero_id("contacts", "cust-1")},
                    "Date": "2026-11-03",
                    "DueDate": "2026-12-03",
                    "Status": "AUTHORISED",
                    "LineItems": [
                        {
                            "Description": "Typed in Xero",
                            "Quantity": 1,
                            "UnitAmount": 5,
                            "AccountCode": "200",
                        }
                    ],
                },
            ),
        ]
        for path, record in edits:
            method = (
                api.put if "InvoiceID" not in record and "ContactID" not in record else api.post
            )
            response = method(path, json={path: [record]})
            assert response.status_code == 200, response.text

    report = sync.drift(conn)

    found = sorted((d.entity, d.kind, d.app_id) for d in report.items)
    assert found == [
        ("contacts", "fields", "cust-2"),
        ("invoices", "amount", "order-1"),
        ("invoices", "contact", "order-2"),
        ("invoices", "missing_in_app", None),
        ("invoices", "status", "order-3"),
    ]
    queued = sync.repair(report)
    assert queued == {"push": 3, "pull": 1, "told": 1}
    assert sync.push(conn).ok == 3

    assert sync.drift(conn).items == []
    told = [
        c for c in sync.changes(limit=1000) if c.kind == "status_changed" and c.app_id == "order-3"
    ]
    assert told[-1].data["status"] == "VOIDED"

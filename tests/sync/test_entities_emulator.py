"""Every kind the app hands in reaches Xero in dependency order, and deletions become what Xero
allows: archive a contact, void an unpaid invoice, delete a payment, and refuse (once, clearly)
to void an invoice with payments."""

from __future__ import annotations

from decimal import Decimal

from tests.sync.conftest import Harness, contact, invoice


def test_credit_notes_payments_bank_transactions_and_journals_reach_xero(harness: Harness) -> None:
    sync, conn = harness.sync, harness.connection
    # handed in out of order: the push still sends contacts, then invoices, then what names them
    sync.submit(
        conn,
        "manual_journals",
        {
            "id": "mj-1",
            "narration": "Accrual for November",
            "date": "2026-11-30",
            "lines": [
                {"account_code": "429", "amount": "250.00"},
                {"account_code": "850", "amount": "-250.00"},
            ],
        },
    )
    sync.submit(
        conn,
        "bank_transactions",
        {
            "id": "payout-1",
            "type": "RECEIVE",
            "contact_id": "cust-1",
            "date": "2026-11-05",
            "lines": [
                {"description": "Card payout", "unit_amount": "40.00", "tax_class": "OUTPUT2"}
            ],
        },
    )
    sync.submit(
        conn,
        "payments",
        {"id": "pay-1", "invoice_id": "order-1", "date": "2026-11-06", "amount": "50.00"},
    )
    sync.submit(
        conn,
        "credit_notes",
        {
            "id": "cn-1",
            "contact_id": "cust-1",
            "number": "APP-CN-0001",
            "date": "2026-11-04",
            "lines": [{"description": "Refund", "unit_amount": "20.00", "tax_class": "OUTPUT2"}],
            "allocations": [{"invoice_id": "order-1", "amount": "23.00"}],
        },
    )
    sync.submit(conn, "invoices", invoice(1))
    sync.submit(conn, "contacts", contact(1))

    report = sync.push(conn)

    assert report.finished, report.error
    assert [d.messages for d in sync.dead_letters()] == []
    for entity, app_id in [
        ("contacts", "cust-1"),
        ("invoices", "order-1"),
        ("credit_notes", "cn-1"),
        ("payments", "pay-1"),
        ("bank_transactions", "payout-1"),
        ("manual_journals", "mj-1"),
    ]:
        status = sync.status(conn, entity, app_id)
        assert status is not None, app_id
        assert status.state == "synced", (app_id, status)
        assert status.xero_id, app_id
    harness.clock.advance(2)
    sync.pull(conn)
    paid = sync.status(conn, "invoices", "order-1")
    assert paid is not None
    assert paid.amount_paid == Decimal("50.00")
    assert paid.amount_due == Decimal("115.00") - Decimal("50.00") - Decimal("23.00")
    [note] = harness.xero(f"CreditNotes/{sync.status(conn, 'credit_notes', 'cn-1').xero_id}")  # type: ignore[union-attr]
    assert Decimal(str(note["RemainingCredit"])) == 0


def test_deletions_do_what_xero_allows(harness: Harness) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit_many(conn, "contacts", [contact(1), contact(2)])
    sync.submit_many(conn, "invoices", [invoice(1), invoice(2)])
    sync.submit(
        conn,
        "payments",
        {"id": "pay-1", "invoice_id": "order-2", "date": "2026-11-06", "amount": "115.00"},
    )
    sync.push(conn)
    harness.clock.advance(2)
    sync.pull(conn)

    sync.delete(conn, "invoices", "order-1")  # authorised, unpaid: voided
    sync.delete(conn, "invoices", "order-2")  # paid: Xero will not void it
    sync.delete(conn, "contacts", "cust-2")  # archived
    report = sync.push(conn)

    voided = sync.status(conn, "invoices", "order-1")
    assert voided is not None
    assert (voided.state, voided.xero_status) == ("deleted", "VOIDED")
    [letter] = sync.dead_letters()
    assert (letter.app_id, letter.reason) == ("order-2", "forbidden")
    assert "delete its payments first" in letter.messages[0]
    archived = sync.status(conn, "contacts", "cust-2")
    assert archived is not None
    assert archived.xero_status == "ARCHIVED"
    assert report.rejected == 1
    assert sync.push(conn).calls == 0  # refused once, not retried for ever

    sync.delete(conn, "payments", "pay-1")  # then the payment, and the invoice again
    sync.push(conn)
    harness.clock.advance(2)
    sync.pull(conn)
    sync.retry(letter.id)
    sync.push(conn)

    unpaid = sync.status(conn, "invoices", "order-2")
    assert unpaid is not None
    assert unpaid.xero_status == "VOIDED"
    assert sync.dead_letters() == []

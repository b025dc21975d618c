"""End to end: invoices changed through the Accounting API reach a receiver as INVOICE events;
a payment shows up as an INVOICE UPDATE, never as an event of its own (as in Xero)."""

from __future__ import annotations

from typing import Any

from tests.conftest import EmulatorFactory
from tests.emulator.test_webhooks import KEY, start_emulator
from tests.emulator.test_webhooks_e2e import kinds, subscribed_api
from xerosync.emulator.webhooks import WebhookReceiver
from xerosync.testing import serve


def test_a_payment_shows_up_as_an_invoice_update(emulator_factory: EmulatorFactory) -> None:
    emulator = start_emulator(emulator_factory)
    receiver = WebhookReceiver(KEY)
    with serve(receiver) as url, subscribed_api(emulator, url) as api:
        body: dict[str, Any] = {
            "Type": "ACCREC",
            "Contact": {"Name": "New Customer Ltd"},
            "Status": "AUTHORISED",
            "Date": "2026-01-05",
            "DueDate": "2026-02-05",
            "LineItems": [
                {"Description": "Work", "Quantity": 1, "UnitAmount": 100, "AccountCode": "200"}
            ],
        }
        made = api.put("/Invoices", json={"Invoices": [body]})
        assert made.status_code == 200, made.text
        invoice = made.json()["Invoices"][0]
        paid = api.put(
            "/Payments",
            json={
                "Payments": [
                    {
                        "Invoice": {"InvoiceID": invoice["InvoiceID"]},
                        "Account": {"Code": "090"},
                        "Amount": invoice["Total"],
                        "Date": "2026-01-10",
                    }
                ]
            },
        )
        assert paid.status_code == 200, paid.text
        emulator.state.webhooks.pump()
    contact_id = invoice["Contact"]["ContactID"]
    assert kinds(receiver) == [
        ("CONTACT", "CREATE", contact_id),  # the invoice named a new contact
        ("INVOICE", "CREATE", invoice["InvoiceID"]),
        ("INVOICE", "UPDATE", invoice["InvoiceID"]),  # the payment
    ]
    sequences = [(p["firstEventSequence"], p["lastEventSequence"]) for p in receiver.payloads]
    assert sequences == [(1, 3)]

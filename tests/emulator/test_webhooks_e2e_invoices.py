"""End to end: invoices changed through the Accounting API reach a receiver as INVOICE events;
a payment shows up as an INVOICE UPDATE, never as an event of its own (as in Xero)."""

from __future__ import annotations

from typing import Any

from tests.conftest import EmulatorFactory
from tests.emulator.test_webhooks import KEY, spec_validator, start_emulator
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


def test_credit_notes_make_creditnote_events_with_type_and_status(
    emulator_factory: EmulatorFactory,
) -> None:
    emulator = start_emulator(emulator_factory)
    receiver = WebhookReceiver(KEY)
    line = {"Description": "Work", "Quantity": 1, "UnitAmount": 50, "AccountCode": "200"}
    common = {"Contact": {"Name": "Marine Systems"}, "Status": "AUTHORISED", "Date": "2026-01-05"}
    with serve(receiver) as url, subscribed_api(emulator, url) as api:
        invoice = api.put(
            "/Invoices",
            json={
                "Invoices": [
                    {**common, "Type": "ACCREC", "DueDate": "2026-02-05", "LineItems": [line]}
                ]
            },
        ).json()["Invoices"][0]
        note = api.put(
            "/CreditNotes",
            json={"CreditNotes": [{**common, "Type": "ACCRECCREDIT", "LineItems": [line]}]},
        ).json()["CreditNotes"][0]
        emulator.state.webhooks.pump()
        allocated = api.put(
            f"/CreditNotes/{note['CreditNoteID']}/Allocations",
            json={
                "Allocations": [
                    {
                        "Invoice": {"InvoiceID": invoice["InvoiceID"]},
                        "Amount": note["Total"],
                        "Date": "2026-01-10",
                    }
                ]
            },
        )
        assert allocated.status_code == 200, allocated.text
        emulator.state.webhooks.pump()
    notes = [e for e in receiver.events if e["eventCategory"] == "CREDITNOTE"]
    assert [(e["eventType"], e["resourceId"]) for e in notes[:1]] == [
        ("CREATE", note["CreditNoteID"])
    ]
    assert notes[0]["data"] == {"Type": "ACCRECCREDIT", "Status": "AUTHORISED"}
    assert notes[0]["resourceUrl"] == f"{emulator.api_url}/CreditNotes/{note['CreditNoteID']}"
    # the allocation used up the credit and paid the invoice: both documents changed
    after = receiver.payloads[-1]["events"]
    assert ("CREDITNOTE", "UPDATE", note["CreditNoteID"]) in kinds_of(after)
    assert ("INVOICE", "UPDATE", invoice["InvoiceID"]) in kinds_of(after)
    assert notes[-1]["data"] == {"Type": "ACCRECCREDIT", "Status": "PAID"}
    only_notes = {**receiver.payloads[-1], "events": [e for e in after if "data" in e]}
    assert not list(spec_validator("CreditNoteWebhookEvent").iter_errors(only_notes))


def kinds_of(events: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(e["eventCategory"], e["eventType"], e["resourceId"]) for e in events]

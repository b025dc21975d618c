"""Payments over real HTTP: AmountDue and status move, Xero's refusals, deletion reverts."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.conftest import RunningEmulator
from tests.emulator.test_reports_api import figure, report
from tests.support.books_api import api_client

HAS_ALLOCATIONS = (
    "This document cannot be edited as it has a payment or credit note allocated to it."
)


@pytest.fixture
def api(emulator: RunningEmulator) -> Iterator[httpx.Client]:
    with api_client(emulator) as (client, _):
        yield client


def approved_invoice(api: httpx.Client, amount: float = 100, **fields: Any) -> dict[str, Any]:
    body = {
        "Type": "ACCREC",
        "Status": "AUTHORISED",
        "Contact": {"Name": "Marine Systems"},
        "Date": "2026-01-05",
        "DueDate": "2026-02-05",
        "LineItems": [
            {"Description": "Service", "Quantity": 1, "UnitAmount": amount, "AccountCode": "200"}
        ],
        **fields,
    }
    response = api.put("/Invoices", json={"Invoices": [body]})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()["Invoices"][0]
    return result


def pay(
    api: httpx.Client, invoice: dict[str, Any] | str, amount: float, **fields: Any
) -> httpx.Response:
    if isinstance(invoice, dict):
        ref = {"InvoiceID": invoice["InvoiceID"]}
    else:
        ref = {"InvoiceNumber": invoice}
    body = {"Invoice": ref, "Account": {"Code": "090"}, "Amount": amount, "Date": "2026-01-20"}
    body.update(fields)
    return api.post("/Payments", json={"Payments": [body]})


def fetch(api: httpx.Client, invoice_id: str) -> dict[str, Any]:
    result: dict[str, Any] = api.get(f"/Invoices/{invoice_id}").json()["Invoices"][0]
    return result


def messages(response: httpx.Response) -> list[str]:
    assert response.status_code == 400, response.text
    return [m["Message"] for m in response.json()["Elements"][0]["ValidationErrors"]]


def test_a_full_payment_flips_the_invoice_to_paid(
    api: httpx.Client, emulator: RunningEmulator
) -> None:
    invoice = approved_invoice(api)  # 100 + 15% GST
    assert invoice["AmountDue"] == 115
    emulator.clock.advance(30)
    response = pay(api, invoice, 115)
    assert response.status_code == 200, response.text
    payment = response.json()["Payments"][0]
    assert payment["Status"] == "AUTHORISED"
    assert payment["PaymentType"] == "ACCRECPAYMENT"
    assert payment["Amount"] == 115
    after = fetch(api, invoice["InvoiceID"])
    assert after["Status"] == "PAID"
    assert (after["AmountDue"], after["AmountPaid"]) == (0, 115)
    assert after["FullyPaidOnDate"] == "/Date(1768867200000+0000)/"  # 2026-01-20
    assert [p["PaymentID"] for p in after["Payments"]] == [payment["PaymentID"]]
    moved = int(after["UpdatedDateUTC"][6:-7]) - int(invoice["UpdatedDateUTC"][6:-7])
    assert moved == 30_000  # the payment changed the invoice: UpdatedDateUTC moves


def test_partial_payments_move_amount_due_until_paid(api: httpx.Client) -> None:
    invoice = approved_invoice(api, 200)  # 230.00
    assert pay(api, invoice, 30.5).status_code == 200
    middle = fetch(api, invoice["InvoiceID"])
    assert (middle["Status"], middle["AmountDue"], middle["AmountPaid"]) == (
        "AUTHORISED",
        199.5,
        30.5,
    )
    assert "FullyPaidOnDate" not in middle
    assert pay(api, invoice["InvoiceNumber"], 199.5).status_code == 200
    paid = fetch(api, invoice["InvoiceID"])
    assert (paid["Status"], paid["AmountDue"], paid["AmountPaid"]) == ("PAID", 0, 230)
    assert len(paid["Payments"]) == 2


def test_an_overpayment_is_refused_and_changes_nothing(api: httpx.Client) -> None:
    invoice = approved_invoice(api)
    assert messages(pay(api, invoice, 115.01)) == [
        "Payment amount exceeds the amount outstanding on this document"
    ]
    after = fetch(api, invoice["InvoiceID"])
    assert (after["AmountDue"], after["Status"], after["Payments"]) == (115, "AUTHORISED", [])


def test_only_authorised_documents_take_payments(api: httpx.Client) -> None:
    draft = approved_invoice(api, Status="DRAFT")
    assert messages(pay(api, draft, 10)) == [
        "Payments can only be made against Authorised documents"
    ]


def test_the_account_must_take_payments(api: httpx.Client) -> None:
    invoice = approved_invoice(api)
    refused = messages(pay(api, invoice, 10, Account={"Code": "200"}))
    assert "200" in refused[0]
    assert "EnablePaymentsToAccount" in refused[0]
    unknown = messages(pay(api, invoice, 10, Account={"Code": "999"}))
    assert unknown == [
        "Account code '999' has been removed as it does not match a recognised account."
    ]
    bank = api.get("/Accounts", params={"where": 'Code=="091"'}).json()["Accounts"][0]
    by_id = pay(api, invoice, 10, Account={"AccountID": bank["AccountID"]})
    assert by_id.status_code == 200, by_id.text
    assert by_id.json()["Payments"][0]["Account"]["Code"] == "091"


def test_deleting_a_payment_restores_amount_due_and_status(api: httpx.Client) -> None:
    invoice = approved_invoice(api)
    payment = pay(api, invoice, 115).json()["Payments"][0]
    assert fetch(api, invoice["InvoiceID"])["Status"] == "PAID"
    response = api.post(
        f"/Payments/{payment['PaymentID']}", json={"Payments": [{"Status": "DELETED"}]}
    )
    assert response.status_code == 200, response.text
    assert response.json()["Payments"][0]["Status"] == "DELETED"
    after = fetch(api, invoice["InvoiceID"])
    assert (after["Status"], after["AmountDue"], after["AmountPaid"]) == ("AUTHORISED", 115, 0)
    assert "FullyPaidOnDate" not in after
    assert after["Payments"] == []
    listed = api.get(f"/Payments/{payment['PaymentID']}").json()["Payments"][0]
    assert listed["Status"] == "DELETED"
    again = api.post(
        f"/Payments/{payment['PaymentID']}", json={"Payments": [{"Status": "DELETED"}]}
    )
    assert messages(again) == ["This payment has already been deleted."]


def test_payments_lock_the_invoice_against_void_and_financial_edits(api: httpx.Client) -> None:
    invoice = approved_invoice(api)
    assert pay(api, invoice, 50).status_code == 200
    void = api.post(f"/Invoices/{invoice['InvoiceID']}", json={"Invoices": [{"Status": "VOIDED"}]})
    assert messages(void) == [HAS_ALLOCATIONS]
    lines = api.post(
        f"/Invoices/{invoice['InvoiceID']}",
        json={
            "Invoices": [{"LineItems": [{"Description": "More", "Quantity": 1, "UnitAmount": 500}]}]
        },
    )
    assert messages(lines) == [HAS_ALLOCATIONS]
    reference = api.post(
        f"/Invoices/{invoice['InvoiceID']}", json={"Invoices": [{"Reference": "ok to change"}]}
    )
    assert reference.status_code == 200, reference.text
    assert fetch(api, invoice["InvoiceID"])["AmountDue"] == 65


def test_a_paid_invoice_cannot_be_edited(api: httpx.Client) -> None:
    invoice = approved_invoice(api)
    assert pay(api, invoice, 115).status_code == 200
    edit = api.post(
        f"/Invoices/{invoice['InvoiceID']}", json={"Invoices": [{"Reference": "too late"}]}
    )
    assert messages(edit) == [HAS_ALLOCATIONS]
    sent = api.post(
        f"/Invoices/{invoice['InvoiceID']}", json={"Invoices": [{"SentToContact": True}]}
    )
    assert sent.status_code == 200, sent.text


def test_put_batch_reports_each_payment(api: httpx.Client) -> None:
    one = approved_invoice(api)
    two = approved_invoice(api)
    batch = {
        "Payments": [
            {"Invoice": {"InvoiceID": one["InvoiceID"]}, "Account": {"Code": "090"}, "Amount": 15},
            {"Invoice": {"InvoiceID": two["InvoiceID"]}, "Account": {"Code": "090"}, "Amount": 500},
        ]
    }
    response = api.put("/Payments", json=batch, params={"summarizeErrors": "false"})
    assert response.status_code == 200, response.text
    results = response.json()["Payments"]
    assert [r["StatusAttributeString"] for r in results] == ["OK", "ERROR"]
    assert results[1]["HasValidationErrors"] is True
    assert fetch(api, one["InvoiceID"])["AmountDue"] == 100
    assert fetch(api, two["InvoiceID"])["AmountDue"] == 115


def test_payments_list_pages_and_if_modified_since(
    api: httpx.Client, emulator: RunningEmulator
) -> None:
    seeded = api.get("/Payments", params={"page": 1}).json()["pagination"]["itemCount"]
    invoice = approved_invoice(api, 1000)
    for _ in range(5):
        assert pay(api, invoice, 10).status_code == 200
    emulator.clock.advance(60)
    late = pay(api, invoice, 10).json()["Payments"][0]
    total = seeded + 6
    pages = [
        api.get("/Payments", params={"page": n, "pageSize": 4}).json()
        for n in range(1, -(-total // 4) + 2)
    ]
    assert pages[0]["pagination"] == {
        "page": 1,
        "pageSize": 4,
        "pageCount": -(-total // 4),
        "itemCount": total,
    }
    listed = [p["PaymentID"] for page in pages for p in page["Payments"]]
    assert len(listed) == len(set(listed)) == total
    assert pages[-1]["Payments"] == []
    since = emulator.clock.now().strftime("%Y-%m-%dT%H:%M:%S")
    changed = api.get("/Payments", headers={"If-Modified-Since": since}).json()["Payments"]
    assert [p["PaymentID"] for p in changed] == [late["PaymentID"]]
    where = api.get("/Payments", params={"where": 'Status=="AUTHORISED" AND Amount==10'})
    assert len(where.json()["Payments"]) == 6


def test_bill_payments_and_invoice_by_contact_number(api: httpx.Client) -> None:
    bill = approved_invoice(
        api, 40, Type="ACCPAY", Contact={"ContactNumber": "C018"}, InvoiceNumber="PD-X1"
    )
    assert bill["Contact"]["Name"] == "PowerDirect"  # C018 in the demo company
    payment = pay(api, bill, 46).json()["Payments"][0]
    assert payment["PaymentType"] == "ACCPAYPAYMENT"
    assert payment["Invoice"]["InvoiceID"] == bill["InvoiceID"]
    assert payment["Invoice"]["Status"] == "PAID"


def test_payment_refusals_for_unknown_invoices_and_edits(api: httpx.Client) -> None:
    unknown = pay(api, {"InvoiceID": "0c0b6a5e-1d7c-4e8e-9a3f-0123456789ab"}, 10)
    assert messages(unknown) == [
        "The document with the supplied id was not found for this endpoint."
    ]
    assert "could not be found" in messages(pay(api, "INV-9999", 10))[0]
    invoice = approved_invoice(api)
    payment = pay(api, invoice, 10).json()["Payments"][0]
    edit = api.post(f"/Payments/{payment['PaymentID']}", json={"Payments": [{"Amount": 5}]})
    assert messages(edit) == [
        "A payment cannot be changed; it can only be deleted (Status DELETED)."
    ]
    missing = api.post(
        "/Payments/0c0b6a5e-1d7c-4e8e-9a3f-0123456789ab",
        json={"Payments": [{"Status": "DELETED"}]},
    )
    assert missing.status_code == 404


def test_a_foreign_currency_payment_takes_the_invoice_rate(api: httpx.Client) -> None:
    invoice = approved_invoice(api, 60, CurrencyCode="USD", CurrencyRate=0.6)
    assert (invoice["CurrencyCode"], invoice["CurrencyRate"]) == ("USD", 0.6)
    payment = pay(api, invoice, 69).json()["Payments"][0]
    assert payment["CurrencyRate"] == 0.6
    assert payment["BankAmount"] == 115  # 69 USD at 0.6 USD per NZD
    assert fetch(api, invoice["InvoiceID"])["Status"] == "PAID"


def receivables(api: httpx.Client) -> Decimal:
    """Accounts Receivable on the balance sheet, and a check that the books balance."""
    sheet = report(api, "BalanceSheet", date="2026-12-31")
    assets, liabilities = figure(sheet, "Total Assets"), figure(sheet, "Total Liabilities")
    assert assets - liabilities == figure(sheet, "Total Equity")
    return figure(sheet, "Accounts Receivable")


def credit_note(api: httpx.Client, kind: str, amount: float) -> dict[str, Any]:
    body = {
        "Type": kind,
        "Status": "AUTHORISED",
        "Contact": {"Name": "Marine Systems"},
        "Date": "2026-01-05",
        "LineItems": [
            {"Description": "Refund", "Quantity": 1, "UnitAmount": amount, "AccountCode": "200"}
        ],
    }
    response = api.put("/CreditNotes", json={"CreditNotes": [body]})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()["CreditNotes"][0]
    return result


def refund(api: httpx.Client, ref: dict[str, Any], amount: float) -> httpx.Response:
    body = {**ref, "Account": {"Code": "090"}, "Amount": amount, "Date": "2026-01-20"}
    return api.put("/Payments", json={"Payments": [body]})


def test_a_credit_note_refund_uses_up_its_credit_and_deleting_it_restores_it(
    api: httpx.Client, emulator: RunningEmulator
) -> None:
    before = receivables(api)
    note = credit_note(api, "ACCRECCREDIT", 100)  # total 115.00 with GST
    ref = {"CreditNote": {"CreditNoteID": note["CreditNoteID"]}}
    assert receivables(api) == before - Decimal("115")
    part = refund(api, ref, 15)
    assert part.status_code == 200, part.text
    payment = part.json()["Payments"][0]
    assert payment["PaymentType"] == "ARCREDITPAYMENT"
    assert payment["CreditNote"]["CreditNoteID"] == note["CreditNoteID"]
    shown = api.get(f"/CreditNotes/{note['CreditNoteID']}").json()["CreditNotes"][0]
    assert (shown["RemainingCredit"], shown["Status"]) == (100, "AUTHORISED")
    assert messages(refund(api, ref, 100.01)) == [
        "Payment amount exceeds the amount outstanding on this document"
    ]
    rest = refund(api, ref, 100).json()["Payments"][0]
    shown = api.get(f"/CreditNotes/{note['CreditNoteID']}").json()["CreditNotes"][0]
    assert (shown["RemainingCredit"], shown["Status"]) == (0, "PAID")
    assert receivables(api) == before  # the customer got the money back: nothing owed either way
    listed = api.get("/Payments", params={"where": 'PaymentType=="ARCREDITPAYMENT"'}).json()
    assert {p["PaymentID"] for p in listed["Payments"]} == {payment["PaymentID"], rest["PaymentID"]}

    deleted = api.post(f"/Payments/{rest['PaymentID']}", json={"Status": "DELETED"})
    assert deleted.status_code == 200, deleted.text
    shown = api.get(f"/CreditNotes/{note['CreditNoteID']}").json()["CreditNotes"][0]
    assert (shown["RemainingCredit"], shown["Status"]) == (100, "AUTHORISED")
    assert receivables(api) == before - Decimal("100")
    for tenant in emulator.state.tenants.values():
        assert tenant.books.ledger.problems == []


def test_supplier_credit_and_prepayment_refunds(api: httpx.Client) -> None:
    supplier = credit_note(api, "ACCPAYCREDIT", 20)
    made = refund(api, {"CreditNote": {"CreditNoteID": supplier["CreditNoteID"]}}, 23)
    assert made.status_code == 200, made.text
    assert made.json()["Payments"][0]["PaymentType"] == "APCREDITPAYMENT"
    got = api.get(f"/CreditNotes/{supplier['CreditNoteID']}").json()["CreditNotes"][0]
    assert (got["RemainingCredit"], got["Status"]) == (0, "PAID")

    prepay = {
        "Type": "RECEIVE-PREPAYMENT",
        "Contact": {"Name": "Marine Systems"},
        "BankAccount": {"Code": "090"},
        "Date": "2026-01-10",
        "LineAmountTypes": "NoTax",
        "LineItems": [{"Description": "Deposit", "LineAmount": 50, "AccountCode": "200"}],
    }
    sent = api.put("/BankTransactions", json={"BankTransactions": [prepay]})
    assert sent.status_code == 200, sent.text
    prepayment_id = sent.json()["BankTransactions"][0]["PrepaymentID"]
    before = receivables(api)
    back = refund(api, {"Prepayment": {"PrepaymentID": prepayment_id}}, 30)
    assert back.status_code == 200, back.text
    assert back.json()["Payments"][0]["PaymentType"] == "ARPREPAYMENTPAYMENT"
    got = api.get(f"/Prepayments/{prepayment_id}").json()["Prepayments"][0]
    assert (got["RemainingCredit"], got["Status"]) == (20, "AUTHORISED")
    # a prepayment never sat on receivables (Xero posts it to its lines' account): its refund
    # moves its share there and the refund clears it, so receivables do not move
    assert receivables(api) == before

"""Posting rules on hand-worked examples: which accounts move, by how much, and when."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from tests.unit.test_ledger_activity import account_dicts
from xerosync.emulator.ledger import (
    Chart,
    Ledger,
    PostingError,
    journal_record,
    post_document,
    posting_for,
)

NOW = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
CHART = Chart(account_dicts())
CONTACT = {"ContactID": "5b0d0c4e-0000-4000-8000-000000000001"}


def nets(ledger: Ledger, at: date | None = None) -> dict[str, Decimal]:
    """Account code -> debit-positive balance, zero balances left out."""
    out = {a.code: ledger.balance(a.account_id, at) for a in CHART.accounts}
    return {code: value for code, value in out.items() if value}


def bill(**fields: Any) -> dict[str, Any]:
    """Xero's own Journals example: Fender Strats into inventory, 15% GST on expenses."""
    return {
        "InvoiceID": "5376633d-0456-43a3-8234-e457a3f50a12",
        "Type": "ACCPAY",
        "Status": "AUTHORISED",
        "Contact": CONTACT,
        "Date": "/Date(1552262400000+0000)/",
        "LineAmountTypes": "Exclusive",
        "LineItems": [
            {
                "Description": "Brand new Fender Strats",
                "AccountCode": "630",
                "LineAmount": "25000.00",
                "TaxAmount": "3750.00",
                "TaxType": "INPUT2",
            }
        ],
        "Total": "28750.00",
        **fields,
    }


def test_a_bill_posts_like_xeros_journal_example() -> None:
    ledger = Ledger()
    [entry] = post_document(ledger, "Invoice", None, bill(), CHART, now=NOW)
    record = journal_record(entry)
    assert record["JournalNumber"] == 1
    assert record["JournalDate"] == "/Date(1552262400000+0000)/"
    assert record["SourceType"] == "ACCPAY"
    lines = {x["AccountCode"]: x for x in record["JournalLines"]}
    assert lines["800"]["NetAmount"] == -28750.0
    assert lines["800"]["AccountType"] == "CURRLIAB"
    assert (lines["630"]["NetAmount"], lines["630"]["TaxAmount"], lines["630"]["GrossAmount"]) == (
        25000.0,
        3750.0,
        28750.0,
    )
    assert lines["630"]["TaxType"] == "INPUT2"
    assert lines["820"]["NetAmount"] == 3750.0


def test_tax_inclusive_lines_split_out_their_tax() -> None:
    sale = {
        "InvoiceID": "i-1",
        "Type": "ACCREC",
        "Status": "AUTHORISED",
        "Contact": CONTACT,
        "Date": "2026-01-05",
        "LineAmountTypes": "Inclusive",
        "LineItems": [{"AccountCode": "200", "LineAmount": "115.00", "TaxAmount": "15.00"}],
        "Total": "115.00",
    }
    ledger = Ledger()
    post_document(ledger, "Invoice", None, sale, CHART, now=NOW)
    assert nets(ledger) == {
        "610": Decimal("115.00"),
        "200": Decimal("-100.00"),
        "820": Decimal("-15.00"),
    }


def test_drafts_post_nothing_and_approval_posts_once() -> None:
    ledger = Ledger()
    draft = bill(Status="DRAFT")
    assert post_document(ledger, "Invoice", None, draft, CHART, now=NOW) == []
    approved = bill()
    assert len(post_document(ledger, "Invoice", draft, approved, CHART, now=NOW)) == 1
    paid = bill(Status="PAID", AmountDue="0.00")
    assert post_document(ledger, "Invoice", approved, paid, CHART, now=NOW) == []


def test_voiding_reverses_on_the_original_date() -> None:
    ledger = Ledger()
    post_document(ledger, "Invoice", None, bill(), CHART, now=NOW)
    [reversal] = post_document(ledger, "Invoice", bill(), bill(Status="VOIDED"), CHART, now=NOW)
    assert reversal.date == date(2019, 3, 11)
    assert reversal.posting.source_type == "ACCPAY"
    assert nets(ledger) == {}
    assert ledger.uses(CHART.resolve("630").account_id), "a voided document still used the account"


def test_editing_an_approved_invoice_reverses_and_reposts() -> None:
    ledger = Ledger()
    post_document(ledger, "Invoice", None, bill(), CHART, now=NOW)
    cheaper = bill(
        LineItems=[{"AccountCode": "630", "LineAmount": "20000.00", "TaxAmount": "3000.00"}],
        Total="23000.00",
        Date="2019-04-01",
    )
    entries = post_document(ledger, "Invoice", bill(), cheaper, CHART, now=NOW)
    assert [e.number for e in entries] == [2, 3]
    assert nets(ledger, date(2019, 3, 31)) == {}
    assert nets(ledger)["800"] == Decimal("-23000.00")


def test_payments_refunds_and_their_deletion() -> None:
    ledger = Ledger()
    payment = {
        "PaymentID": "p-1",
        "Date": date(2026, 1, 20),
        "Amount": Decimal("115.00"),
        "Account": {"Code": "090"},
        "Invoice": {"InvoiceID": "i-1", "Type": "ACCREC", "Contact": CONTACT},
        "Status": "AUTHORISED",
    }
    [entry] = post_document(ledger, "Payment", None, payment, CHART, now=NOW)
    assert entry.posting.source_type == "ACCRECPAYMENT"
    assert entry.posting.contact_id == CONTACT["ContactID"]
    assert nets(ledger) == {"090": Decimal("115.00"), "610": Decimal("-115.00")}
    post_document(ledger, "Payment", payment, {**payment, "Status": "DELETED"}, CHART, now=NOW)
    assert nets(ledger) == {}
    refund = {
        "PaymentID": "p-2",
        "Date": "2026-01-21",
        "Amount": "30",
        "Account": {"Code": "091"},
        "PaymentType": "ARCREDITPAYMENT",
        "Status": "AUTHORISED",
    }
    post_document(ledger, "Payments", None, refund, CHART, now=NOW)
    assert nets(ledger) == {"091": Decimal("-30.00"), "610": Decimal("30.00")}


def test_bank_transactions_transfers_and_manual_journals() -> None:
    ledger = Ledger()
    spend = {
        "BankTransactionID": "b-1",
        "Type": "SPEND",
        "Status": "AUTHORISED",
        "BankAccount": {"Code": "090"},
        "Date": "2026-01-03",
        "LineAmountTypes": "Exclusive",
        "LineItems": [{"AccountCode": "469", "LineAmount": "1000.00", "TaxAmount": "150.00"}],
        "Total": "1150.00",
    }
    prepayment = {
        "BankTransactionID": "b-2",
        "Type": "RECEIVE-PREPAYMENT",
        "Status": "AUTHORISED",
        "BankAccount": {"Code": "090"},
        "Contact": CONTACT,
        "Date": "2026-01-04",
        "LineItems": [{"AccountCode": "200", "LineAmount": "200.00", "TaxAmount": "30.00"}],
        "Total": "230.00",
    }
    overpayment = {  # overpayment lines carry no account; without a Total, lines make it
        "BankTransactionID": "b-4",
        "Type": "RECEIVE-OVERPAYMENT",
        "Status": "AUTHORISED",
        "BankAccount": {"Code": "090"},
        "Contact": CONTACT,
        "Date": "2026-01-04",
        "LineItems": [{"Description": "Overpaid", "LineAmount": "20.00"}],
    }
    transfer_half = {**spend, "BankTransactionID": "b-3", "Type": "SPEND-TRANSFER"}
    transfer = {
        "BankTransferID": "t-1",
        "FromBankAccount": {"Code": "090"},
        "ToBankAccount": {"Code": "091"},
        "Amount": "500",
        "Date": "2026-01-05",
    }
    journal = {
        "ManualJournalID": "m-1",
        "Narration": "Depreciation",
        "Status": "POSTED",
        "Date": "2026-01-31",
        "JournalLines": [
            {"AccountCode": "416", "LineAmount": "80.00"},
            {"AccountCode": "711", "LineAmount": "-80.00"},
        ],
    }
    for kind, doc in [
        ("BankTransaction", spend),
        ("BankTransaction", prepayment),
        ("BankTransaction", overpayment),
        ("BankTransaction", transfer_half),
        ("BankTransfer", transfer),
        ("ManualJournal", journal),
    ]:
        post_document(ledger, kind, None, doc, CHART, now=NOW)
    assert nets(ledger) == {
        "090": Decimal("-1400.00"),  # -1150 + 230 + 20 - 500
        "091": Decimal("500.00"),
        "469": Decimal("1000.00"),
        "820": Decimal("120.00"),  # 150 on the spend, less the prepayment's 30
        "200": Decimal("-200.00"),  # the prepayment's line, as Xero posts it
        "610": Decimal("-20.00"),  # unallocated overpayment: credit on the customer
        "416": Decimal("80.00"),
        "711": Decimal("-80.00"),
    }
    assert {e.posting.source_type for e in ledger.entries} == {
        "CASHPAID",
        "ARPREPAYMENT",
        "AROVERPAYMENT",
        "TRANSFER",
        "MANJOURNAL",
    }
    assert ledger.debits(CHART.resolve("090").account_id, None, None) == Decimal("250.00")


def test_foreign_currency_and_rounding_land_on_the_rounding_account() -> None:
    usd = {
        "InvoiceID": "i-usd",
        "Type": "ACCREC",
        "Status": "AUTHORISED",
        "Contact": CONTACT,
        "Date": "2026-01-05",
        "CurrencyCode": "USD",
        "CurrencyRate": "0.6",
        "LineItems": [
            {"AccountCode": "200", "LineAmount": "10.00", "TaxAmount": "0"},
            {"AccountCode": "260", "LineAmount": "10.00", "TaxAmount": "0"},
        ],
        "Total": "20.00",
    }
    posting = posting_for("Invoice", usd, CHART)
    assert posting is not None
    by_code = {x.account.code: x.net for x in posting.lines}
    assert by_code["610"] == Decimal("33.33")  # 20 / 0.6
    assert by_code["200"] == by_code["260"] == Decimal("-16.67")
    assert by_code["860"] == Decimal("0.01")
    assert sum(by_code.values()) == 0


def test_unknown_accounts_are_refused_before_anything_is_written() -> None:
    ledger = Ledger()
    wrong = bill(LineItems=[{"AccountCode": "999", "LineAmount": "1.00"}], Total="1.00")
    with pytest.raises(PostingError, match="999"):
        post_document(ledger, "Invoice", None, wrong, CHART, now=NOW)
    assert len(ledger) == 0
    no_debtors = Chart(a for a in account_dicts() if a["SystemAccount"] != "DEBTORS")
    with pytest.raises(PostingError, match="DEBTORS"):
        post_document(Ledger(), "Invoice", None, bill(Type="ACCREC"), no_debtors, now=NOW)


def test_a_foreign_payment_clears_receivables_at_the_invoice_rate() -> None:
    ledger = Ledger()
    usd = {
        "InvoiceID": "I-USD",
        "Type": "ACCREC",
        "Status": "AUTHORISED",
        "Contact": CONTACT,
        "Date": "2026-01-05",
        "CurrencyCode": "USD",
        "CurrencyRate": Decimal("0.5"),
        "LineItems": [{"AccountCode": "200", "LineAmount": "100.00", "TaxAmount": "0"}],
        "Total": "100.00",
    }
    post_document(ledger, "Invoice", None, usd, CHART, now=NOW)
    assert nets(ledger) == {"610": Decimal("200.00"), "200": Decimal("-200.00")}

    def payment(pid: str, amount: str, rate: str) -> dict[str, Any]:
        return {
            "PaymentID": pid,
            "Date": "2026-01-20",
            "Amount": amount,
            "CurrencyRate": Decimal(rate),
            "Account": {"Code": "090"},
            "Invoice": {"InvoiceID": "i-usd", "Type": "ACCREC", "Contact": CONTACT},
        }

    post_document(ledger, "Payment", None, payment("p-1", "60.00", "0.4"), CHART, now=NOW)
    assert nets(ledger)["610"] == Decimal("80.00")  # 60 USD at the invoice's 0.5
    assert nets(ledger)["090"] == Decimal("150.00")  # 60 USD at the payment's 0.4
    assert nets(ledger)["860"] == Decimal("-30.00")  # the gain (no currency-gain account here)
    post_document(ledger, "Payment", None, payment("p-2", "40.00", "1"), CHART, now=NOW)
    assert nets(ledger).get("610") is None, "a payment without its own rate uses the invoice's"
    assert nets(ledger)["090"] == Decimal("230.00")

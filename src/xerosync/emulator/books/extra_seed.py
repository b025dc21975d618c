"""The demo company's other documents: tracking, a second currency, credit notes, bank
transactions and a transfer, manual journals, purchase orders, quotes, a repeating invoice,
a billable expense (linked transaction) and an expense claim of two receipts.

Deterministic (fixed dates and amounts; ids from the seed's id source) and made through
the same `create` paths as API writes, after the invoices (`invoice_seed`) exist.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from xerosync.emulator.books.readonly import (
    seed_documents,
    seed_expense_claim,
    seed_recurring_and_linked,
)
from xerosync.emulator.books.writes import WriteContext

if TYPE_CHECKING:
    from xerosync.emulator.books import Books


def seed_more(books: Books) -> None:
    ctx = WriteContext(now=books.clock.now())
    books.tracking.create(
        {"Name": "Region", "Options": [{"Name": "North"}, {"Name": "South"}]}, ctx
    )
    books.currency_list.create({"Code": "USD"}, ctx)
    _credit_notes(books, ctx)
    _bank(books, ctx)
    for narration, amount, debit, credit, status in (
        ("Depreciation for the quarter", "450", "416", "711", "POSTED"),
        ("Accrued rent", "1200", "469", "850", "POSTED"),
        ("Reclassify suspense", "80", "429", "850", "DRAFT"),
    ):
        books.manual_journals.create(
            {
                "Narration": narration,
                "Date": "2025-12-31",
                "Status": status,
                "JournalLines": [
                    {"LineAmount": amount, "AccountCode": debit, "Description": narration},
                    {"LineAmount": "-" + amount, "AccountCode": credit, "Description": narration},
                ],
            },
            ctx,
        )
    seed_documents(books)
    seed_recurring_and_linked(books)
    seed_expense_claim(books)


def _credit_notes(books: Books, ctx: WriteContext) -> None:
    """A refund credit allocated in full to an open invoice, and an unallocated one."""
    target = _open_invoice(books, "Hamilton Smith Ltd")
    for contact, amount, status in (
        ("Hamilton Smith Ltd", 20, "AUTHORISED"),
        ("Boom FM", 65, "AUTHORISED"),
    ):
        note = books.credit_notes.create(
            {
                "Type": "ACCRECCREDIT",
                "Contact": {"Name": contact},
                "Date": "2025-12-02",
                "Status": status,
                "LineItems": [
                    {
                        "Description": "Goodwill credit",
                        "Quantity": 1,
                        "UnitAmount": amount,
                        "AccountCode": "200",
                    }
                ],
            },
            ctx,
        )
        if target is not None and contact == "Hamilton Smith Ltd":
            books.credit_notes.allocate(
                note,
                {
                    "Invoice": {"InvoiceID": target["InvoiceID"]},
                    "Amount": str(note["Total"]),
                    "Date": "2025-12-03",
                },
                ctx,
            )
    books.credit_notes.create(
        {
            "Type": "ACCPAYCREDIT",
            "Contact": {"Name": "PowerDirect"},
            "CreditNoteNumber": "PD-CR-01",
            "Date": "2025-12-05",
            "Status": "AUTHORISED",
            "LineItems": [
                {
                    "Description": "Billing error",
                    "Quantity": 1,
                    "UnitAmount": 25,
                    "AccountCode": "445",
                }
            ],
        },
        ctx,
    )


def _open_invoice(books: Books, contact_name: str) -> dict[str, Any] | None:
    contact = books.contacts.by_active_name(contact_name)
    if contact is None:
        return None
    for invoice_id in sorted(
        books.invoices.collection.find("Contact.ContactID", contact["ContactID"])
    ):
        invoice = books.invoices.get(invoice_id)
        if (
            invoice is not None
            and invoice["Status"] == "AUTHORISED"
            and invoice["Type"] == "ACCREC"
        ):
            return invoice
    return None


def _bank(books: Books, ctx: WriteContext) -> None:
    def line(text: str, amount: float, code: str) -> dict[str, Any]:
        return {"Description": text, "Quantity": 1, "UnitAmount": amount, "AccountCode": code}

    for kind, contact, lines, on in (
        ("SPEND", "Capital Cab Co", [line("Airport taxi", 64.5, "493")], "2025-11-04"),
        (
            "SPEND",
            "Central Copiers",
            [line("Paper", 38, "461"), line("Courier", 12, "425")],
            "2025-11-11",
        ),
        ("RECEIVE", "Rex Media Group", [line("Interest refund", 120, "260")], "2025-11-19"),
        (
            "RECEIVE-PREPAYMENT",
            "Young Bros Transport",
            [line("Deposit on app build", 500, "200")],
            "2025-11-25",
        ),
        (
            "RECEIVE-OVERPAYMENT",
            "Bayside Club",
            [{"Description": "Paid twice", "LineAmount": 40}],
            "2025-11-28",
        ),
    ):
        books.bank_transactions.create(
            {
                "Type": kind,
                "Contact": {"Name": contact},
                "BankAccount": {"Code": "090"},
                "Date": on,
                "Reference": f"{kind.title()} {on}",
                "LineItems": lines,
                "LineAmountTypes": "NoTax" if kind.endswith("OVERPAYMENT") else "Exclusive",
            },
            ctx,
        )
    books.bank_transfers.create(
        {
            "FromBankAccount": {"Code": "090"},
            "ToBankAccount": {"Code": "091"},
            "Amount": "2000",
            "Date": "2025-12-01",
            "Reference": "To savings",
        },
        WriteContext(now=datetime(2025, 12, 1, 9, 0, tzinfo=UTC)),
    )

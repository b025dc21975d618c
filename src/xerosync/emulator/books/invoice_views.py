"""How invoices read: the full view, Xero's list shapes, searchTerm, contact balances.

Pure functions of the books and a stored record (the store keeps Python values; JSON is
made later by `render`).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from xerosync.emulator.books import lifecycle as lc
from xerosync.emulator.books.contact_names import plain
from xerosync.emulator.books.documents import embedded
from xerosync.emulator.books.store import Record

if TYPE_CHECKING:
    from xerosync.emulator.books import Books

# What `summaryOnly=true` keeps (no lines, no nested documents).
SUMMARY = [
    "Type",
    "InvoiceID",
    "InvoiceNumber",
    "Reference",
    "Contact",
    "Date",
    "DueDate",
    "DateString",
    "DueDateString",
    "Status",
    "LineAmountTypes",
    "SubTotal",
    "TotalTax",
    "Total",
    "TotalDiscount",
    "AmountDue",
    "AmountPaid",
    "AmountCredited",
    "CurrencyCode",
    "CurrencyRate",
    "FullyPaidOnDate",
    "IsDiscounted",
    "HasAttachments",
    "HasErrors",
    "SentToContact",
    "UpdatedDateUTC",
    "UpdatedDateUTCString",
]
UNLISTED = frozenset({"LineItems"})
_OPTIONAL_DATES = ("DueDate", "ExpectedPaymentDate", "PlannedPaymentDate", "FullyPaidOnDate")


def show(books: Books, record: Record) -> Record:
    """The full invoice (GET by id, write responses): the contact as it is now."""
    shown = dict(record)
    contact = books.contacts.get(record["Contact"]["ContactID"])
    if contact is None:
        shown["Contact"] = plain(record["Contact"])  # stored live (`contact_names`)
    else:
        shown["Contact"] = {"ContactID": contact["ContactID"], "Name": contact.get("Name", "")}
        if contact.get("ContactStatus"):
            shown["Contact"]["ContactStatus"] = contact["ContactStatus"]
    shown["Contact"] = embedded(shown["Contact"])
    for key in _OPTIONAL_DATES:
        if shown.get(key) is None:
            shown.pop(key, None)
    return shown


def listed(books: Books, record: Record, *, paged: bool, summary: bool) -> Record:
    """Xero's quirk: listed without `page`, invoices come without line items."""
    shown = show(books, record)
    if summary:
        return {k: shown[k] for k in SUMMARY if k in shown}
    if not paged:
        for key in UNLISTED:
            shown.pop(key, None)
    return shown


def search_filter(term: str) -> Callable[[Record], bool]:
    """`searchTerm`: case-insensitive, over InvoiceNumber and Reference."""
    needle = term.lower()

    def matches(record: Record) -> bool:
        number = str(record.get("InvoiceNumber") or "").lower()
        return needle in number or needle in str(record.get("Reference") or "").lower()

    return matches


def balances(books: Books, contact_id: str) -> Record:
    """A contact's outstanding and overdue receivables and payables (AUTHORISED invoices)."""
    today = books.clock.now().date()
    sums = {"ACCREC": [Decimal(0), Decimal(0)], "ACCPAY": [Decimal(0), Decimal(0)]}
    invoices = books.invoices.collection
    for invoice_id in invoices.find("Contact.ContactID", contact_id):
        invoice = invoices.records[invoice_id]
        if invoice["Status"] != lc.AUTHORISED:
            continue
        pair = sums[invoice["Type"]]
        pair[0] += invoice["AmountDue"]
        if invoice.get("DueDate") and invoice["DueDate"] < today:
            pair[1] += invoice["AmountDue"]
    return {
        "AccountsReceivable": {"Outstanding": sums["ACCREC"][0], "Overdue": sums["ACCREC"][1]},
        "AccountsPayable": {"Outstanding": sums["ACCPAY"][0], "Overdue": sums["ACCPAY"][1]},
    }

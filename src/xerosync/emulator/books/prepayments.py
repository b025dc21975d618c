"""Prepayments and overpayments: money received or spent ahead of (or beyond) an invoice.

They come into being only through bank transactions of type RECEIVE-PREPAYMENT,
SPEND-PREPAYMENT, RECEIVE-OVERPAYMENT or SPEND-OVERPAYMENT (`from_bank_transaction`),
carrying the transaction's contact, lines and totals, `RemainingCredit = Total` and status
AUTHORISED; the API reads them and allocates them to invoices (`books.allocations`,
`PUT /Prepayments/{id}/Allocations`). One class serves both kinds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xerosync.emulator.books.allocations import used
from xerosync.emulator.books.dates import date_string
from xerosync.emulator.books.documents import embedded
from xerosync.emulator.books.entity import Entity
from xerosync.emulator.books.store import Collection, Record, index_key

if TYPE_CHECKING:
    from xerosync.emulator.books import Books

_COMMON = [
    "Type",
    "Contact",
    "Date",
    "Status",
    "LineAmountTypes",
    "LineItems",
    "SubTotal",
    "TotalTax",
    "Total",
    "UpdatedDateUTC",
    "CurrencyCode",
    "CurrencyRate",
    "Reference",
    "RemainingCredit",
    "Allocations",
    "Payments",
    "HasAttachments",
]


class Credits(Entity):
    """`Prepayments` or `Overpayments` (chosen by `kind`)."""

    error_flag = ""

    def __init__(self, books: Books, kind: str) -> None:
        super().__init__(books)
        self.kind = kind  # "Prepayment" | "Overpayment"
        self.plural = kind + "s"
        self.type_name = kind
        self.id_field = kind + "ID"
        self.collection = Collection(
            self.plural,
            self.id_field,
            indexes={
                "Status": lambda r: index_key(r.get("Status")),
                "Type": lambda r: index_key(r.get("Type")),
                "Contact.ContactID": lambda r: index_key(r["Contact"].get("ContactID")),
                "Reference": lambda r: index_key(r.get("Reference") or None),
            },
            fields=[*_COMMON, self.id_field],
            updated_string=True,
        )

    def view(self, record: Record) -> Record:
        shown = dict(record)
        shown["Contact"] = embedded(record["Contact"])
        return shown

    def from_bank_transaction(self, transaction: Record) -> Record:
        """Create or refresh the record a prepayment/overpayment bank transaction makes."""
        record_id = transaction.get(self.id_field) or self.books.new_id()
        existing = self.get(record_id)
        status = transaction["Status"]
        if status == "DELETED":
            status = "VOIDED"
        allocated = used(existing) if existing else 0
        if status == "AUTHORISED" and allocated >= transaction["Total"]:
            status = "PAID"
        record: Record = {
            self.id_field: record_id,
            "ID": record_id,
            "Type": transaction["Type"],
            "Contact": transaction["Contact"],
            "Date": transaction["Date"],
            "DateString": date_string(transaction["Date"]),
            "Status": status,
            "LineAmountTypes": transaction["LineAmountTypes"],
            "LineItems": transaction["LineItems"],
            "SubTotal": transaction["SubTotal"],
            "TotalTax": transaction["TotalTax"],
            "Total": transaction["Total"],
            "CurrencyCode": transaction["CurrencyCode"],
            "CurrencyRate": transaction["CurrencyRate"],
            "Reference": transaction.get("Reference", ""),
            "RemainingCredit": transaction["Total"] - allocated if status == "AUTHORISED" else 0,
            "Allocations": existing["Allocations"] if existing else [],
            "Payments": existing["Payments"] if existing else [],
            "HasAttachments": False,
        }
        return self.store(record)

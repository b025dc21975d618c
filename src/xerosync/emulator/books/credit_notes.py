"""Credit notes (ACCRECCREDIT to customers, ACCPAYCREDIT from suppliers) and their
allocations to invoices.

Priced like invoices (`documents.price`), same status machine (`lifecycle`). An
ACCRECCREDIT without a number gets the next `CN-0001`; ACCRECCREDIT numbers are unique.
`RemainingCredit` starts at Total; an allocation (`allocate`) moves credit onto an
AUTHORISED invoice of the same contact and matching type (ACCRECCREDIT -> ACCREC,
ACCPAYCREDIT -> ACCPAY), raising the invoice's AmountCredited and lowering its AmountDue
(PAID at zero), and lowering RemainingCredit (the credit note is PAID at zero).
Deleting an allocation undoes both. A credit note with allocations cannot be voided or
have its amounts edited ("This document cannot be edited as it has a payment or credit
note allocated to it.").
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from xerosync.emulator.books import allocations
from xerosync.emulator.books import lifecycle as lc
from xerosync.emulator.books.contact_names import plain
from xerosync.emulator.books.dates import date_string
from xerosync.emulator.books.documents import (
    SalesNumbers,
    contact_ref,
    copy_header,
    document_collection,
    embedded,
    price,
    resolve_contact,
    status_of,
)
from xerosync.emulator.books.entity import Entity
from xerosync.emulator.books.invoice_lines import check_accounts
from xerosync.emulator.books.store import Record, index_key, norm_id
from xerosync.emulator.books.totals import money
from xerosync.emulator.books.writes import Invalid, WriteContext

if TYPE_CHECKING:
    from xerosync.emulator.books import Books

INVOICE_TYPE = {"ACCRECCREDIT": "ACCREC", "ACCPAYCREDIT": "ACCPAY"}
TYPE_REQUIRED = "Credit Note Type must be ACCRECCREDIT or ACCPAYCREDIT."  # emulator's wording
NUMBER_NOT_UNIQUE = "Credit Note # must be unique."  # emulator's wording, after invoices'
NOTE_NOT_FOUND = "An existing Credit Note with the specified CreditNoteID could not be found"
FIELDS = [
    "Type",
    "Contact",
    "Date",
    "DueDate",
    "Status",
    "LineAmountTypes",
    "LineItems",
    "SubTotal",
    "TotalTax",
    "Total",
    "UpdatedDateUTC",
    "CurrencyCode",
    "CurrencyRate",
    "FullyPaidOnDate",
    "CreditNoteID",
    "CreditNoteNumber",
    "Reference",
    "SentToContact",
    "RemainingCredit",
    "Allocations",
    "AppliedAmount",
    "Payments",
    "BrandingThemeID",
    "HasAttachments",
    "HasErrors",
]
_DATES = ("DueDate",)
_HEADER_TEXT = {"Reference": 255, "BrandingThemeID": 36}


class CreditNotes(Entity):
    plural = "CreditNotes"
    type_name = "CreditNote"
    id_field = "CreditNoteID"
    error_flag = "HasErrors"

    def __init__(self, books: Books) -> None:
        super().__init__(books)
        self.collection = document_collection(
            books, "CreditNotes", "CreditNoteID", "CreditNoteNumber", "ACCRECCREDIT", FIELDS
        )
        self._numbers = SalesNumbers("CN", "CreditNoteNumber", "ACCRECCREDIT")

    # -- lookups -------------------------------------------------------------------

    def by_number(self, number: str) -> Record | None:
        return self.collection.first("sales_number", index_key(number.strip()))

    def match(self, data: Record) -> Record | None:
        if data.get("CreditNoteID"):
            found = self.get(data["CreditNoteID"])
            if found is None:
                raise Invalid(NOTE_NOT_FOUND)
            return found
        number = data.get("CreditNoteNumber")
        kind = str(data.get("Type") or "ACCRECCREDIT").upper()
        if isinstance(number, str) and number.strip() and kind == "ACCRECCREDIT":
            return self.by_number(number)
        return None

    # -- writes --------------------------------------------------------------------

    def create(self, data: Record, ctx: WriteContext) -> Record:
        if data.get("CreditNoteID") and self.get(data["CreditNoteID"]) is not None:
            raise Invalid("A credit note with this CreditNoteID already exists.")
        kind = str(data.get("Type") or "").upper()
        if kind not in INVOICE_TYPE:
            raise Invalid(TYPE_REQUIRED)
        status, problem = lc.creation_status(status_of(data))
        if problem:
            raise Invalid(problem.replace("Invoice", "Credit Note"))
        record: Record = {
            "Type": kind,
            "CreditNoteID": self.books.new_id(),
            "CreditNoteNumber": "",
            "Reference": "",
            "Status": status,
            "LineAmountTypes": "Exclusive",
            "CurrencyCode": self.books.base_currency,
            "CurrencyRate": Decimal("1"),
            "Date": ctx.now.date(),
            "LineItems": [],
            "Allocations": [],
            "Payments": [],
            "SentToContact": False,
            "HasAttachments": False,
            "HasErrors": False,
        }
        contact = self._apply(record, data, ctx, existing=None)
        check_accounts(record, data, None)
        if kind == "ACCRECCREDIT" and not record["CreditNoteNumber"]:
            record["CreditNoteNumber"] = self._numbers.allocate(self.collection)
        record["Contact"] = contact_ref(contact())
        return self.store(record)

    def update(self, record: Record, data: Record, ctx: WriteContext) -> Record:
        if data.get("Type") and str(data["Type"]).upper() != record["Type"]:
            raise Invalid("The Type of an existing credit note cannot be changed.")
        allocated = bool(record["Allocations"] or record["Payments"])
        requested = status_of(data)
        if requested:
            problem = lc.check_status_change(record["Status"], requested, has_payments=allocated)
            if problem:
                raise Invalid(problem.replace("Invoice", "Credit Note"))
        updated = dict(record)
        contact = self._apply(updated, data, ctx, existing=record)
        changed = {k for k in FIELDS if k != "Status" and updated.get(k) != record.get(k)}
        if _other_contact(data.get("Contact"), record["Contact"]):
            changed.add("Contact")
        invoice_type = INVOICE_TYPE[record["Type"]]
        problem = lc.check_edit(record["Status"], invoice_type, changed, has_payments=allocated)
        if problem:
            raise Invalid(problem.replace("Invoice", "Credit Note"))
        check_accounts(updated, data, record)
        updated["Contact"] = contact_ref(contact())
        if updated["Status"] in (lc.VOIDED, lc.DELETED):
            updated["RemainingCredit"] = money(Decimal(0))
        return self.store(updated)

    def _apply(
        self, record: Record, data: Record, ctx: WriteContext, existing: Record | None
    ) -> Callable[[], Record]:
        contact = resolve_contact(self.books, data, ctx, existing)
        errors: list[str] = []
        copy_header(self.books, record, data, existing, dates=_DATES, texts=_HEADER_TEXT)
        if self._numbers.take(self.collection, record, data, existing):
            errors.append(NUMBER_NOT_UNIQUE)
        errors.extend(
            price(
                self.books,
                record,
                data,
                ctx,
                line_type=INVOICE_TYPE[record["Type"]],
                existing=existing,
            )
        )
        if errors:
            raise Invalid(*errors)
        record["DateString"] = date_string(record["Date"])
        if record.get("DueDate"):
            record["DueDateString"] = date_string(record["DueDate"])
        record["RemainingCredit"] = money(record["Total"] - allocations.used(record))
        return contact

    # -- allocations (books.allocations) ------------------------------------------------

    def allocate(self, note: Record, data: Record, ctx: WriteContext) -> Record:
        """Apply part of `note`'s credit to an invoice; returns the allocation as shown."""
        return allocations.allocate(self, note, data, ctx)

    def remove_allocation(self, note: Record, allocation_id: str) -> Record:
        """Delete an allocation: the credit goes back to the note, the debt to the invoice."""
        return allocations.remove(self, note, allocation_id)

    # -- reads -----------------------------------------------------------------------

    def view(self, record: Record) -> Record:
        shown = dict(record)
        shown["ID"] = record["CreditNoteID"]  # Xero repeats the id as `ID`
        contact = self.books.contacts.get(record["Contact"]["ContactID"])
        shown["Contact"] = embedded(
            contact_ref(contact) if contact is not None else plain(shown["Contact"])
        )
        for key in ("FullyPaidOnDate", "DueDate"):
            if shown.get(key) is None:
                shown.pop(key, None)
        return shown


def _other_contact(ref: object, current: Record) -> bool:
    """Does a Contact sent with an update name another contact than `current`?"""
    if not isinstance(ref, dict) or not ref:
        return False
    if ref.get("ContactID"):
        return norm_id(ref["ContactID"]) != norm_id(current["ContactID"])
    name = str(ref.get("Name") or "").strip().lower()
    return bool(name) and name != str(current.get("Name") or "").lower()

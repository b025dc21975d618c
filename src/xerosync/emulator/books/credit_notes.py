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

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from xerosync.emulator.books import lifecycle as lc
from xerosync.emulator.books.currencies import apply_currency
from xerosync.emulator.books.dates import date_string
from xerosync.emulator.books.documents import (
    amount_types,
    contact_ref,
    day,
    price,
    resolve_contact,
)
from xerosync.emulator.books.entity import NOT_FOUND, Entity, flag, text
from xerosync.emulator.books.money import parse_decimal
from xerosync.emulator.books.store import Collection, Record, index_key, norm_id
from xerosync.emulator.books.totals import money
from xerosync.emulator.books.writes import Invalid, WriteContext

if TYPE_CHECKING:
    from xerosync.emulator.books import Books

INVOICE_TYPE = {"ACCRECCREDIT": "ACCREC", "ACCPAYCREDIT": "ACCPAY"}
TYPE_REQUIRED = "Credit Note Type must be ACCRECCREDIT or ACCPAYCREDIT."  # emulator's wording
NUMBER_NOT_UNIQUE = "Credit Note # must be unique."  # emulator's wording, after invoices'
OVER_ALLOCATED = "Credit Note cannot be allocated as amount is greater than amount outstanding"
WRONG_TYPE = "Credit Note cannot be allocated to an incorrect invoice type"
ALREADY_PAID = "The invoice you are trying to allocate to has already been paid off"
NOT_AUTHORISED = "Only Authorised credit notes can be allocated."  # emulator's wording
INVOICE_NOT_AUTHORISED = "Credit notes can only be allocated to Authorised invoices."  # emulator's
OTHER_CONTACT = "The credit note and the invoice must be for the same contact."  # emulator's
OTHER_CURRENCY = "The credit note and the invoice must be in the same currency."  # emulator's
NOT_POSITIVE = "The allocation Amount must be greater than zero."  # emulator's wording
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
_NUMBER = re.compile(r"^CN-(\d+)$")


def _sales_number(record: Record) -> Any:
    if record.get("Type") != "ACCRECCREDIT" or not record.get("CreditNoteNumber"):
        return None
    return index_key(str(record["CreditNoteNumber"]).strip())


class CreditNotes(Entity):
    plural = "CreditNotes"
    type_name = "CreditNote"
    id_field = "CreditNoteID"
    error_flag = "HasErrors"

    def __init__(self, books: Books) -> None:
        super().__init__(books)
        self.collection = Collection(
            "CreditNotes",
            "CreditNoteID",
            indexes={
                "Status": lambda r: index_key(r.get("Status")),
                "Type": lambda r: index_key(r.get("Type")),
                "Contact.ContactID": lambda r: index_key(r["Contact"].get("ContactID")),
                "CreditNoteNumber": lambda r: index_key(r.get("CreditNoteNumber") or None),
                "sales_number": _sales_number,
            },
            fields=FIELDS,
            updated_string=True,
        )
        self._next_number = 1

    # -- lookups -------------------------------------------------------------------

    def by_number(self, number: str) -> Record | None:
        return self.collection.first("sales_number", index_key(number.strip()))

    def match(self, data: Record) -> Record | None:
        found = super().match(data)
        if found is not None:
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
        status, problem = lc.creation_status(_status_of(data))
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
        if kind == "ACCRECCREDIT" and not record["CreditNoteNumber"]:
            record["CreditNoteNumber"] = self._allocate_number()
        record["Contact"] = contact_ref(contact())
        return self.store(record)

    def update(self, record: Record, data: Record, ctx: WriteContext) -> Record:
        if data.get("Type") and str(data["Type"]).upper() != record["Type"]:
            raise Invalid("The Type of an existing credit note cannot be changed.")
        allocated = bool(record["Allocations"])
        requested = _status_of(data)
        if requested:
            problem = lc.check_status_change(record["Status"], requested, has_payments=allocated)
            if problem:
                raise Invalid(problem.replace("Invoice", "Credit Note"))
        updated = dict(record)
        contact = self._apply(updated, data, ctx, existing=record)
        changed = {k for k in FIELDS if k != "Status" and updated.get(k) != record.get(k)}
        if "Contact" in data:
            changed.add("Contact")
        invoice_type = INVOICE_TYPE[record["Type"]]
        problem = lc.check_edit(record["Status"], invoice_type, changed, has_payments=allocated)
        if problem:
            raise Invalid(problem.replace("Invoice", "Credit Note"))
        updated["Contact"] = contact_ref(contact())
        if updated["Status"] in (lc.VOIDED, lc.DELETED):
            updated["RemainingCredit"] = money(Decimal(0))
        return self.store(updated)

    def _apply(
        self, record: Record, data: Record, ctx: WriteContext, existing: Record | None
    ) -> Callable[[], Record]:
        contact = resolve_contact(self.books, data, ctx, existing)
        errors: list[str] = []
        record["LineAmountTypes"] = amount_types(data, record["LineAmountTypes"])
        requested = _status_of(data)
        if requested and existing is not None:
            record["Status"] = requested
        if data.get("Date"):
            record["Date"] = day(data, "Date")
        if "DueDate" in data:
            record["DueDate"] = day(data, "DueDate") if data["DueDate"] else None
        for key, limit in (("Reference", 255), ("BrandingThemeID", 36)):
            value = text(data, key, max_length=limit)
            if value is not None:
                record[key] = value
        sent = flag(data, "SentToContact")
        if sent is not None:
            record["SentToContact"] = sent
        apply_currency(self.books, record, data)
        number = text(data, "CreditNoteNumber", max_length=255)
        if number is not None and number.strip():
            record["CreditNoteNumber"] = number.strip()
            if record["Type"] == "ACCRECCREDIT":
                other = self.by_number(number)
                if other is not None and (existing is None or other is not existing):
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
        allocated = sum((a["Amount"] for a in record["Allocations"]), Decimal(0))
        record["RemainingCredit"] = money(record["Total"] - allocated)
        return contact

    def _allocate_number(self) -> str:
        if not self.collection:
            self._next_number = 1
        while True:
            number = f"CN-{self._next_number:04d}"
            self._next_number += 1
            if not self.collection.find("sales_number", number):
                return number

    # -- allocations -------------------------------------------------------------------

    def allocate(self, note: Record, data: Record, ctx: WriteContext) -> Record:
        """Apply part of `note`'s credit to an invoice; returns the allocation as shown."""
        invoices = self.books.invoices
        ref = data.get("Invoice")
        if not isinstance(ref, dict) or not (ref.get("InvoiceID") or ref.get("InvoiceNumber")):
            raise Invalid("The allocation must name an Invoice by InvoiceID.")  # emulator's
        invoice = invoices.require(ref)
        amount = _amount(data)
        on = day(data, "Date") if data.get("Date") else ctx.now.date()
        errors: list[str] = []
        if note["Status"] not in (lc.AUTHORISED, lc.PAID):
            errors.append(NOT_AUTHORISED)
        if invoice["Type"] != INVOICE_TYPE[note["Type"]]:
            errors.append(WRONG_TYPE)
        if invoice["Status"] == lc.PAID:
            errors.append(ALREADY_PAID)
        elif invoice["Status"] != lc.AUTHORISED:
            errors.append(INVOICE_NOT_AUTHORISED)
        if norm_id(invoice["Contact"]["ContactID"]) != norm_id(note["Contact"]["ContactID"]):
            errors.append(OTHER_CONTACT)
        if invoice.get("CurrencyCode") != note.get("CurrencyCode"):
            errors.append(OTHER_CURRENCY)
        if amount <= 0:
            errors.append(NOT_POSITIVE)
        elif amount > note["RemainingCredit"] or amount > invoice["AmountDue"]:
            errors.append(OVER_ALLOCATED)
        if errors:
            raise Invalid(*errors)
        allocation: Record = {
            "AllocationID": self.books.new_id(),
            "Amount": amount,
            "Date": on,
            "Invoice": {
                "InvoiceID": invoice["InvoiceID"],
                "InvoiceNumber": invoice["InvoiceNumber"],
            },
        }
        self._credit_invoice(invoice, note, amount, on)
        updated = dict(note)
        updated["Allocations"] = [*note["Allocations"], allocation]
        self._settle(updated, on)
        return self.allocation_view(updated, allocation)

    def remove_allocation(self, note: Record, allocation_id: str) -> Record:
        """Delete an allocation: the credit goes back to the note, the debt to the invoice."""
        wanted = norm_id(allocation_id)
        allocation = next((a for a in note["Allocations"] if a["AllocationID"] == wanted), None)
        if allocation is None:
            raise LookupError(allocation_id)
        invoice = self.books.invoices.get(allocation["Invoice"]["InvoiceID"])
        if invoice is not None:
            self._credit_invoice(invoice, note, -allocation["Amount"], None)
        updated = dict(note)
        updated["Allocations"] = [a for a in note["Allocations"] if a["AllocationID"] != wanted]
        self._settle(updated, None)
        return {**self.allocation_view(updated, allocation), "IsDeleted": True}

    def allocation_view(self, note: Record, allocation: Record) -> Record:
        return {
            **allocation,
            "CreditNote": {
                "CreditNoteID": note["CreditNoteID"],
                "CreditNoteNumber": note.get("CreditNoteNumber", ""),
                "Type": note["Type"],
            },
        }

    def _settle(self, note: Record, on: date | None) -> None:
        allocated = sum((a["Amount"] for a in note["Allocations"]), Decimal(0))
        note["RemainingCredit"] = money(note["Total"] - allocated)
        status = lc.status_after_payments(note["Status"], note["RemainingCredit"])
        if status == lc.PAID and note["Status"] != lc.PAID:
            note["FullyPaidOnDate"] = on
        elif status != lc.PAID:
            note.pop("FullyPaidOnDate", None)
        note["Status"] = status
        self.store(note)

    def _credit_invoice(
        self, invoice: Record, note: Record, amount: Decimal, on: date | None
    ) -> None:
        """Move the invoice's AmountCredited by `amount` (negative to undo)."""
        updated = dict(invoice)
        updated["AmountCredited"] = money(invoice["AmountCredited"] + amount)
        listed = [
            c for c in invoice.get("CreditNotes", []) if c["CreditNoteID"] != note["CreditNoteID"]
        ]
        applied = (
            sum(
                (
                    a["Amount"]
                    for a in note["Allocations"]
                    if a["Invoice"]["InvoiceID"] == invoice["InvoiceID"]
                ),
                Decimal(0),
            )
            + amount
        )
        if applied > 0:
            listed.append(
                {
                    "CreditNoteID": note["CreditNoteID"],
                    "CreditNoteNumber": note.get("CreditNoteNumber", ""),
                    "AppliedAmount": money(applied),
                    "Total": note["Total"],
                    "Date": note["Date"],
                    "HasErrors": False,
                }
            )
        updated["CreditNotes"] = listed
        due = money(updated["Total"] - updated["AmountPaid"] - updated["AmountCredited"])
        updated["AmountDue"] = due
        status = lc.status_after_payments(invoice["Status"], due)
        if status == lc.PAID and invoice["Status"] != lc.PAID:
            updated["FullyPaidOnDate"] = on
        elif status != lc.PAID:
            updated.pop("FullyPaidOnDate", None)
        updated["Status"] = status
        self.books.invoices.store(updated)

    # -- reads -----------------------------------------------------------------------

    def view(self, record: Record) -> Record:
        shown = dict(record)
        contact = self.books.contacts.get(record["Contact"]["ContactID"])
        if contact is not None:
            shown["Contact"] = contact_ref(contact)
        for key in ("FullyPaidOnDate", "DueDate"):
            if shown.get(key) is None:
                shown.pop(key, None)
        return shown


def _status_of(data: Record) -> str | None:
    value = data.get("Status")
    if value is None or value == "":
        return None
    status = str(value).upper()
    if status not in lc.STATUSES:
        raise Invalid(f"'{value}' is not a valid Status.")
    return status


def _amount(data: Record) -> Decimal:
    if data.get("Amount") is None:
        raise Invalid("Amount is required.")
    try:
        return money(parse_decimal(data["Amount"]))
    except ValueError as exc:
        raise Invalid(f"The Amount '{data['Amount']}' is not a valid number.") from exc


__all__ = ["NOTE_NOT_FOUND", "NOT_FOUND", "CreditNotes"]


class AllocationWriter:
    """The write pipeline's view of `PUT /CreditNotes/{id}/Allocations`: each element
    allocates part of one credit note (re-read each time, as allocations replace it)."""

    plural = "Allocations"
    id_field = "AllocationID"
    error_flag = ""

    def __init__(self, notes: CreditNotes, note_id: str) -> None:
        self.notes = notes
        self.note_id = note_id

    def match(self, data: Record) -> Record | None:
        return None

    def create(self, data: Record, ctx: WriteContext) -> Record:
        note = self.notes.get(self.note_id)
        if note is None:
            raise Invalid(NOTE_NOT_FOUND)
        return self.notes.allocate(note, data, ctx)

    def update(self, record: Record, data: Record, ctx: WriteContext) -> Record:
        raise Invalid("An allocation cannot be changed; delete it and allocate again.")

    def view(self, record: Record) -> Record:
        return dict(record)

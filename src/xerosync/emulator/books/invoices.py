"""Invoices (ACCREC sales invoices and ACCPAY bills) of one organisation.

The server prices every invoice (`invoice_lines` + `totals`: client totals are ignored,
as Xero ignores a Total that does not add up) and enforces the status machine
(`lifecycle`). Numbering: an ACCREC without `InvoiceNumber` gets the next `INV-0001`
style number; ACCREC numbers are unique ("Invoice # must be unique."), ACCPAY numbers
are not. POST matches an existing invoice by InvoiceID, else an ACCREC by number. A
contact named but unknown is created, as Xero does; an unknown ContactID is refused.
Payments change invoices only through `apply_payment` / `remove_payment`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from xerosync.emulator.books import invoice_views
from xerosync.emulator.books import lifecycle as lc
from xerosync.emulator.books.dates import date_string
from xerosync.emulator.books.documents import (
    SalesNumbers,
    copy_header,
    document_collection,
    price,
    resolve_known_contact,
    status_of,
)
from xerosync.emulator.books.entity import NOT_FOUND, Entity
from xerosync.emulator.books.invoice_lines import check_accounts
from xerosync.emulator.books.store import Record, index_key, norm_id
from xerosync.emulator.books.totals import amount_due, money
from xerosync.emulator.books.writes import Invalid, WriteContext

if TYPE_CHECKING:
    from xerosync.emulator.books import Books

TYPES = frozenset({"ACCREC", "ACCPAY"})
NUMBER_NOT_UNIQUE = "Invoice # must be unique."
TYPE_REQUIRED = "Invoice Type must be ACCREC or ACCPAY."  # emulator's wording
TYPE_FIXED = "The Type of an existing invoice cannot be changed."  # emulator's wording

FIELDS = [
    "Type",
    "Contact",
    "LineItems",
    "Date",
    "DueDate",
    "LineAmountTypes",
    "InvoiceNumber",
    "Reference",
    "BrandingThemeID",
    "Url",
    "CurrencyCode",
    "CurrencyRate",
    "Status",
    "SentToContact",
    "ExpectedPaymentDate",
    "PlannedPaymentDate",
    "SubTotal",
    "TotalTax",
    "Total",
    "TotalDiscount",
    "InvoiceID",
    "HasAttachments",
    "IsDiscounted",
    "Payments",
    "Prepayments",
    "Overpayments",
    "AmountDue",
    "AmountPaid",
    "FullyPaidOnDate",
    "AmountCredited",
    "UpdatedDateUTC",
    "CreditNotes",
    "HasErrors",
]
_DATES = ("DueDate", "ExpectedPaymentDate", "PlannedPaymentDate")
_HEADER_TEXT = {"Reference": 255, "Url": 2000, "BrandingThemeID": 36}


class Invoices(Entity):
    plural = "Invoices"
    type_name = "Invoice"
    id_field = "InvoiceID"
    error_flag = "HasErrors"

    def __init__(self, books: Books) -> None:
        super().__init__(books)
        self.collection = document_collection(
            books, "Invoices", "InvoiceID", "InvoiceNumber", "ACCREC", FIELDS
        )
        self.created_by: dict[str, str] = {}  # InvoiceID -> client id (createdByMyApp)
        self.used_items: set[str] = set()  # ItemIDs on any invoice line
        books.items.in_use = self.used_items.__contains__
        self._numbers = SalesNumbers("INV", "InvoiceNumber", "ACCREC")
        books.contacts.balances = self.balances

    # -- lookups -------------------------------------------------------------------

    def by_number(self, number: str, invoice_type: str | None = None) -> Record | None:
        """The ACCREC with this number (unique), else any invoice with it."""
        if invoice_type in (None, "ACCREC"):
            found = self.collection.first("sales_number", index_key(number.strip()))
            if found is not None or invoice_type == "ACCREC":
                return found
        return self.collection.first("InvoiceNumber", index_key(number.strip()))

    def match(self, data: Record) -> Record | None:
        found = super().match(data)
        if found is not None:
            return found
        number = data.get("InvoiceNumber")
        kind = str(data.get("Type") or "ACCREC").upper()
        if isinstance(number, str) and number.strip() and kind == "ACCREC":
            return self.by_number(number, "ACCREC")
        return None

    def require(self, ref: object) -> Record:
        """The invoice a payment names: `{"InvoiceID": ..}` or `{"InvoiceNumber": ..}`."""
        if isinstance(ref, Mapping):
            if ref.get("InvoiceID"):
                found = self.get(ref["InvoiceID"])
                if found is None:
                    raise Invalid(NOT_FOUND)
                return found
            if ref.get("InvoiceNumber"):
                found = self.by_number(str(ref["InvoiceNumber"]))
                if found is None:
                    raise Invalid(f"Invoice number '{ref['InvoiceNumber']}' could not be found.")
                return found
        raise Invalid("The payment must name an Invoice by InvoiceID or InvoiceNumber.")

    # -- writes --------------------------------------------------------------------

    def create(self, data: Record, ctx: WriteContext) -> Record:
        if data.get("InvoiceID") and self.get(data["InvoiceID"]) is not None:
            raise Invalid("An invoice with this InvoiceID already exists.")
        kind = str(data.get("Type") or "").upper()
        if kind not in TYPES:
            raise Invalid(TYPE_REQUIRED)
        status, problem = lc.creation_status(status_of(data))
        if problem:
            raise Invalid(problem)
        record: Record = {
            "Type": kind,
            "InvoiceID": self.books.new_id(),
            "InvoiceNumber": "",
            "Reference": "",
            "Status": status,
            "LineAmountTypes": "Exclusive",
            "CurrencyCode": self.books.base_currency,
            "CurrencyRate": Decimal("1"),
            "Date": ctx.now.date(),
            "LineItems": [],
            "Payments": [],
            "CreditNotes": [],
            "Prepayments": [],
            "Overpayments": [],
            "AmountPaid": money(Decimal(0)),
            "AmountCredited": money(Decimal(0)),
            "SentToContact": False,
            "HasAttachments": False,
            "HasErrors": False,
        }
        _, contact = self._apply(record, data, ctx, existing=None)
        check_accounts(record, data, None)
        if kind == "ACCREC" and not record["InvoiceNumber"]:
            record["InvoiceNumber"] = self._numbers.allocate(self.collection)
        record["Contact"] = self._contact_ref(contact(), kind)
        stored = self._keep(record)
        if ctx.client_id:
            self.created_by[stored["InvoiceID"]] = ctx.client_id
        return stored

    def update(self, record: Record, data: Record, ctx: WriteContext) -> Record:
        kind = record["Type"]
        if data.get("Type") and str(data["Type"]).upper() != kind:
            raise Invalid(TYPE_FIXED)
        has_payments = record["AmountPaid"] > 0 or record["AmountCredited"] > 0
        requested = status_of(data)
        if requested:
            problem = lc.check_status_change(record["Status"], requested, has_payments=has_payments)
            if problem:
                raise Invalid(problem)
        updated = dict(record)
        known, contact = self._apply(updated, data, ctx, existing=record)
        changed = {k for k in FIELDS if k != "Status" and updated.get(k) != record.get(k)}
        if known is None or norm_id(known["ContactID"]) != norm_id(record["Contact"]["ContactID"]):
            changed.add("Contact")
        problem = lc.check_edit(record["Status"], kind, changed, has_payments=has_payments)
        if problem:
            raise Invalid(problem)
        check_accounts(updated, data, record)
        updated["Contact"] = self._contact_ref(contact(), kind)
        if updated["Status"] in (lc.VOIDED, lc.DELETED):
            updated["AmountDue"] = money(Decimal(0))
        return self._keep(updated)

    def _keep(self, record: Record) -> Record:
        """Store a validated invoice, noting the items its lines use."""
        self.used_items.update(
            str(line["Item"]["ItemID"]) for line in record["LineItems"] if line.get("Item")
        )
        return self.store(record)

    def _apply(
        self, record: Record, data: Record, ctx: WriteContext, existing: Record | None
    ) -> tuple[Record | None, Callable[[], Record]]:
        """Validate `data` and copy it onto `record`. Nothing in the books changes until the
        returned function resolves the contact (creating it by name if need be); the
        contact already known (None if it is new) comes with it."""
        kind = record["Type"]
        errors: list[str] = []
        known, contact = resolve_known_contact(self.books, data, ctx, existing)
        copy_header(self.books, record, data, existing, dates=_DATES, texts=_HEADER_TEXT)
        if self._numbers.take(self.collection, record, data, existing):
            errors.append(NUMBER_NOT_UNIQUE)
        errors.extend(
            price(self.books, record, data, ctx, line_type=kind, existing=existing, discounts=True)
        )
        if errors:
            raise Invalid(*errors)
        record["DateString"] = date_string(record["Date"])
        if record.get("DueDate"):
            record["DueDateString"] = date_string(record["DueDate"])
        else:
            record.pop("DueDateString", None)
        record["AmountDue"] = amount_due(
            record["Total"], record["AmountPaid"], record["AmountCredited"]
        )
        return known, contact

    def _contact_ref(self, contact: Record, kind: str) -> Record:
        self.books.contacts.mark_role(
            contact["ContactID"], customer=kind == "ACCREC", supplier=kind == "ACCPAY"
        )
        return {"ContactID": contact["ContactID"], "Name": contact.get("Name", "")}

    # -- payments --------------------------------------------------------------------

    def apply_payment(self, invoice: Record, payment: Record) -> Record:
        """Move AmountPaid/AmountDue by a new payment; PAID (with FullyPaidOnDate) at zero."""
        updated = dict(invoice)
        updated["AmountPaid"] = money(invoice["AmountPaid"] + payment["Amount"])
        updated["Payments"] = [*invoice["Payments"], _payment_summary(payment)]
        return self._settle(updated, payment["Date"])

    def remove_payment(self, invoice: Record, payment: Record) -> Record:
        """Undo a deleted payment: AmountDue rises again and a PAID invoice is AUTHORISED."""
        updated = dict(invoice)
        updated["AmountPaid"] = money(invoice["AmountPaid"] - payment["Amount"])
        updated["Payments"] = [
            p for p in invoice["Payments"] if p["PaymentID"] != payment["PaymentID"]
        ]
        return self._settle(updated, None)

    def _settle(self, invoice: Record, paid_on: date | None) -> Record:
        due = amount_due(invoice["Total"], invoice["AmountPaid"], invoice["AmountCredited"])
        invoice["AmountDue"] = due
        lc.settle(invoice, due, paid_on)
        return self.store(invoice)

    # -- reads -----------------------------------------------------------------------

    def view(self, record: Record) -> Record:
        return invoice_views.show(self.books, record)

    def list_view(self, record: Record, *, paged: bool, summary: bool) -> Record:
        return invoice_views.listed(self.books, record, paged=paged, summary=summary)

    def search_filter(self, term: str) -> Callable[[Record], bool]:
        return invoice_views.search_filter(term)

    def balances(self, contact_id: str) -> Record:
        return invoice_views.balances(self.books, contact_id)

    def reset(self) -> None:
        super().reset()
        self.created_by.clear()
        self.used_items.clear()
        self._numbers.next = 1


def _payment_summary(payment: Record) -> Record:
    return {
        "PaymentID": payment["PaymentID"],
        "Date": payment["Date"],
        "Amount": payment["Amount"],
        "Reference": payment.get("Reference", ""),
        "CurrencyRate": payment.get("CurrencyRate", Decimal("1")),
        "HasAccount": False,
        "HasValidationErrors": False,
    }

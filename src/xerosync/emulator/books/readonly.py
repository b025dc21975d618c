"""Entities the emulator serves for reading only, in Xero's shapes.

PurchaseOrders, Quotes, RepeatingInvoices, LinkedTransactions, Receipts, ExpenseClaims:
empty unless seeded (the demo company has a few purchase orders and quotes, priced like
invoices). BrandingThemes and Users always hold one record each (Xero's "Standard"
theme; the subscriber), with ids derived from the tenant id so they never change.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from xerosync.emulator.books.dates import date_string
from xerosync.emulator.books.documents import contact_ref, embedded, price
from xerosync.emulator.books.entity import Entity
from xerosync.emulator.books.store import Collection, Record, index_key
from xerosync.emulator.books.writes import Invalid, WriteContext

if TYPE_CHECKING:
    from xerosync.emulator.books import Books

_LISTS: dict[str, tuple[str, str, list[str]]] = {
    # plural: (type name, id field, fields for where/order)
    "PurchaseOrders": (
        "PurchaseOrder",
        "PurchaseOrderID",
        ["PurchaseOrderNumber", "Status", "Date", "DeliveryDate", "Reference", "Total", "Contact"],
    ),
    "Quotes": (
        "Quote",
        "QuoteID",
        ["QuoteNumber", "Status", "Date", "ExpiryDate", "Reference", "Total", "Contact"],
    ),
    "RepeatingInvoices": ("RepeatingInvoice", "RepeatingInvoiceID", ["Type", "Status", "Total"]),
    "LinkedTransactions": (
        "LinkedTransaction",
        "LinkedTransactionID",
        ["SourceTransactionID", "TargetTransactionID", "ContactID", "Status", "Type"],
    ),
    "Receipts": ("Receipt", "ReceiptID", ["ReceiptNumber", "Status", "Date", "Total"]),
    "ExpenseClaims": ("ExpenseClaim", "ExpenseClaimID", ["Status", "Total", "AmountDue"]),
    "BrandingThemes": ("BrandingTheme", "BrandingThemeID", ["Name", "SortOrder"]),
    "Users": (
        "User",
        "UserID",
        ["EmailAddress", "FirstName", "LastName", "IsSubscriber", "OrganisationRole"],
    ),
}
_NO_UPDATED = frozenset({"RepeatingInvoices", "BrandingThemes"})
READ_ONLY = "The emulator serves {plural} for reading only."


def _contact_id(record: Record) -> Any:
    contact = record.get("Contact")
    if isinstance(contact, dict):
        return index_key(contact.get("ContactID"))
    return index_key(record.get("ContactID"))


class ReadOnly(Entity):
    """One read-only kind, chosen by its plural (a key of `_LISTS`)."""

    error_flag = ""

    def __init__(self, books: Books, plural: str) -> None:
        super().__init__(books)
        self.plural = plural
        self.type_name, self.id_field, fields = _LISTS[plural]
        self.collection = Collection(
            plural,
            self.id_field,
            indexes={
                "Status": lambda r: index_key(r.get("Status")),
                "Contact.ContactID": _contact_id,
            },
            fields=fields,
            show_updated=plural not in _NO_UPDATED,
        )
        self._defaults()

    def view(self, record: Record) -> Record:
        shown = dict(record)
        if isinstance(record.get("Contact"), dict):
            shown["Contact"] = embedded(record["Contact"])
        return shown

    def create(self, data: Record, ctx: WriteContext) -> Record:
        raise Invalid(READ_ONLY.format(plural=self.plural))

    def update(self, record: Record, data: Record, ctx: WriteContext) -> Record:
        raise Invalid(READ_ONLY.format(plural=self.plural))

    def reset(self) -> None:
        super().reset()
        self._defaults()

    def _stable_id(self, name: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"xerosync/{self.books.tenant_id}/{name}"))

    def _defaults(self) -> None:
        created = self.books.created
        if self.plural == "BrandingThemes":
            self.collection.put(
                {
                    "BrandingThemeID": self._stable_id("branding-theme"),
                    "Name": "Standard",
                    "Type": "INVOICE",
                    "SortOrder": 0,
                    "CreatedDateUTC": created,
                },
                created,
            )
        elif self.plural == "Users":
            self.collection.put(
                {
                    "UserID": self._stable_id("user"),
                    "EmailAddress": "owner@example.com",
                    "FirstName": "Demo",
                    "LastName": "Owner",
                    "IsSubscriber": True,
                    "OrganisationRole": "FINANCIALADVISER",
                },
                created,
            )

    def by_field(self, field: str, value: str) -> Record | None:
        """The first record whose `field` equals `value` (case-insensitive); a scan, as
        these kinds hold few records."""
        wanted = value.strip().lower()
        for record in self.collection.records.values():
            if str(record.get(field) or "").lower() == wanted:
                return record
        return None

    def add(self, record: Record) -> Record:
        """Store a ready-made record (the seed)."""
        record.setdefault(self.id_field, self.books.new_id())
        return self.collection.put(record, self.books.clock.now())


def seed_documents(books: Books) -> None:
    """The demo company's purchase orders and quotes (deterministic, priced like invoices)."""
    ctx = WriteContext(now=datetime(2025, 11, 20, 9, 0, tzinfo=UTC))
    orders = [
        ("ABC Furniture", "Standing desks", 4, 650, "710", "AUTHORISED", "2025-11-03"),
        ("Central Copiers", "Toner cartridges", 10, 45.5, "453", "DRAFT", "2025-11-10"),
    ]
    for index, (supplier, text, qty, unit, code, status, on) in enumerate(orders):
        record: Record = {
            "PurchaseOrderNumber": f"PO-{index + 1:04d}",
            "Status": status,
            "Date": datetime.fromisoformat(on).date(),
            "LineAmountTypes": "Exclusive",
            "CurrencyCode": books.base_currency,
            "CurrencyRate": 1,
            "Reference": f"Order {index + 1}",
            "SentToContact": False,
            "HasAttachments": False,
            "Type": "PURCHASEORDER",
            "IsDiscounted": False,
            "HasErrors": False,
        }
        _priced(books, record, supplier, text, qty, unit, code, "ACCPAY", ctx)
        record["DateString"] = date_string(record["Date"])
        books.purchase_orders.add(record)
    quotes = [
        ("Ridgeway University", "Website phase 2", 60, 150, "200", "SENT", "2025-11-05"),
        ("Bayside Club", "Event sponsorship", 1, 2500, "260", "ACCEPTED", "2025-11-12"),
        ("Boom FM", "Jingle package", 3, 650, "200", "DRAFT", "2025-11-18"),
    ]
    for index, (customer, text, qty, unit, code, status, on) in enumerate(quotes):
        issued = datetime.fromisoformat(on).date()
        record = {
            "QuoteNumber": f"QU-{index + 1:04d}",
            "Status": status,
            "Date": issued,
            "DateString": date_string(issued),
            "ExpiryDate": issued.replace(day=28),
            "ExpiryDateString": date_string(issued.replace(day=28)),
            "LineAmountTypes": "Exclusive",
            "CurrencyCode": books.base_currency,
            "CurrencyRate": 1,
            "Title": text,
            "Summary": "",
            "Terms": "Valid until the expiry date.",
            "Reference": "",
        }
        _priced(books, record, customer, text, qty, unit, code, "ACCREC", ctx)
        record["LineAmountTypes"] = "EXCLUSIVE"  # Quotes spell it in capitals
        books.quotes.add(record)


def seed_recurring_and_linked(books: Books) -> None:
    """A monthly repeating invoice, and a billable expense linking a bill line to a customer."""
    ctx = WriteContext(now=datetime(2025, 11, 20, 9, 0, tzinfo=UTC))
    record: Record = {
        "Type": "ACCREC",
        "Status": "AUTHORISED",
        "LineAmountTypes": "Exclusive",
        "CurrencyCode": books.base_currency,
        "Reference": "Monthly hosting",
        "Schedule": {
            "Period": 1,
            "Unit": "MONTHLY",
            "DueDate": 20,
            "DueDateType": "DAYSAFTERBILLDATE",
            "StartDate": datetime(2025, 10, 1).date(),
            "NextScheduledDate": datetime(2025, 12, 1).date(),
        },
        "HasAttachments": False,
        "ApprovedForSending": False,
        "SendCopy": False,
        "MarkAsSent": False,
        "IncludePDF": False,
    }
    _priced(books, record, "Ridgeway University", "Hosting", 1, 45, "200", "ACCREC", ctx)
    record.pop("TotalDiscount", None)
    made = _kind(books, "RepeatingInvoices").add(record)
    made["ID"] = made["RepeatingInvoiceID"]
    bill = books.invoices.by_number("CC-5512")
    customer = books.contacts.by_active_name("Ridgeway University")
    if bill is not None and customer is not None and bill["LineItems"]:
        _kind(books, "LinkedTransactions").add(
            {
                "SourceTransactionID": bill["InvoiceID"],
                "SourceLineItemID": bill["LineItems"][0]["LineItemID"],
                "SourceTransactionTypeCode": "ACCPAY",
                "ContactID": customer["ContactID"],
                "Status": "APPROVED",
                "Type": "BILLABLEEXPENSE",
            }
        )


def seed_expense_claim(books: Books) -> None:
    """One authorised expense claim of two receipts by the organisation's user."""
    ctx = WriteContext(now=datetime(2025, 11, 20, 9, 0, tzinfo=UTC))
    users = _kind(books, "Users").collection
    user = next(iter(users))
    user_ref = {k: user[k] for k in ("UserID", "FirstName", "LastName", "EmailAddress")}
    receipts: list[Record] = []
    for number, (vendor, text, amount, code) in enumerate(
        (
            ("Capital Cab Co", "Client visit taxi", 38.5, "493"),
            ("SMART Agency", "Parking", 12, "449"),
        ),
        start=1,
    ):
        on = datetime(2025, 11, 10 + number).date()
        receipt: Record = {
            "Date": on,
            "User": user_ref,
            "Reference": text,
            "LineAmountTypes": "Inclusive",
            "Status": "AUTHORISED",
            "ReceiptNumber": str(number),
            "HasAttachments": False,
        }
        _priced(books, receipt, vendor, text, 1, amount, code, "ACCPAY", ctx)
        receipt.pop("TotalDiscount", None)
        made = _kind(books, "Receipts").add(receipt)
        made["ID"] = made["ReceiptID"]  # Xero repeats the id as `ID`
        receipts.append(made)
    total = sum((r["Total"] for r in receipts), Decimal(0))
    _kind(books, "ExpenseClaims").add(
        {
            "Status": "AUTHORISED",
            "User": user_ref,
            "Receipts": [{"ReceiptID": r["ReceiptID"], "Total": r["Total"]} for r in receipts],
            "Payments": [],
            "Total": total,
            "AmountDue": total,
            "AmountPaid": Decimal(0),
            "PaymentDueDate": datetime(2025, 12, 20).date(),
            "ReportingDate": datetime(2025, 11, 30).date(),
        }
    )


def _kind(books: Books, plural: str) -> ReadOnly:
    entity = books.entities[plural]
    assert isinstance(entity, ReadOnly)
    return entity


def _priced(
    books: Books,
    record: Record,
    contact_name: str,
    text: str,
    qty: float,
    unit: float,
    code: str,
    line_type: str,
    ctx: WriteContext,
) -> None:
    contact = books.contacts.by_active_name(contact_name)
    if contact is None:
        raise LookupError(contact_name)
    record["Contact"] = contact_ref(contact)
    line = {"Description": text, "Quantity": qty, "UnitAmount": unit, "AccountCode": code}
    errors = price(books, record, {"LineItems": [line]}, ctx, line_type=line_type, existing=None)
    if errors:
        raise ValueError(errors)
    record["TotalDiscount"] = 0

"""Typed Xero records (pydantic v2): Xero's field names on the wire, Decimal money, unknown fields kept."""

from xerosync.xero.models.banking import BankTransaction, ManualJournal, ManualJournalLine
from xerosync.xero.models.base import (
    Money,
    ValidationMessage,
    XeroDate,
    XeroDateTime,
    XeroModel,
    XeroRecord,
)
from xerosync.xero.models.contacts import Address, Contact, ContactPerson, Phone
from xerosync.xero.models.invoices import (
    Allocation,
    CreditNote,
    Invoice,
    LineItem,
    LineItemItem,
    LineItemTracking,
    Payment,
)
from xerosync.xero.models.reports import Report, ReportAttribute, ReportCell, ReportRow
from xerosync.xero.models.settings import (
    Account,
    Item,
    ItemDetails,
    Organisation,
    TaxComponent,
    TaxRate,
)

__all__ = [
    "Account",
    "Address",
    "Allocation",
    "BankTransaction",
    "Contact",
    "ContactPerson",
    "CreditNote",
    "Invoice",
    "Item",
    "ItemDetails",
    "LineItem",
    "LineItemItem",
    "LineItemTracking",
    "ManualJournal",
    "ManualJournalLine",
    "Money",
    "Organisation",
    "Payment",
    "Phone",
    "Report",
    "ReportAttribute",
    "ReportCell",
    "ReportRow",
    "TaxComponent",
    "TaxRate",
    "ValidationMessage",
    "XeroDate",
    "XeroDateTime",
    "XeroModel",
    "XeroRecord",
]

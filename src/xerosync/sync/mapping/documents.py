"""Invoices, credit notes and bank transactions: a header naming a contact, and lines.

Content (lines, dates, reference) is the app's; status, totals and what was paid are Xero's.
Without a number of the app's own, a document carries the app's id as its Reference, so it can be
found in Xero again if a write's outcome was lost.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from xerosync.sync.config import MappingConfig
from xerosync.sync.mapping.refs import Refs, need, unknown_xero
from xerosync.sync.records import AppBankTransaction, AppCreditNote, AppInvoice, AppLine
from xerosync.xero.models.banking import BankTransaction as XeroBankTransaction
from xerosync.xero.models.base import XeroModel
from xerosync.xero.models.invoices import CreditNote as XeroCreditNote
from xerosync.xero.models.invoices import Invoice as XeroInvoice

__all__ = [
    "XeroBankTransaction",
    "XeroCreditNote",
    "XeroInvoice",
    "bank_transaction_to_xero",
    "canonical",
    "credit_note_to_xero",
    "from_xero",
    "invoice_to_xero",
    "lookup_reference",
]

Document = AppInvoice | AppCreditNote | AppBankTransaction


def lookup_reference(record: Document, config: MappingConfig) -> str | None:
    """The Reference sent to Xero: the app's own, else its id when nothing else identifies it."""
    if record.reference:
        return record.reference
    numbered = not isinstance(record, AppBankTransaction) and record.number
    if numbered and config.invoice_numbering == "app":
        return None
    return record.id


def _number(record: Document, config: MappingConfig) -> str | None:
    if isinstance(record, AppBankTransaction) or config.invoice_numbering != "app":
        return None
    return record.number


def _due_date(record: Document, config: MappingConfig) -> str | None:
    if not isinstance(record, AppInvoice):
        return None
    due = record.due_date or record.date + timedelta(days=config.payment_terms_days)
    return due.isoformat()


def canonical(record: Document, config: MappingConfig) -> dict[str, Any]:
    data: dict[str, Any] = {
        "contact_id": record.contact_id,
        "reference": lookup_reference(record, config),
        "date": record.date.isoformat(),
    }
    if isinstance(record, AppInvoice):
        data["due_date"] = _due_date(record, config)
    return data


def _line(line: AppLine, default_account: str, config: MappingConfig) -> dict[str, Any]:
    data: dict[str, Any] = {
        "Description": line.description,
        "Quantity": line.quantity,
        "UnitAmount": line.unit_amount,
        "AccountCode": line.account_code or default_account,
        "TaxType": config.tax_type(line.tax_class),
        "ItemCode": config.item_codes.get(line.item, line.item) if line.item else None,
        "DiscountRate": line.discount_rate,
    }
    if line.tracking:
        data["Tracking"] = [
            {"Name": config.tracking.get(dim, dim), "Option": option}
            for dim, option in sorted(line.tracking.items())
        ]
    return {k: v for k, v in data.items() if v is not None}


def _header(record: Document, refs: Refs, config: MappingConfig, sales: bool) -> dict[str, Any]:
    default = config.sales_account if sales else config.purchase_account
    data: dict[str, Any] = {
        "Type": record.type,
        "Contact": {"ContactID": need(refs, "contacts", record.contact_id)},
        "Reference": lookup_reference(record, config),
        "Date": record.date.isoformat(),
        "CurrencyCode": record.currency or config.currency,
        "LineAmountTypes": record.line_amount_types,
        "LineItems": [_line(line, default, config) for line in record.lines],
    }
    return {k: v for k, v in data.items() if v is not None}


def invoice_to_xero(record: AppInvoice, refs: Refs, config: MappingConfig) -> XeroInvoice:
    data = _header(record, refs, config, sales=record.type == "ACCREC")
    data.update(Status=record.status, DueDate=_due_date(record, config))
    if number := _number(record, config):
        data["InvoiceNumber"] = number
    return XeroInvoice.model_validate(data)


def credit_note_to_xero(record: AppCreditNote, refs: Refs, config: MappingConfig) -> XeroCreditNote:
    data = _header(record, refs, config, sales=record.type == "ACCRECCREDIT")
    data["Status"] = record.status
    if number := _number(record, config):
        data["CreditNoteNumber"] = number
    return XeroCreditNote.model_validate(data)


def bank_transaction_to_xero(
    record: AppBankTransaction, refs: Refs, config: MappingConfig
) -> XeroBankTransaction:
    data = _header(record, refs, config, sales=record.type == "RECEIVE")
    data.update(
        BankAccount={"Code": record.bank_account_code or config.bank_account}, Status="AUTHORISED"
    )
    return XeroBankTransaction.model_validate(data)


def from_xero(xero: XeroModel, refs: Refs, config: MappingConfig) -> dict[str, Any]:
    """Read off the model's attributes (no serialising: a pull runs this for every record)."""
    contact = getattr(xero, "contact", None)
    contact_xero_id = contact.contact_id if contact is not None else None
    app_contact = refs.app_id("contacts", contact_xero_id) if contact_xero_id else None
    moment = getattr(xero, "date", None)
    fields: dict[str, Any] = {
        "contact_id": app_contact or unknown_xero(contact_xero_id),
        "reference": getattr(xero, "reference", None) or None,
        "date": moment.isoformat() if moment else None,
    }
    if isinstance(xero, XeroInvoice):
        fields["due_date"] = xero.due_date.isoformat() if xero.due_date else None
    return fields

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
from xerosync.xero.models.base import XeroModel, json_number
from xerosync.xero.models.invoices import CreditNote as XeroCreditNote
from xerosync.xero.models.invoices import Invoice as XeroInvoice

__all__ = [
    "XeroBankTransaction",
    "XeroCreditNote",
    "XeroInvoice",
    "bank_transaction_payload",
    "canonical",
    "credit_note_payload",
    "from_xero",
    "invoice_payload",
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
    tracking = [
        {"Name": config.tracking.get(dim, dim), "Option": option}
        for dim, option in sorted(line.tracking.items())
    ]
    discount = line.discount_rate
    return _present(
        {
            "Description": line.description,
            "Quantity": json_number(line.quantity),
            "UnitAmount": json_number(line.unit_amount),
            "ItemCode": config.item_codes.get(line.item, line.item) if line.item else None,
            "AccountCode": line.account_code or default_account,
            "TaxType": config.tax_type(line.tax_class),
            "Tracking": tracking or None,
            "DiscountRate": json_number(discount) if discount is not None else None,
        }
    )


def _lines(record: Document, config: MappingConfig, *, sales: bool) -> list[dict[str, Any]]:
    default = config.sales_account if sales else config.purchase_account
    return [_line(line, default, config) for line in record.lines]


def _contact(record: Document, refs: Refs) -> dict[str, Any]:
    return {"ContactID": need(refs, "contacts", record.contact_id)}


def _present(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


def invoice_payload(record: AppInvoice, refs: Refs, config: MappingConfig) -> dict[str, Any]:
    """The body Xero is sent, in `XeroInvoice`'s field order (see `mapping.to_payload`)."""
    return _present(
        {
            "Type": record.type,
            "Contact": _contact(record, refs),
            "LineItems": _lines(record, config, sales=record.type == "ACCREC"),
            "Date": record.date.isoformat(),
            "DueDate": _due_date(record, config),
            "LineAmountTypes": record.line_amount_types,
            "Reference": lookup_reference(record, config),
            "CurrencyCode": record.currency or config.currency,
            "Status": record.status,
            "InvoiceNumber": _number(record, config),
        }
    )


def credit_note_payload(record: AppCreditNote, refs: Refs, config: MappingConfig) -> dict[str, Any]:
    """The body Xero is sent, in `XeroCreditNote`'s field order (see `mapping.to_payload`)."""
    return _present(
        {
            "Type": record.type,
            "Contact": _contact(record, refs),
            "LineItems": _lines(record, config, sales=record.type == "ACCRECCREDIT"),
            "Date": record.date.isoformat(),
            "LineAmountTypes": record.line_amount_types,
            "Reference": lookup_reference(record, config),
            "CurrencyCode": record.currency or config.currency,
            "Status": record.status,
            "CreditNoteNumber": _number(record, config),
        }
    )


def bank_transaction_payload(
    record: AppBankTransaction, refs: Refs, config: MappingConfig
) -> dict[str, Any]:
    """The body Xero is sent, in `XeroBankTransaction`'s field order (see `mapping.to_payload`)."""
    return _present(
        {
            "Type": record.type,
            "Contact": _contact(record, refs),
            "LineItems": _lines(record, config, sales=record.type == "RECEIVE"),
            "BankAccount": {"Code": record.bank_account_code or config.bank_account},
            "Date": record.date.isoformat(),
            "Reference": lookup_reference(record, config),
            "CurrencyCode": record.currency or config.currency,
            "Status": "AUTHORISED",
            "LineAmountTypes": record.line_amount_types,
        }
    )


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

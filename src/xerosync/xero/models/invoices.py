"""Invoices, credit notes and payments: the documents money moves on.

They refer to one another (an invoice lists its payments and credit notes, a payment names its
invoice), so they live together.
"""

from __future__ import annotations

from typing import Any

from xerosync.xero.models.base import Money, XeroDate, XeroDateTime, XeroModel, XeroRecord
from xerosync.xero.models.contacts import Contact

__all__ = [
    "Allocation",
    "CreditNote",
    "Invoice",
    "LineItem",
    "LineItemItem",
    "LineItemTracking",
    "Payment",
]

_DOCUMENT_READ_ONLY = frozenset(
    {
        "sub_total",
        "total_tax",
        "total",
        "total_discount",
        "amount_due",
        "amount_paid",
        "amount_credited",
        "cis_deduction",
        "cis_rate",
        "fully_paid_on_date",
        "updated_date_utc",
        "updated_date_utc_string",
        "date_string",
        "due_date_string",
        "has_attachments",
        "has_errors",
        "is_discounted",
        "payments",
        "credit_notes",
        "prepayments",
        "overpayments",
        "remaining_credit",
        "applied_amount",
    }
)


class LineItemTracking(XeroModel):
    tracking_category_id: str | None = None
    tracking_option_id: str | None = None
    name: str | None = None
    option: str | None = None


class LineItemItem(XeroModel):
    item_id: str | None = None
    name: str | None = None
    code: str | None = None


class LineItem(XeroModel):
    line_item_id: str | None = None
    description: str | None = None
    quantity: Money | None = None
    unit_amount: Money | None = None
    item_code: str | None = None
    account_code: str | None = None
    account_id: str | None = None
    tax_type: str | None = None
    tax_amount: Money | None = None
    line_amount: Money | None = None
    tracking: list[LineItemTracking] | None = None
    discount_rate: Money | None = None
    discount_amount: Money | None = None
    item: LineItemItem | None = None
    repeating_invoice_id: str | None = None


class _Document(XeroRecord):
    """Fields invoices and credit notes share."""

    type: str | None = None
    contact: Contact | None = None
    line_items: list[LineItem] | None = None
    date: XeroDate | None = None
    due_date: XeroDate | None = None
    date_string: str | None = None
    due_date_string: str | None = None
    line_amount_types: str | None = None
    reference: str | None = None
    branding_theme_id: str | None = None
    currency_code: str | None = None
    currency_rate: Money | None = None
    status: str | None = None
    sent_to_contact: bool | None = None
    sub_total: Money | None = None
    total_tax: Money | None = None
    total: Money | None = None
    cis_deduction: Money | None = None
    cis_rate: Money | None = None
    fully_paid_on_date: XeroDate | None = None
    updated_date_utc: XeroDateTime | None = None
    updated_date_utc_string: str | None = None
    has_attachments: bool | None = None
    has_errors: bool | None = None
    payments: list[Payment] | None = None

    read_only = XeroRecord.read_only | _DOCUMENT_READ_ONLY


class Invoice(_Document):
    invoice_id: str | None = None
    invoice_number: str | None = None
    url: str | None = None
    expected_payment_date: XeroDate | None = None
    planned_payment_date: XeroDate | None = None
    total_discount: Money | None = None
    amount_due: Money | None = None
    amount_paid: Money | None = None
    amount_credited: Money | None = None
    repeating_invoice_id: str | None = None
    is_discounted: bool | None = None
    credit_notes: list[CreditNote] | None = None
    prepayments: list[dict[str, Any]] | None = None
    overpayments: list[dict[str, Any]] | None = None


class Allocation(XeroRecord):
    allocation_id: str | None = None
    invoice: Invoice | None = None
    credit_note: CreditNote | None = None
    amount: Money | None = None
    date: XeroDate | None = None
    is_deleted: bool | None = None


class CreditNote(_Document):
    credit_note_id: str | None = None
    credit_note_number: str | None = None
    remaining_credit: Money | None = None
    applied_amount: Money | None = None
    allocations: list[Allocation] | None = None


class Payment(XeroRecord):
    payment_id: str | None = None
    invoice: Invoice | None = None
    credit_note: CreditNote | None = None
    invoice_number: str | None = None
    credit_note_number: str | None = None
    account: dict[str, Any] | None = None
    code: str | None = None
    date: XeroDate | None = None
    currency_rate: Money | None = None
    amount: Money | None = None
    bank_amount: Money | None = None
    reference: str | None = None
    is_reconciled: bool | None = None
    status: str | None = None
    payment_type: str | None = None
    updated_date_utc: XeroDateTime | None = None
    updated_date_utc_string: str | None = None
    batch_payment_id: str | None = None
    has_account: bool | None = None
    has_validation_errors: bool | None = None

    read_only = XeroRecord.read_only | {
        "payment_type",
        "updated_date_utc",
        "updated_date_utc_string",
        "has_account",
        "has_validation_errors",
    }


_Document.model_rebuild()
Invoice.model_rebuild()
CreditNote.model_rebuild()
Allocation.model_rebuild()
Payment.model_rebuild()

"""Bank transactions and manual journals."""

from __future__ import annotations

from typing import Any

from xerosync.xero.models.base import Money, XeroDate, XeroDateTime, XeroModel, XeroRecord
from xerosync.xero.models.contacts import Contact
from xerosync.xero.models.invoices import LineItem

__all__ = ["BankTransaction", "ManualJournal", "ManualJournalLine"]


class BankTransaction(XeroRecord):
    bank_transaction_id: str | None = None
    type: str | None = None
    contact: Contact | None = None
    line_items: list[LineItem] | None = None
    bank_account: dict[str, Any] | None = None
    is_reconciled: bool | None = None
    date: XeroDate | None = None
    date_string: str | None = None
    reference: str | None = None
    currency_code: str | None = None
    currency_rate: Money | None = None
    url: str | None = None
    status: str | None = None
    line_amount_types: str | None = None
    sub_total: Money | None = None
    total_tax: Money | None = None
    total: Money | None = None
    prepayment_id: str | None = None
    overpayment_id: str | None = None
    updated_date_utc: XeroDateTime | None = None
    has_attachments: bool | None = None

    read_only = XeroRecord.read_only | {
        "date_string",
        "sub_total",
        "total_tax",
        "total",
        "prepayment_id",
        "overpayment_id",
        "updated_date_utc",
        "has_attachments",
    }


class ManualJournalLine(XeroModel):
    line_amount: Money | None = None
    account_code: str | None = None
    account_id: str | None = None
    description: str | None = None
    tax_type: str | None = None
    tracking: list[dict[str, Any]] | None = None
    tax_amount: Money | None = None
    is_blank: bool | None = None


class ManualJournal(XeroRecord):
    manual_journal_id: str | None = None
    narration: str | None = None
    journal_lines: list[ManualJournalLine] | None = None
    date: XeroDate | None = None
    line_amount_types: str | None = None
    status: str | None = None
    url: str | None = None
    show_on_cash_basis_reports: bool | None = None
    has_attachments: bool | None = None
    updated_date_utc: XeroDateTime | None = None

    read_only = XeroRecord.read_only | {"has_attachments", "updated_date_utc"}

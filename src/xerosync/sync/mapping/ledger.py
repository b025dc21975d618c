"""Payments and manual journals: money moved between accounts, no contact header of their own."""

from __future__ import annotations

from typing import Any

from xerosync.sync.config import MappingConfig
from xerosync.sync.mapping.refs import Refs, need
from xerosync.sync.records import AppManualJournal, AppPayment
from xerosync.xero.models.banking import ManualJournal as XeroManualJournal
from xerosync.xero.models.base import json_number
from xerosync.xero.models.invoices import Payment as XeroPayment

__all__ = [
    "XeroManualJournal",
    "XeroPayment",
    "journal_canonical",
    "journal_from_xero",
    "journal_payload",
    "payment_canonical",
    "payment_from_xero",
    "payment_payload",
]


def payment_payload(record: AppPayment, refs: Refs, config: MappingConfig) -> dict[str, Any]:
    """The body Xero is sent, in `XeroPayment`'s field order (see `mapping.to_payload`)."""
    data: dict[str, Any] = {}
    if record.invoice_id:
        data["Invoice"] = {"InvoiceID": need(refs, "invoices", record.invoice_id)}
    else:
        assert record.credit_note_id is not None
        data["CreditNote"] = {"CreditNoteID": need(refs, "credit_notes", record.credit_note_id)}
    data.update(
        Account={"Code": record.account_code or config.bank_account},
        Date=record.date.isoformat(),
        Amount=json_number(record.amount),
        Reference=record.reference or record.id,
    )
    return data


def payment_canonical(record: AppPayment, config: MappingConfig) -> dict[str, Any]:
    return {}


def payment_from_xero(xero: XeroPayment, refs: Refs, config: MappingConfig) -> dict[str, Any]:
    return {}


def journal_payload(record: AppManualJournal, refs: Refs, config: MappingConfig) -> dict[str, Any]:
    """The body Xero is sent, in `XeroManualJournal`'s field order (see `mapping.to_payload`)."""
    lines = [
        {
            "LineAmount": json_number(line.amount),
            "AccountCode": line.account_code,
            "Description": line.description,
            "TaxType": config.tax_type(line.tax_class) if line.tax_class else None,
        }
        for line in record.lines
    ]
    return {
        "Narration": record.narration,
        "JournalLines": [{k: v for k, v in line.items() if v is not None} for line in lines],
        "Date": record.date.isoformat(),
        "LineAmountTypes": record.line_amount_types,
        "Status": record.status,
    }


def journal_canonical(record: AppManualJournal, config: MappingConfig) -> dict[str, Any]:
    return {"narration": record.narration, "date": record.date.isoformat()}


def journal_from_xero(xero: XeroManualJournal, refs: Refs, config: MappingConfig) -> dict[str, Any]:
    data = xero.to_json_dict()
    return {"narration": data.get("Narration"), "date": data.get("Date")}

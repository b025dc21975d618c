"""App records <-> Xero records, one module per family; pure (references resolved by `Refs`).

    to_payload(record, refs, config)   the body to send (PUT creates, POST updates)
    canonical(record, config)          the merge fields of an app record, defaults applied
    from_xero(entity, xero, refs, c)   the same merge fields read off a Xero record

`canonical` and `from_xero` speak the same language, so the three-way merge compares like with
like: a record pushed and read back unchanged gives equal dicts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from xerosync.sync.config import MappingConfig
from xerosync.sync.mapping import contacts, documents, ledger
from xerosync.sync.mapping.refs import MissingReference, Refs
from xerosync.sync.records import AppRecord
from xerosync.xero.models.base import XeroModel

__all__ = ["MissingReference", "Refs", "canonical", "from_xero", "to_payload", "xero_model"]

_TO: dict[str, Callable[[Any, Refs, MappingConfig], dict[str, Any]]] = {
    "contacts": contacts.to_payload,
    "invoices": documents.invoice_payload,
    "credit_notes": documents.credit_note_payload,
    "bank_transactions": documents.bank_transaction_payload,
    "payments": ledger.payment_payload,
    "manual_journals": ledger.journal_payload,
}
_CANONICAL: dict[str, Callable[[Any, MappingConfig], dict[str, Any]]] = {
    "contacts": contacts.canonical,
    "invoices": documents.canonical,
    "credit_notes": documents.canonical,
    "bank_transactions": documents.canonical,
    "payments": ledger.payment_canonical,
    "manual_journals": ledger.journal_canonical,
}
_FROM: dict[str, Callable[[Any, Refs, MappingConfig], dict[str, Any]]] = {
    "contacts": contacts.from_xero,
    "invoices": documents.from_xero,
    "credit_notes": documents.from_xero,
    "bank_transactions": documents.from_xero,
    "payments": ledger.payment_from_xero,
    "manual_journals": ledger.journal_from_xero,
}


def to_payload(record: AppRecord, refs: Refs, config: MappingConfig) -> dict[str, Any]:
    """The PUT/POST body for `record`: what `xero_model(entity).model_validate(...).to_payload()`
    gives, key for key and in the same order, built straight from the record, which was
    validated when handed in (building and dumping the model cost more than the rest of
    preparing a push; tests/unit/sync/test_payloads.py holds them equal)."""
    return _TO[record.entity](record, refs, config)


def canonical(record: AppRecord, config: MappingConfig) -> dict[str, Any]:
    return _CANONICAL[record.entity](record, config)


def from_xero(entity: str, xero: XeroModel, refs: Refs, config: MappingConfig) -> dict[str, Any]:
    return _FROM[entity](xero, refs, config)


def xero_model(entity: str) -> type[XeroModel]:
    """The client model Xero's JSON for `entity` is read into."""
    models: dict[str, type[XeroModel]] = {
        "contacts": contacts.XeroContact,
        "invoices": documents.XeroInvoice,
        "credit_notes": documents.XeroCreditNote,
        "bank_transactions": documents.XeroBankTransaction,
        "payments": ledger.XeroPayment,
        "manual_journals": ledger.XeroManualJournal,
    }
    return models[entity]

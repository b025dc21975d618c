"""The kinds of record xerosync syncs, in the order a push must send them.

A contact goes before the invoices that name it, an invoice before its payment, both before a
credit note's allocation. `PUSH_ORDER` is that order; `FIELDS` are the fields a three-way merge
compares for each kind (what either side may edit); the rest of a record is owned by one side
(an invoice's lines by the app, its status and amounts by Xero).
"""

from __future__ import annotations

from typing import Final

__all__ = ["CATEGORY", "ENTITIES", "FIELDS", "ID_FIELD", "NUMBER_FIELD", "PUSH_ORDER", "XERO_OWNED"]

PUSH_ORDER: Final = (
    "contacts",
    "invoices",
    "credit_notes",
    "payments",
    "bank_transactions",
    "manual_journals",
)
ENTITIES: Final = frozenset(PUSH_ORDER)

#: Xero-owned kinds: pulled and kept for reference, never pushed.
XERO_OWNED: Final = ("accounts", "tax_rates", "items")

ID_FIELD: Final = {
    "contacts": "ContactID",
    "invoices": "InvoiceID",
    "credit_notes": "CreditNoteID",
    "payments": "PaymentID",
    "bank_transactions": "BankTransactionID",
    "manual_journals": "ManualJournalID",
    "accounts": "AccountID",
    "tax_rates": "TaxType",
    "items": "ItemID",
}
NUMBER_FIELD: Final = {
    "contacts": "ContactNumber",
    "invoices": "InvoiceNumber",
    "credit_notes": "CreditNoteNumber",
}

FIELDS: Final = {
    "contacts": (
        "name",
        "email",
        "first_name",
        "last_name",
        "contact_number",
        "phone",
        "tax_number",
        "archived",
    ),
    "invoices": ("contact_id", "reference", "date", "due_date"),
    "credit_notes": ("contact_id", "reference", "date"),
    "bank_transactions": ("contact_id", "reference", "date"),
    "manual_journals": ("narration", "date"),
    "payments": (),
}

#: Xero's webhook categories -> entity
CATEGORY: Final = {"CONTACT": "contacts", "INVOICE": "invoices", "CREDITNOTE": "credit_notes"}

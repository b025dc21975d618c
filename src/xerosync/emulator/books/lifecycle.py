"""Which changes Xero allows to an invoice and its payments, as pure functions.

Each check returns None when the change is allowed, or Xero's validation message when
it is not (docs/xero-behaviour.md sections 3 and 6):

- status: DRAFT -> SUBMITTED -> AUTHORISED -> PAID, PAID only automatically (AmountDue
  reaches zero); DELETED only from DRAFT/SUBMITTED; VOIDED only from AUTHORISED with no
  payments; PAID, VOIDED and DELETED are terminal.
- edits: anything on DRAFT/SUBMITTED and on AUTHORISED without payments; once money is
  allocated only non-financial fields; nothing on VOIDED/DELETED. On a PAID bill
  (ACCPAY) the non-financial header fields stay editable (Xero, since 19 Mar 2026); on
  a paid sales invoice only SentToContact. Line items count as financial here (Xero
  lets a paid bill's line descriptions change; the emulator keeps it stricter).
- approval: an AUTHORISED document's lines that carry an amount need an account code
  (`approving`; drafts may lack them).
- payments: only against AUTHORISED documents, for more than zero and no more than
  AmountDue.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from datetime import date
from decimal import Decimal
from typing import Any

DRAFT = "DRAFT"
SUBMITTED = "SUBMITTED"
AUTHORISED = "AUTHORISED"
PAID = "PAID"
VOIDED = "VOIDED"
DELETED = "DELETED"
STATUSES = (DRAFT, SUBMITTED, AUTHORISED, PAID, VOIDED, DELETED)

NOT_VALID_FOR_CREATION = "Invoice not of valid status for creation"
NOT_VALID_FOR_MODIFICATION = "Invoice not of valid status for modification"
HAS_ALLOCATIONS = (
    "This document cannot be edited as it has a payment or credit note allocated to it."
)
PAYMENT_NOT_AUTHORISED = "Payments can only be made against Authorised documents"
PAYMENT_EXCEEDS = "Payment amount exceeds the amount outstanding on this document"
PAYMENT_NOT_POSITIVE = "Payment amount must be greater than zero"  # emulator's wording

_CREATABLE = frozenset({DRAFT, SUBMITTED, AUTHORISED})
_NEXT: dict[str, frozenset[str]] = {
    DRAFT: frozenset({DRAFT, SUBMITTED, AUTHORISED, DELETED}),
    SUBMITTED: frozenset({DRAFT, SUBMITTED, AUTHORISED, DELETED}),
    AUTHORISED: frozenset({AUTHORISED, VOIDED}),
    PAID: frozenset({PAID}),
    VOIDED: frozenset({VOIDED}),
    DELETED: frozenset({DELETED}),
}

# Header fields that never move money: editable once payments are allocated.
NON_FINANCIAL = frozenset(
    {
        "Reference",
        "DueDate",
        "InvoiceNumber",
        "BrandingThemeID",
        "Url",
        "SentToContact",
        "ExpectedPaymentDate",
        "PlannedPaymentDate",
    }
)
_PAID_SALES_EDITABLE = frozenset({"SentToContact", "ExpectedPaymentDate"})


def creation_status(requested: str | None) -> tuple[str, str | None]:
    """The status a new invoice gets, and an error if the requested one is not allowed."""
    status = (requested or DRAFT).upper()
    if status not in _CREATABLE:
        return status, NOT_VALID_FOR_CREATION
    return status, None


def check_status_change(current: str, requested: str, *, has_payments: bool) -> str | None:
    requested = requested.upper()
    if requested == current:
        return None
    if requested == VOIDED and current in (AUTHORISED, PAID) and has_payments:
        return HAS_ALLOCATIONS
    if requested not in _NEXT.get(current, frozenset()):
        return NOT_VALID_FOR_MODIFICATION
    return None


def check_edit(
    current: str, invoice_type: str, changed: Iterable[str], *, has_payments: bool
) -> str | None:
    """May these fields (other than Status) change on an invoice in this state?"""
    fields = set(changed) - {"Status"}
    if not fields:
        return None
    if current in (VOIDED, DELETED):
        return NOT_VALID_FOR_MODIFICATION
    if current == PAID:
        editable = NON_FINANCIAL if invoice_type == "ACCPAY" else _PAID_SALES_EDITABLE
        return None if fields <= editable else HAS_ALLOCATIONS
    if has_payments and not fields <= NON_FINANCIAL:
        return HAS_ALLOCATIONS
    return None


def approving(status: str, previous: str | None, lines_sent: bool) -> bool:
    """Is a document being made AUTHORISED (from `previous`, None when new), or its lines
    changed while AUTHORISED? Then each priced line needs an account code."""
    if status != AUTHORISED:
        return False
    return previous != AUTHORISED or lines_sent


def check_payment(status: str, amount: Decimal, outstanding: Decimal) -> str | None:
    """May a payment of `amount` be applied to a document with this status and AmountDue?"""
    if status != AUTHORISED:
        return PAYMENT_NOT_AUTHORISED
    if amount <= 0:
        return PAYMENT_NOT_POSITIVE
    if amount > outstanding:
        return PAYMENT_EXCEEDS
    return None


def status_after_payments(status: str, outstanding: Decimal) -> str:
    """AUTHORISED becomes PAID when AmountDue reaches zero, and back when it rises again."""
    if status == AUTHORISED and outstanding <= 0:
        return PAID
    if status == PAID and outstanding > 0:
        return AUTHORISED
    return status


def settle(document: MutableMapping[str, Any], outstanding: Decimal, paid_on: date | None) -> None:
    """Move `document` to its status after payments (`status_after_payments`): becoming
    PAID sets FullyPaidOnDate to `paid_on`; leaving PAID drops it."""
    status = status_after_payments(document["Status"], outstanding)
    if status == PAID and document["Status"] != PAID:
        document["FullyPaidOnDate"] = paid_on
    elif status != PAID:
        document.pop("FullyPaidOnDate", None)
    document["Status"] = status

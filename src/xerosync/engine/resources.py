"""Which client resource serves each entity, and what Xero's record says of itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from xerosync.xero.client import XeroClient
from xerosync.xero.models.base import XeroModel

__all__ = ["XeroState", "resource", "xero_state"]


def resource(client: XeroClient, entity: str) -> Any:
    return getattr(client, entity)


@dataclass(frozen=True)
class XeroState:
    """What Xero owns of a record: its id, number, status and money."""

    xero_id: str | None
    number: str | None
    status: str | None
    total: Decimal | None
    amount_due: Decimal | None
    amount_paid: Decimal | None
    updated_at: datetime | None
    #: Xero's Type (ACCREC/ACCPAY, RECEIVE/SPEND...); None for kinds without one
    type: str | None = None


#: the model attribute holding each entity's id, number and status
_ATTRS: dict[str, tuple[str, str | None, str]] = {
    "contacts": ("contact_id", "contact_number", "contact_status"),
    "invoices": ("invoice_id", "invoice_number", "status"),
    "credit_notes": ("credit_note_id", "credit_note_number", "status"),
    "payments": ("payment_id", None, "status"),
    "bank_transactions": ("bank_transaction_id", None, "status"),
    "manual_journals": ("manual_journal_id", None, "status"),
}


def _money(record: XeroModel, name: str) -> Decimal | None:
    value = getattr(record, name, None)
    return value if isinstance(value, Decimal) else None


def xero_state(entity: str, record: XeroModel) -> XeroState:
    """Read off the model's attributes (no serialising: this runs for every record)."""
    id_attr, number_attr, status_attr = _ATTRS[entity]
    return XeroState(
        xero_id=getattr(record, id_attr, None),
        number=getattr(record, number_attr, None) if number_attr else None,
        status=getattr(record, status_attr, None),
        total=_money(record, "amount" if entity == "payments" else "total"),
        amount_due=_money(record, "amount_due"),
        amount_paid=_money(record, "amount_paid"),
        updated_at=getattr(record, "updated_date_utc", None),
        type=getattr(record, "type", None),
    )

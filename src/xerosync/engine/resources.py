"""Which client resource serves each entity, and what Xero's record says of itself."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import create_model

from xerosync.xero.client import XeroClient
from xerosync.xero.models.base import XeroModel, XeroRecord

__all__ = ["XeroState", "answer_model", "resource", "xero_state"]


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


#: what `xero_state` reads of a record besides its id, number and status
_STATE_FIELDS = ("total", "amount", "amount_due", "amount_paid", "updated_date_utc", "type")


@functools.cache
def answer_model(entity: str, model: type[XeroRecord]) -> type[XeroRecord]:
    """`model` cut down to what a push keeps of Xero's answer to a write (`xero_state`'s
    fields, declared as in `model`, and the status fields every record has). Xero echoes each
    record written whole; reading all of it, lines and contact included, cost a push more CPU
    than anything else it does for a record, to keep a few fields."""
    kept = {name for name in _ATTRS[entity] if name} | set(_STATE_FIELDS)
    fields: dict[str, Any] = {
        name: (info.annotation, info) for name, info in model.model_fields.items() if name in kept
    }
    answer: type[XeroRecord] = create_model(
        f"{model.__name__}Answer", __base__=XeroRecord, **fields
    )
    return answer


def _money(value: Any) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


def xero_state(entity: str, record: XeroModel) -> XeroState:
    """Read off the model's fields (no serialising: this runs for every record). From its
    `vars`, which hold exactly its declared fields: getattr with a default on a name the
    model does not declare (a contact's total) raises and catches an AttributeError inside
    pydantic, and that cost more than all the rest."""
    fields = vars(record)
    id_attr, number_attr, status_attr = _ATTRS[entity]
    return XeroState(
        xero_id=fields.get(id_attr),
        number=fields.get(number_attr) if number_attr else None,
        status=fields.get(status_attr),
        total=_money(fields.get("amount" if entity == "payments" else "total")),
        amount_due=_money(fields.get("amount_due")),
        amount_paid=_money(fields.get("amount_paid")),
        updated_at=fields.get("updated_date_utc"),
        type=fields.get("type"),
    )

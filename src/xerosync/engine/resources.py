"""Which client resource serves each entity, and what Xero's record says of itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from xerosync.sync.entities import ID_FIELD, NUMBER_FIELD
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


def xero_state(entity: str, record: XeroModel) -> XeroState:
    data = record.to_json_dict()
    status = data.get("ContactStatus") if entity == "contacts" else data.get("Status")

    def money(key: str) -> Decimal | None:
        value = getattr(
            record,
            {
                "Total": "total",
                "AmountDue": "amount_due",
                "AmountPaid": "amount_paid",
                "Amount": "amount",
            }[key],
            None,
        )
        return value if isinstance(value, Decimal) else None

    total = (
        money("Amount")
        if entity == "payments"
        else (money("Total") if hasattr(record, "total") else None)
    )
    return XeroState(
        xero_id=data.get(ID_FIELD[entity]),
        number=data.get(NUMBER_FIELD[entity]) if entity in NUMBER_FIELD else None,
        status=status,
        total=total,
        amount_due=money("AmountDue") if hasattr(record, "amount_due") else None,
        amount_paid=money("AmountPaid") if hasattr(record, "amount_paid") else None,
        updated_at=getattr(record, "updated_date_utc", None),
    )

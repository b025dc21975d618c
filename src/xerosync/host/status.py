"""What became of a record: its sync state, its Xero id and number, what Xero says it is owed,
and Xero's own messages when it was refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from xerosync.store.mappings import by_app
from xerosync.store.tables import DeadLetter, MappingRow, OutboxRow

__all__ = ["RecordStatus", "record_status"]


@dataclass(frozen=True)
class RecordStatus:
    entity: str
    app_id: str
    #: pending | in_flight | synced | failed | conflict | deleted
    state: str
    xero_id: str | None = None
    number: str | None = None
    xero_status: str | None = None
    total: Decimal | None = None
    amount_due: Decimal | None = None
    amount_paid: Decimal | None = None
    errors: list[str] = field(default_factory=list)
    waiting_on: str | None = None

    @property
    def paid(self) -> bool:
        return self.xero_status == "PAID"


def _money(value: Decimal | None) -> Decimal | None:
    """Money as Xero shows it: 2 places unless it has more (the store keeps 4)."""
    if value is None:
        return None
    cents = value.quantize(Decimal("0.01"))
    return cents if cents == value else value.normalize()


def _status(session: Session, mapping: MappingRow) -> RecordStatus:
    row = session.scalar(
        select(OutboxRow)
        .where(
            OutboxRow.connection_id == mapping.connection_id,
            OutboxRow.entity == mapping.entity,
            OutboxRow.app_id == mapping.app_id,
            OutboxRow.state.in_(("pending", "in_flight")),
        )
        .order_by(OutboxRow.id.desc())
        .limit(1)
    )
    errors = [
        message
        for letter in session.scalars(
            select(DeadLetter).where(
                DeadLetter.connection_id == mapping.connection_id,
                DeadLetter.entity == mapping.entity,
                DeadLetter.app_id == mapping.app_id,
                DeadLetter.status == "open",
            )
        )
        for message in letter.messages
    ]
    state = mapping.sync_status
    if row is not None:
        state = "in_flight" if row.state == "in_flight" else "pending"
    return RecordStatus(
        entity=mapping.entity,
        app_id=mapping.app_id or "",
        state=state,
        xero_id=mapping.xero_id,
        number=mapping.xero_number,
        xero_status=mapping.xero_status,
        total=_money(mapping.total),
        amount_due=_money(mapping.amount_due),
        amount_paid=_money(mapping.amount_paid),
        errors=errors,
        waiting_on=row.waiting_on if row is not None else None,
    )


def record_status(
    session: Session, connection_id: str, entity: str, app_id: str
) -> RecordStatus | None:
    mapping = by_app(session, connection_id, entity, app_id)
    return _status(session, mapping) if mapping is not None else None

"""What needs a person: dead letters (pushes that cannot be made as they are) and quarantined
records (what Xero sent that could not be read). Both are kept until someone retries or discards
them; nothing is dropped silently."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xerosync.store.tables import DeadLetter, OutboxRow, QuarantinedRecord

__all__ = ["dead_letter", "open_dead_letters", "open_quarantine", "quarantine"]


def dead_letter(
    session: Session, row: OutboxRow, *, reason: str, messages: Sequence[str]
) -> DeadLetter:
    letter = DeadLetter(
        connection_id=row.connection_id,
        outbox_id=row.id,
        entity=row.entity,
        app_id=row.app_id,
        operation=row.operation,
        reason=reason,
        messages=list(messages),
        payload=row.payload,
    )
    session.add(letter)
    return letter


def open_dead_letters(session: Session, connection_id: str | None = None) -> list[DeadLetter]:
    query = select(DeadLetter).where(DeadLetter.status == "open")
    if connection_id:
        query = query.where(DeadLetter.connection_id == connection_id)
    return list(session.scalars(query.order_by(DeadLetter.id)))


def quarantine(
    session: Session,
    *,
    connection_id: str,
    entity: str,
    raw: str,
    reason: str,
    xero_id: str | None,
) -> QuarantinedRecord:
    record = QuarantinedRecord(
        connection_id=connection_id, entity=entity, xero_id=xero_id, raw=raw, reason=reason
    )
    session.add(record)
    return record


def open_quarantine(session: Session, connection_id: str | None = None) -> list[QuarantinedRecord]:
    query = select(QuarantinedRecord).where(QuarantinedRecord.status == "open")
    if connection_id:
        query = query.where(QuarantinedRecord.connection_id == connection_id)
    return list(session.scalars(query.order_by(QuarantinedRecord.id)))


def describe(letter: DeadLetter) -> dict[str, Any]:
    return {
        "id": letter.id,
        "entity": letter.entity,
        "app_id": letter.app_id,
        "reason": letter.reason,
        "messages": letter.messages,
    }

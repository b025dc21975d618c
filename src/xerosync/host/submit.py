"""[push 1] Records handed in by the application: mapping + outbox row, in one transaction.

Idempotent on the app's ids: the same record handed in twice queues nothing the second time; a
changed record replaces its own change that has not left yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from xerosync.store import outbox
from xerosync.store.conflicts import push_payload
from xerosync.store.mappings import by_app, ensure
from xerosync.store.tables import OutboxRow
from xerosync.sync.entities import ENTITIES
from xerosync.sync.records import AppRecord, parse_record
from xerosync.sync.snapshot import snapshot_hash

__all__ = ["Submitted", "delete_record", "submit_record"]


@dataclass(frozen=True)
class Submitted:
    entity: str
    app_id: str
    result: Literal["queued", "unchanged", "cancelled"]
    version: int


def submit_record(
    session: Session,
    *,
    connection_id: str,
    entity: str,
    record: AppRecord | dict[str, Any],
    now: datetime,
) -> Submitted:
    parsed = parse_record(entity, record)
    data = parsed.model_dump(mode="json")
    digest = snapshot_hash(data)
    mapping = ensure(session, connection_id, entity, parsed.id)
    if mapping.app_hash == digest and mapping.sync_status != "deleted":
        return Submitted(entity, parsed.id, "unchanged", mapping.version)
    mapping.app_data = data
    mapping.app_hash = digest
    mapping.version = (mapping.version or 0) + 1
    mapping.app_changed_at = now
    mapping.sync_status = "pending"
    session.flush()
    outbox.add(
        session,
        connection_id=connection_id,
        entity=entity,
        app_id=parsed.id,
        operation="upsert",
        version=mapping.version,
        payload=push_payload(session, connection_id, entity, parsed.id, data),
    )
    return Submitted(entity, parsed.id, "queued", mapping.version)


def delete_record(
    session: Session, *, connection_id: str, entity: str, app_id: str, now: datetime
) -> Submitted:
    """Ask for the record's removal from Xero: archived, voided or deleted, as Xero allows."""
    if entity not in ENTITIES:
        raise ValueError(f"unknown entity {entity!r}; xerosync syncs {', '.join(sorted(ENTITIES))}")
    mapping = by_app(session, connection_id, entity, app_id)
    if mapping is None:
        raise LookupError(f"{entity} {app_id} was never handed to xerosync; nothing to delete")
    mapping.version = (mapping.version or 0) + 1
    mapping.app_changed_at = now
    if mapping.xero_id is None and not _in_flight(session, connection_id, entity, app_id):
        session.execute(
            update(OutboxRow)
            .where(
                OutboxRow.connection_id == connection_id,
                OutboxRow.entity == entity,
                OutboxRow.app_id == app_id,
                OutboxRow.state == outbox.PENDING,
            )
            .values(state=outbox.SUPERSEDED)
        )
        mapping.sync_status = "deleted"
        return Submitted(entity, app_id, "cancelled", mapping.version)
    mapping.sync_status = "pending"
    outbox.add(
        session,
        connection_id=connection_id,
        entity=entity,
        app_id=app_id,
        operation="delete",
        version=mapping.version,
        payload=None,
    )
    return Submitted(entity, app_id, "queued", mapping.version)


def _in_flight(session: Session, connection_id: str, entity: str, app_id: str) -> bool:
    return (
        session.scalar(
            select(OutboxRow.id).where(
                OutboxRow.connection_id == connection_id,
                OutboxRow.entity == entity,
                OutboxRow.app_id == app_id,
                OutboxRow.state == outbox.IN_FLIGHT,
            )
        )
        is not None
    )

"""[push 1] Records handed in by the application: mapping + outbox row, in one transaction.

Idempotent on the app's ids: the same record handed in twice queues nothing the second time; a
changed record replaces its own change that has not left yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from xerosync.store import outbox
from xerosync.store.conflicts import open_held
from xerosync.store.mappings import by_app, insert_new
from xerosync.store.tables import MappingRow, OutboxRow
from xerosync.sync.entities import ENTITIES
from xerosync.sync.records import AppRecord, parse_record
from xerosync.sync.snapshot import snapshot_hash

__all__ = ["Submitted", "delete_record", "submit_records"]


@dataclass(frozen=True)
class Submitted:
    entity: str
    app_id: str
    result: Literal["queued", "unchanged", "cancelled"]
    version: int


def submit_records(
    session: Session,
    *,
    connection_id: str,
    entity: str,
    records: Sequence[AppRecord | dict[str, Any]],
    now: datetime,
) -> list[Submitted]:
    """Hand in many records of one kind: a few queries for the lot, not a few per record
    (this runs on the application's own request path)."""
    parsed = [parse_record(entity, r) for r in records]
    ids = list(dict.fromkeys(p.id for p in parsed))
    mappings: dict[str, MappingRow] = {}
    waiting: dict[str, OutboxRow] = {}
    held: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        mappings.update(
            (m.app_id or "", m)
            for m in session.scalars(
                select(MappingRow).where(
                    MappingRow.connection_id == connection_id,
                    MappingRow.entity == entity,
                    MappingRow.app_id.in_(chunk),
                )
            )
        )
        waiting.update(
            (r.app_id, r)
            for r in session.scalars(
                select(OutboxRow).where(
                    OutboxRow.connection_id == connection_id,
                    OutboxRow.entity == entity,
                    OutboxRow.app_id.in_(chunk),
                    OutboxRow.state == outbox.PENDING,
                )
            )
        )
        held.update(open_held(session, connection_id, entity, chunk))
    results = []
    new_mappings: list[MappingRow] = []  # written together at the end, ids not read back
    new_rows: list[OutboxRow] = []
    for record in parsed:
        data = record.model_dump(mode="json")
        digest = snapshot_hash(data)
        mapping = mappings.get(record.id)
        if mapping is None:
            mapping = mappings[record.id] = MappingRow(
                connection_id=connection_id,
                entity=entity,
                app_id=record.id,
                origin="app",
                version=0,
                synced_version=0,
            )
            new_mappings.append(mapping)
        elif mapping.app_hash == digest and mapping.sync_status != "deleted":
            results.append(Submitted(entity, record.id, "unchanged", mapping.version))
            continue
        mapping.app_data = data
        mapping.app_hash = digest
        mapping.version = (mapping.version or 0) + 1
        mapping.app_changed_at = now
        mapping.sync_status = "pending"
        payload = {**data, **held.get(record.id, {})}  # undecided fields keep Xero's value
        waiting[record.id] = outbox.add(
            session,
            connection_id=connection_id,
            entity=entity,
            app_id=record.id,
            operation="upsert",
            version=mapping.version,
            payload=payload,
            waiting=waiting.get(record.id),
            new=new_rows,
        )
        results.append(Submitted(entity, record.id, "queued", mapping.version))
    insert_new(session, new_mappings)
    outbox.insert_new(session, new_rows)
    return results


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

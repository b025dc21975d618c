"""Sync health per connection and entity, read from the store (the rows are the truth, as for
`/metrics`): the last push and pull, the outbox by state, how long the oldest change not yet in
Xero has waited (the lag), open conflicts and dead letters, and the calls left in the rate
budgets as the client counts them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xerosync.api import XeroSync
from xerosync.store.outbox import FAILED, IN_FLIGHT, PENDING
from xerosync.store.tables import (
    AuditEntry,
    ConflictRow,
    ConnectionRow,
    DeadLetter,
    MappingRow,
    OutboxRow,
    PullCursor,
)
from xerosync.sync.records import RECORD_TYPES
from xerosync.xero.limits.budget import Remaining

__all__ = ["ConnectionHealth", "EntityHealth", "health"]


@dataclass
class EntityHealth:
    entity: str
    last_push: datetime | None = None
    last_pull: datetime | None = None
    pending: int = 0
    in_flight: int = 0
    failed: int = 0
    #: when the app made the oldest change not yet in Xero (pending, in flight or failed)
    oldest_waiting: datetime | None = None
    conflicts: int = 0
    dead_letters: int = 0

    def lag(self, now: datetime) -> timedelta | None:
        """How long the oldest change still on its way to Xero has waited (None: nothing waits)."""
        return None if self.oldest_waiting is None else max(now - self.oldest_waiting, timedelta())


@dataclass
class ConnectionHealth:
    connection: ConnectionRow
    calls_left: Remaining
    entities: list[EntityHealth] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(int(getattr(e, name)) for e in self.entities)


def health(sync: XeroSync, connection_ids: Sequence[str]) -> list[ConnectionHealth]:
    """Health of the given connections, each with a row per entity xerosync syncs (and any
    other entity that has rows)."""
    with sync.db.transaction() as session:
        rows = [session.get(ConnectionRow, c) for c in connection_ids]
        found = [r for r in rows if r is not None]
        by_connection = _entities(session, [r.id for r in found])
    return [
        ConnectionHealth(
            connection=row,
            calls_left=sync.client.governor.left(row.tenant_id),
            entities=[
                by_connection[row.id].get(e) or EntityHealth(e)
                for e in sorted(set(RECORD_TYPES) | set(by_connection[row.id]))
            ],
        )
        for row in found
    ]


def _entities(session: Session, ids: list[str]) -> dict[str, dict[str, EntityHealth]]:
    out: dict[str, dict[str, EntityHealth]] = defaultdict(dict)

    def at(connection_id: str, entity: str) -> EntityHealth:
        return out[connection_id].setdefault(entity, EntityHealth(entity))

    if not ids:
        return out
    waiting = (PENDING, IN_FLIGHT, FAILED)
    for connection_id, entity, state, n in session.execute(
        select(OutboxRow.connection_id, OutboxRow.entity, OutboxRow.state, func.count())
        .where(OutboxRow.connection_id.in_(ids), OutboxRow.state.in_(waiting))
        .group_by(OutboxRow.connection_id, OutboxRow.entity, OutboxRow.state)
    ):
        setattr(at(connection_id, entity), state, n)
    # the lag is read from the records' own change times (set with the service's clock)
    for connection_id, entity, oldest in session.execute(
        select(OutboxRow.connection_id, OutboxRow.entity, func.min(MappingRow.app_changed_at))
        .join(
            MappingRow,
            (MappingRow.connection_id == OutboxRow.connection_id)
            & (MappingRow.entity == OutboxRow.entity)
            & (MappingRow.app_id == OutboxRow.app_id),
        )
        .where(OutboxRow.connection_id.in_(ids), OutboxRow.state.in_(waiting))
        .group_by(OutboxRow.connection_id, OutboxRow.entity)
    ):
        at(connection_id, entity).oldest_waiting = oldest
    for connection_id, entity, last in session.execute(
        select(AuditEntry.connection_id, AuditEntry.entity, func.max(AuditEntry.created_at))
        .where(AuditEntry.connection_id.in_(ids))
        .group_by(AuditEntry.connection_id, AuditEntry.entity)
    ):
        at(connection_id, entity).last_push = last
    for cursor in session.scalars(select(PullCursor).where(PullCursor.connection_id.in_(ids))):
        at(cursor.connection_id, cursor.entity).last_pull = cursor.last_run_at
    for table, name in ((ConflictRow, "conflicts"), (DeadLetter, "dead_letters")):
        for connection_id, entity, n in session.execute(
            select(table.connection_id, table.entity, func.count())
            .where(table.connection_id.in_(ids), table.status == "open")
            .group_by(table.connection_id, table.entity)
        ):
            setattr(at(connection_id, entity), name, n)
    return out

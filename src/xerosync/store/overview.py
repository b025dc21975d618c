"""Where each connection stands, per entity: work waiting, records by sync state, what needs a
person, and when it last pushed and pulled. A handful of grouped counts (one query per table),
for `xerosync status` and `xerosync plan`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xerosync.store.tables import (
    ConflictRow,
    DeadLetter,
    MappingRow,
    OutboxRow,
    PullCursor,
    PushBatch,
)

__all__ = ["EntityOverview", "entity_overview"]


@dataclass
class EntityOverview:
    entity: str
    #: outbox rows waiting to be sent, and sent without an answer recorded yet
    pending: int = 0
    in_flight: int = 0
    #: records by sync state (mappings)
    synced: int = 0
    failed: int = 0
    #: open conflicts and dead letters
    conflicts: int = 0
    dead_letters: int = 0
    last_push: datetime | None = None
    last_pull: datetime | None = None
    #: the entity has been pulled before (the next pull is incremental)
    has_cursor: bool = False


def entity_overview(session: Session, connection_id: str) -> list[EntityOverview]:
    """One row per entity the connection has anything for, in name order."""
    rows: dict[str, EntityOverview] = {}

    def row(entity: str) -> EntityOverview:
        return rows.setdefault(entity, EntityOverview(entity))

    for entity, state, n in session.execute(
        select(OutboxRow.entity, OutboxRow.state, func.count())
        .where(
            OutboxRow.connection_id == connection_id,
            OutboxRow.state.in_(("pending", "in_flight")),
        )
        .group_by(OutboxRow.entity, OutboxRow.state)
    ):
        setattr(row(entity), state, n)
    for entity, status, n in session.execute(
        select(MappingRow.entity, MappingRow.sync_status, func.count())
        .where(
            MappingRow.connection_id == connection_id,
            MappingRow.sync_status.in_(("synced", "failed")),
        )
        .group_by(MappingRow.entity, MappingRow.sync_status)
    ):
        setattr(row(entity), status, n)
    opened: dict[str, dict[str, int]] = defaultdict(dict)
    for name, table in (("conflicts", ConflictRow), ("dead_letters", DeadLetter)):
        for entity, n in session.execute(
            select(table.entity, func.count())
            .where(table.connection_id == connection_id, table.status == "open")
            .group_by(table.entity)
        ):
            opened[entity][name] = n
    for entity, counts in opened.items():
        for name, n in counts.items():
            setattr(row(entity), name, n)
    for entity, sent in session.execute(
        select(PushBatch.entity, func.max(PushBatch.first_sent_at))
        .where(PushBatch.connection_id == connection_id)
        .group_by(PushBatch.entity)
    ):
        row(entity).last_push = sent
    for cursor in session.scalars(
        select(PullCursor).where(PullCursor.connection_id == connection_id)
    ):
        found = row(cursor.entity)
        found.last_pull = cursor.last_run_at
        found.has_cursor = True
    return [rows[e] for e in sorted(rows)]

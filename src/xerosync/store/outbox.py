"""Push work: one row per change the application handed in.

    pending ──claim──> in_flight (batch: idempotency key written before the call)
       ^                  │ done        Xero took it: the row is deleted in the commit that writes
       │ retry            │             the mapping and snapshot (the audit log keeps the write)
       └── dead letter <──┘ failed      dead letter: Xero refused it or it cannot be made
                            superseded  a newer change of the same record replaced it before sending

The outbox is a queue, not a history: a row that went through is deleted, not kept as "done".
Kept, every change ever sent would stay in the table with its record, and each went through two
index-changing updates where one cheap delete does (the audit log says what was sent, under
which key, with what outcome; the mapping and the feed say where each record stands).

A row in flight whose worker died is resumed with its batch's key (inside Xero's idempotency
window) or after a look-up in Xero (past it): see `xerosync.engine.push`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import orjson
from sqlalchemy import Delete, Select, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from xerosync.store.db import among, among_param, dialect_of, update_many
from xerosync.store.tables import MappingRow, OutboxRow, PushBatch, table_of
from xerosync.xero.models.base import encode

__all__ = [
    "FAILED",
    "IN_FLIGHT",
    "PENDING",
    "SUPERSEDED",
    "Queued",
    "add",
    "claim",
    "delete_done",
    "depth",
    "finish",
    "in_flight_batches",
    "insert_new",
    "payload_of",
    "pending",
    "queue",
    "release",
    "sent_rows",
]

PENDING = "pending"
IN_FLIGHT = "in_flight"
FAILED = "failed"
SUPERSEDED = "superseded"


def add(
    session: Session,
    *,
    connection_id: str,
    entity: str,
    app_id: str,
    operation: str,
    version: int,
    payload: Mapping[str, Any] | None,
    waiting: OutboxRow | Literal["look"] | None = "look",
    new: list[OutboxRow] | None = None,
) -> OutboxRow:
    """Queue a change. A pending row for the same record and operation is replaced in place
    (its newer content is what must reach Xero; the older never left); one of another
    operation is superseded. `waiting` is that pending row when the caller has read it already
    (None: there is none), so a caller queuing many records looks them all up at once. Given
    `new`, a new row is put there instead of in the session, for the caller to write them all
    with `insert_new`."""
    pending = (
        session.scalar(
            select(OutboxRow).where(
                OutboxRow.connection_id == connection_id,
                OutboxRow.entity == entity,
                OutboxRow.app_id == app_id,
                OutboxRow.state == PENDING,
            )
        )
        if isinstance(waiting, str)
        else waiting
    )
    if pending is not None and pending.operation == operation:
        pending.payload = dict(payload) if payload is not None else None
        pending.version = version
        pending.waiting_on = None
        return pending
    if pending is not None:  # e.g. an upsert not yet sent, now a delete: only the delete matters
        pending.state = SUPERSEDED
    row = OutboxRow(
        connection_id=connection_id,
        entity=entity,
        app_id=app_id,
        operation=operation,
        version=version,
        payload=dict(payload) if payload is not None else None,
        state=PENDING,
    )
    if new is None:
        session.add(row)
    else:
        new.append(row)
    return row


def insert_new(session: Session, rows: Sequence[OutboxRow]) -> None:
    """Write rows `add` put aside, in one statement (ids are not read back: the objects stay
    detached and are not to be used after). Ids follow the list's order, as a record's changes
    must."""
    if rows:
        session.execute(
            insert(OutboxRow),
            [{k: v for k, v in vars(row).items() if not k.startswith("_")} for row in rows],
        )


def queue(
    session: Session,
    mapping: MappingRow,
    *,
    operation: str = "upsert",
    payload: Mapping[str, Any] | None = None,
) -> OutboxRow:
    """A new version of the mapped record must reach Xero: bump its version and queue it."""
    mapping.version = (mapping.version or 0) + 1
    return add(
        session,
        connection_id=mapping.connection_id,
        entity=mapping.entity,
        app_id=mapping.app_id or "",
        operation=operation,
        version=mapping.version,
        payload=payload,
    )


@dataclass(frozen=True, slots=True)
class Queued:
    """An outbox row as a push reads it: plain values, no ORM object to track (a batch's rows
    cost more to load as objects, and to look over at commit, than to send and record)."""

    id: int
    connection_id: str
    entity: str
    app_id: str
    operation: str
    version: int
    attempts: int
    position: int | None
    #: the record as handed in (`sent_rows` reads it only when asked to)
    payload: dict[str, Any] | None = None


_OUTBOX = table_of(OutboxRow)
#: the columns of `Queued`, in its order
_QUEUED = tuple(
    _OUTBOX.c[name]
    for name in (
        *("id", "connection_id", "entity", "app_id"),
        *("operation", "version", "attempts", "position"),
    )
)


_PENDING: Select[Any] = (
    select(*_QUEUED, _OUTBOX.c.payload)
    .where(
        _OUTBOX.c.connection_id == bindparam("connection"),
        _OUTBOX.c.entity == bindparam("entity"),
        _OUTBOX.c.state == PENDING,
        _OUTBOX.c.id > bindparam("after"),
    )
    .order_by(_OUTBOX.c.id)
    .limit(bindparam("limit"))
)


def pending(
    session: Session, connection_id: str, entity: str, *, limit: int, after: int = 0
) -> list[Queued]:
    """The oldest pending rows of one kind (by id, so a record's changes go in order)."""
    found = session.execute(
        _PENDING,
        {"connection": connection_id, "entity": entity, "after": after, "limit": limit},
    )
    return [Queued(*values) for values in found.all()]


_NEW_BATCHES = insert(table_of(PushBatch)).returning(
    table_of(PushBatch).c.id, sort_by_parameter_order=True
)


@dataclass(frozen=True)
class NewBatch:
    """Rows (in this order) to send in one call under idempotency key `key`; `body[i]` is what is
    sent for `rows[i]`."""

    rows: Sequence[Queued]
    method: str
    key: str
    body: Sequence[Mapping[str, Any]]


def claim(
    session: Session,
    batches: Sequence[NewBatch],
    *,
    connection_id: str,
    entity: str,
    now: datetime,
) -> list[int]:
    """Move each batch's rows into a push batch of their own (ids returned in order): one
    INSERT and one UPDATE for them all (claiming batches one at a time cost a round of
    statements each)."""
    if not batches:
        return []
    made = list(
        session.scalars(
            _NEW_BATCHES,
            [
                {
                    "connection_id": connection_id,
                    "entity": entity,
                    "method": new.method,
                    "idempotency_key": new.key,
                    "body": encode(list(new.body)).decode(),  # as the client will send it
                    "size": len(new.rows),
                    "created_at": now,
                    "first_sent_at": now,
                }
                for new in batches
            ],
        )
    )
    update_many(
        session,
        table_of(OutboxRow),
        [
            {
                "id": row.id,
                "state": IN_FLIGHT,
                "batch_id": batch_id,
                "position": position,
                "attempts": row.attempts + 1,
                "waiting_on": None,
            }
            for batch_id, new in zip(made, batches, strict=True)
            for position, row in enumerate(new.rows)
        ],
    )
    return made


@functools.cache
def _sent_query(payload: bool) -> Select[Any]:
    columns = (*_QUEUED, _OUTBOX.c.payload) if payload else _QUEUED
    return (
        select(*columns)
        .where(_OUTBOX.c.batch_id == bindparam("batch"), _OUTBOX.c.state == IN_FLIGHT)
        .order_by(_OUTBOX.c.position)
    )


def sent_rows(session: Session, batch_id: int, *, payload: bool = False) -> list[Queued]:
    """The rows of `batch_id` still in flight, in batch order (none: its outcome is recorded);
    their payloads only if asked for."""
    found = session.execute(_sent_query(payload), {"batch": batch_id})
    return [Queued(*values) for values in found.all()]


def payload_of(session: Session, row_id: int) -> dict[str, Any] | None:
    """The record row `row_id` carries, as handed in."""
    payload: dict[str, Any] | None = session.scalar(
        select(OutboxRow.payload).where(OutboxRow.id == row_id)
    )
    return payload


@functools.cache
def _done_query(dialect: str) -> Delete:
    return delete(_OUTBOX).where(among_param(dialect, _OUTBOX.c.id, "ids"))


def delete_done(session: Session, ids: Sequence[int]) -> None:
    """Rows `ids` went through (or had nothing to send): gone from the queue, in one statement."""
    if ids:
        session.execute(_done_query(dialect_of(session)), {"ids": list(ids)})


def in_flight_batches(
    session: Session, connection_id: str
) -> list[tuple[PushBatch, list[OutboxRow]]]:
    """Batches whose outcome was never recorded (a worker died or a call failed), oldest first."""
    rows = list(
        session.scalars(
            select(OutboxRow)
            .where(OutboxRow.connection_id == connection_id, OutboxRow.state == IN_FLIGHT)
            .order_by(OutboxRow.batch_id, OutboxRow.position)
        )
    )
    batches: dict[int, list[OutboxRow]] = {}
    for row in rows:
        if row.batch_id is not None:
            batches.setdefault(row.batch_id, []).append(row)
    found = session.scalars(select(PushBatch).where(PushBatch.id.in_(batches))).all()
    by_id = {b.id: b for b in found}
    return [(by_id[i], batches[i]) for i in sorted(batches)]


def count_attempt(session: Session, batch_id: int) -> None:
    """One more try of the batch's rows still in flight."""
    session.execute(
        update(OutboxRow)
        .where(OutboxRow.batch_id == batch_id, OutboxRow.state == IN_FLIGHT)
        .values(attempts=OutboxRow.attempts + 1)
    )


def batch_body(batch: PushBatch) -> list[dict[str, Any]]:
    """The records of `batch` exactly as first sent (key order kept)."""
    body: list[dict[str, Any]] = orjson.loads(batch.body)
    return body


def finish(session: Session, row: OutboxRow, state: str, error: str | None = None) -> None:
    row.state = state
    row.last_error = error


def release(session: Session, ids: Sequence[int], *, waiting_on: str | None = None) -> None:
    """Rows `ids` back to pending (sent under a new batch next time)."""
    if ids:
        session.execute(
            update(OutboxRow)
            .where(among(session, OutboxRow.id, ids))
            .values(state=PENDING, batch_id=None, position=None, waiting_on=waiting_on),
            execution_options={"synchronize_session": False},
        )


def depth(session: Session, connection_id: str | None = None) -> dict[str, int]:
    """Rows per state (for status pages and metrics)."""
    query = select(OutboxRow.state, func.count()).group_by(OutboxRow.state)
    if connection_id is not None:
        query = query.where(OutboxRow.connection_id == connection_id)
    return dict(session.execute(query).all())


def mark_waiting(session: Session, row_id: int, reason: str) -> None:
    """Row `row_id` stays pending, waiting on `reason` (a record not in Xero yet, say)."""
    session.execute(update(OutboxRow).where(OutboxRow.id == row_id).values(waiting_on=reason[:255]))

"""Conflicts waiting for a person: fields both sides changed under a `manual` rule."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xerosync.store.tables import ConflictRow

__all__ = [
    "close",
    "held_fields",
    "open_conflicts",
    "open_for",
    "open_held",
    "push_payload",
    "record",
]


def record(
    session: Session,
    *,
    connection_id: str,
    entity: str,
    app_id: str | None,
    xero_id: str | None,
    fields: Sequence[Mapping[str, Any]],
    app_version: Mapping[str, Any] | None,
    xero_version: Mapping[str, Any] | None,
    base: Mapping[str, Any] | None,
    rule: str,
) -> ConflictRow:
    """Open a conflict, or refresh the one already open for the same record."""
    row = open_for(session, connection_id, entity, app_id)
    if row is None:
        row = ConflictRow(connection_id=connection_id, entity=entity, app_id=app_id, status="open")
        session.add(row)
    row.xero_id = xero_id
    row.fields = [dict(f) for f in fields]
    row.app_version = dict(app_version) if app_version is not None else None
    row.xero_version = dict(xero_version) if xero_version is not None else None
    row.base = dict(base) if base is not None else None
    row.rule = rule
    return row


def open_for(
    session: Session, connection_id: str, entity: str, app_id: str | None
) -> ConflictRow | None:
    return session.scalar(
        select(ConflictRow).where(
            ConflictRow.connection_id == connection_id,
            ConflictRow.entity == entity,
            ConflictRow.app_id == app_id,
            ConflictRow.status == "open",
        )
    )


def open_conflicts(session: Session, connection_id: str | None = None) -> list[ConflictRow]:
    query = select(ConflictRow).where(ConflictRow.status == "open")
    if connection_id:
        query = query.where(ConflictRow.connection_id == connection_id)
    return list(session.scalars(query.order_by(ConflictRow.id)))


def close(
    session: Session,
    row: ConflictRow,
    *,
    resolution: Mapping[str, Any],
    by: str | None,
    now: datetime,
) -> None:
    row.status = "resolved"
    row.resolution = dict(resolution)
    row.resolved_by = by
    row.resolved_at = now


def held_fields(
    session: Session, connection_id: str, entity: str, app_id: str | None
) -> dict[str, Any]:
    """Fields waiting for a person, with Xero's value: until decided, nothing moves them."""
    row = open_for(session, connection_id, entity, app_id)
    if row is None:
        return {}
    return {f["field"]: f.get("xero") for f in row.fields}


def open_held(
    session: Session, connection_id: str, entity: str, app_ids: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """`held_fields` for many records in one query: app id -> field -> Xero's value."""
    rows = session.scalars(
        select(ConflictRow).where(
            ConflictRow.connection_id == connection_id,
            ConflictRow.entity == entity,
            ConflictRow.app_id.in_(app_ids),
            ConflictRow.status == "open",
        )
    )
    return {r.app_id or "": {f["field"]: f.get("xero") for f in r.fields} for r in rows}


def push_payload(
    session: Session, connection_id: str, entity: str, app_id: str, app_data: Mapping[str, Any]
) -> dict[str, Any]:
    """What a push may send of the app's record: everything but the fields a person has yet to
    decide, which keep Xero's value."""
    return {**app_data, **held_fields(session, connection_id, entity, app_id)}

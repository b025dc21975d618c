"""Connections: one row per Xero organisation, with the grant whose tokens reach it."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from xerosync.store.tables import ConnectionRow

__all__ = [
    "CONNECTED",
    "DISCONNECTED",
    "NEEDS_REAUTH",
    "find",
    "get",
    "listed",
    "set_status",
    "upsert",
]

CONNECTED = "connected"
NEEDS_REAUTH = "needs_reauth"
DISCONNECTED = "disconnected"


def upsert(
    session: Session,
    *,
    tenant_id: str,
    tenant_name: str = "",
    grant_key: str,
    scopes: Iterable[str] = (),
    connected_by: str | None = None,
    tenant_type: str = "ORGANISATION",
    xero_connection_id: str | None = None,
) -> ConnectionRow:
    """Record that `tenant_id` is connected (again): a reconnect keeps the row, its mappings and
    its queued work, and sets it back to `connected`."""
    row = session.scalar(select(ConnectionRow).where(ConnectionRow.tenant_id == tenant_id))
    if row is None:
        row = ConnectionRow(id=str(uuid.uuid4()), tenant_id=tenant_id)
        session.add(row)
    row.tenant_name = tenant_name or row.tenant_name or ""
    row.tenant_type = tenant_type
    row.grant_key = grant_key
    row.scopes = " ".join(sorted(set(scopes)))
    row.connected_by = connected_by or row.connected_by
    row.xero_connection_id = xero_connection_id or row.xero_connection_id
    row.status = CONNECTED
    row.last_error = None
    session.flush()
    return row


def get(session: Session, connection_id: str) -> ConnectionRow:
    row = session.get(ConnectionRow, connection_id)
    if row is None:
        raise LookupError(f"no connection {connection_id!r}; list them with `xerosync connections`")
    return row


def find(session: Session, key: str) -> ConnectionRow | None:
    """A connection by its id or its Xero tenant id."""
    return session.get(ConnectionRow, key) or session.scalar(
        select(ConnectionRow).where(ConnectionRow.tenant_id == key)
    )


def ids_by_tenant(session: Session, tenant_ids: Collection[str]) -> dict[str, str]:
    """Xero tenant id -> connection id, of those of `tenant_ids` with a connection here (any
    status: waking a paused one is harmless)."""
    if not tenant_ids:
        return {}
    found = session.execute(
        select(ConnectionRow.tenant_id, ConnectionRow.id).where(
            ConnectionRow.tenant_id.in_(list(tenant_ids))
        )
    )
    return dict(found.all())


def listed(session: Session) -> list[ConnectionRow]:
    return list(session.scalars(select(ConnectionRow).order_by(ConnectionRow.created_at)))


def set_status(session: Session, connection_id: str, status: str, error: str | None = None) -> None:
    row = get(session, connection_id)
    row.status = status
    row.last_error = error

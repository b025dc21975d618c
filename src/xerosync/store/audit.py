"""The audit log: every write xerosync made to Xero, with its idempotency key and outcome."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from xerosync.store.tables import AuditEntry, table_of

__all__ = ["log_write"]

#: built once: a push writes one entry a batch
_INSERT = insert(table_of(AuditEntry))


def log_write(
    session: Session,
    *,
    connection_id: str,
    entity: str,
    method: str,
    key: str | None,
    app_ids: Sequence[str],
    outcome: str,
    now: datetime,
) -> None:
    session.execute(
        _INSERT,
        {
            "connection_id": connection_id,
            "entity": entity,
            "method": method,
            "idempotency_key": key,
            "app_ids": list(app_ids),
            "outcome": outcome[:255],
            "created_at": now,
        },
    )

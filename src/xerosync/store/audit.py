"""The audit log: every write xerosync made to Xero, with its idempotency key and outcome."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from xerosync.store.tables import AuditEntry

__all__ = ["log_write"]


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
    session.add(
        AuditEntry(
            connection_id=connection_id,
            entity=entity,
            method=method,
            idempotency_key=key,
            app_ids=list(app_ids),
            outcome=outcome[:255],
            created_at=now,
        )
    )

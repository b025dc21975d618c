"""Reconciliations: each drift check run on a connection, kept with its report (a JSON
document), so the last one can be read back without asking Xero again."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xerosync.store.tables import Reconciliation

__all__ = ["keep", "last"]


def keep(
    session: Session, *, connection_id: str, report: Mapping[str, Any], ran_at: datetime
) -> Reconciliation:
    row = Reconciliation(connection_id=connection_id, ran_at=ran_at, report=dict(report))
    session.add(row)
    session.flush()
    return row


def last(session: Session, connection_id: str) -> Reconciliation | None:
    return session.scalar(
        select(Reconciliation)
        .where(Reconciliation.connection_id == connection_id)
        .order_by(Reconciliation.ran_at.desc(), Reconciliation.id.desc())
        .limit(1)
    )

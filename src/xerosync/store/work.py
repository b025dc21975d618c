"""What the workers have to do, read from the database (the truth; queue messages only wake
workers up): the sweeper's question "which connections have work whose wake-up may be lost?",
the schedule's "which connections are connected?" and "which grants need a refresh to stay
alive?". Only connected connections are named: one that needs re-authorising keeps its work
(visible, untouched) until it is connected again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from xerosync.store.connections import CONNECTED
from xerosync.store.outbox import IN_FLIGHT, PENDING
from xerosync.store.tables import (
    ConnectionRow,
    InboxEvent,
    MappingRow,
    OutboxRow,
    PushBatch,
    TokenGrant,
)

__all__ = [
    "Work",
    "connected_ids",
    "connections_with_work",
    "grants_to_keep_alive",
    "updates_waiting",
]


@dataclass
class Work:
    """Connection ids with work waiting: to push (pending rows, or in-flight rows whose batch is
    older than a lease: their worker died) and to pull (webhook events not handled yet)."""

    push: list[str] = field(default_factory=list)
    inbox: list[str] = field(default_factory=list)


def connections_with_work(session: Session, now: datetime, stale_after: float) -> Work:
    stale = now - timedelta(seconds=stale_after)
    connected = select(ConnectionRow.id).where(ConnectionRow.status == CONNECTED)
    push = session.scalars(
        select(OutboxRow.connection_id)
        .outerjoin(PushBatch, PushBatch.id == OutboxRow.batch_id)
        .where(
            OutboxRow.connection_id.in_(connected),
            or_(
                OutboxRow.state == PENDING,
                and_(
                    OutboxRow.state == IN_FLIGHT,
                    or_(PushBatch.id.is_(None), PushBatch.created_at <= stale),
                ),
            ),
        )
        .distinct()
    ).all()
    inbox = session.scalars(
        select(ConnectionRow.id)
        .join(InboxEvent, InboxEvent.tenant_id == ConnectionRow.tenant_id)
        .where(ConnectionRow.status == CONNECTED, InboxEvent.handled_at.is_(None))
        .distinct()
    ).all()
    return Work(push=sorted(push), inbox=sorted(inbox))


def connected_ids(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(ConnectionRow.id)
            .where(ConnectionRow.status == CONNECTED)
            .order_by(ConnectionRow.created_at, ConnectionRow.id)
        )
    )


def grants_to_keep_alive(session: Session, before: datetime) -> list[str]:
    """Keys of grants last refreshed before `before` that a connected connection uses (a grant
    whose connections all need re-authorising is left alone: Xero would refuse it)."""
    used = select(ConnectionRow.grant_key).where(ConnectionRow.status == CONNECTED)
    return list(
        session.scalars(
            select(TokenGrant.key)
            .where(
                TokenGrant.ciphertext.is_not(None),
                TokenGrant.updated_at < before,
                TokenGrant.key.in_(used),
            )
            .order_by(TokenGrant.key)
        )
    )


def updates_waiting(session: Session, connection_id: str) -> dict[str, set[str]]:
    """Xero ids, by entity, of records already in Xero with a change of the app's waiting to go:
    what a push must pull first, so that it cannot overwrite an edit made in Xero."""
    rows = session.execute(
        select(MappingRow.entity, MappingRow.xero_id)
        .join(
            OutboxRow,
            and_(
                OutboxRow.connection_id == MappingRow.connection_id,
                OutboxRow.entity == MappingRow.entity,
                OutboxRow.app_id == MappingRow.app_id,
            ),
        )
        .where(
            OutboxRow.connection_id == connection_id,
            OutboxRow.state == PENDING,
            MappingRow.xero_id.is_not(None),
        )
    )
    waiting: dict[str, set[str]] = {}
    for entity, xero_id in rows:
        if xero_id is not None:
            waiting.setdefault(entity, set()).add(xero_id)
    return waiting

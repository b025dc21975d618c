"""Webhook events received from Xero, kept durably and once each (insert-or-ignore on a key made
from the event itself, so a redelivery is harmless), then handled by pulls."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from xerosync.store.db import Database
from xerosync.store.tables import InboxEvent, table_of

__all__ = ["event_key", "mark_handled", "open_events", "store_events"]


def event_key(event: Mapping[str, Any]) -> str:
    """The same event delivered twice gets the same key."""
    parts = (
        event.get("tenantId"),
        event.get("eventCategory"),
        event.get("eventType"),
        event.get("resourceId"),
        event.get("eventDateUtc"),
    )
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def store_events(
    db: Database, session: Session, events: Iterable[Mapping[str, Any]], *, now: datetime
) -> Counter[str]:
    """Insert the events not seen before, in one statement (a delivery holds up to hundreds, and
    Xero wants its answer within 5 seconds); returns how many were new, by tenant id."""
    rows: dict[str, dict[str, Any]] = {}
    for event in events:
        date = event.get("eventDateUtc")
        stamp = datetime.fromisoformat(str(date).replace("Z", "+00:00")) if date else None
        if stamp is not None and stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=UTC)  # Xero's eventDateUtc carries no zone: it is UTC
        key = event_key(event)
        rows.setdefault(
            key,
            {
                "event_key": key,
                "tenant_id": str(event.get("tenantId", "")),
                "category": str(event.get("eventCategory", "")),
                "event_type": str(event.get("eventType", "")),
                "resource_id": str(event.get("resourceId", "")),
                "event_date": stamp,
                "received_at": now,
            },
        )
    if not rows:
        return Counter()
    table = table_of(InboxEvent)
    inserted = session.scalars(  # the rows as parameters: one statement text, compiled once
        db.insert_ignore(table, ["event_key"]).returning(table.c.tenant_id), list(rows.values())
    )
    return Counter(inserted)


def open_events(session: Session, tenant_id: str, *, limit: int = 1000) -> list[InboxEvent]:
    return list(
        session.scalars(
            select(InboxEvent)
            .where(InboxEvent.tenant_id == tenant_id, InboxEvent.handled_at.is_(None))
            .order_by(InboxEvent.id)
            .limit(limit)
        )
    )


def mark_handled(session: Session, ids: Sequence[int], *, now: datetime) -> None:
    if ids:
        session.execute(update(InboxEvent).where(InboxEvent.id.in_(ids)).values(handled_at=now))

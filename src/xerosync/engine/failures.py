"""A push that cannot be made as it is: kept as a dead letter with Xero's (or our) messages, the
record marked failed, and the application told through the feed."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from xerosync.store import feed, outbox, problems
from xerosync.store.mappings import by_app
from xerosync.store.tables import OutboxRow

__all__ = ["label", "record_failure"]


def label(row: OutboxRow | outbox.Queued) -> str:
    """`invoice order-42`: how messages name a record."""
    return f"{row.entity[:-1].replace('_', ' ')} {row.app_id}"


def record_failure(
    session: Session, row: OutboxRow | outbox.Queued, reason: str, messages: Sequence[str]
) -> None:
    if isinstance(row, outbox.Queued):
        row = session.get_one(OutboxRow, row.id)
    problems.dead_letter(session, row, reason=reason, messages=messages)
    outbox.finish(session, row, outbox.FAILED, "; ".join(messages))
    mapping = by_app(session, row.connection_id, row.entity, row.app_id)
    if mapping is not None:
        mapping.sync_status = "failed"
        mapping.last_error = "; ".join(messages)
    feed.emit(
        session,
        connection_id=row.connection_id,
        entity=row.entity,
        app_id=row.app_id,
        kind="push_failed",
        data={"reason": reason, "messages": list(messages)},
    )

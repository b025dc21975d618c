"""Pull cursors: per connection and entity, the If-Modified-Since mark of the next pull.

A cursor only moves after the page that justifies it is applied and committed, in that same
transaction; a crash mid-pull re-reads at most one page, and re-reading is a no-op (hashes)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from xerosync.store.tables import PullCursor

__all__ = ["advance", "get"]


def get(session: Session, connection_id: str, entity: str) -> datetime | None:
    row = session.get(PullCursor, (connection_id, entity))
    return row.modified_since if row else None


def advance(
    session: Session,
    connection_id: str,
    entity: str,
    *,
    modified_since: datetime | None,
    now: datetime,
    seen: int,
) -> None:
    row = session.get(PullCursor, (connection_id, entity))
    if row is None:
        row = PullCursor(connection_id=connection_id, entity=entity, records_seen=0)
        session.add(row)
    if modified_since is not None and (
        row.modified_since is None or modified_since > row.modified_since
    ):
        row.modified_since = modified_since
    row.last_run_at = now
    row.records_seen = (row.records_seen or 0) + seen

"""How many records the next pull of each entity would read, as Xero counts them: one call a
entity, asking for a one-record page and reading `pagination.itemCount` (Xero's count of the
whole result). It makes `plan --count` exact for a first import of years of history, at the
price of those few calls."""

from __future__ import annotations

from collections.abc import Iterable

from xerosync.engine.context import SyncContext
from xerosync.engine.pull import PULL_OPTIONS
from xerosync.engine.resources import resource
from xerosync.store import connections, cursors

__all__ = ["count_records"]


def count_records(
    ctx: SyncContext, connection_id: str, entities: Iterable[str]
) -> dict[str, int | None]:
    """Per entity, the records changed since its cursor (all of them before the first pull);
    None where Xero's answer carries no count."""
    wanted = list(entities)
    with ctx.db.transaction() as session:
        tenant = connections.get(session, connection_id).tenant_id
        since = {e: cursors.get(session, connection_id, e) for e in wanted}
    counts: dict[str, int | None] = {}
    for entity in wanted:
        pages = resource(ctx.client, entity).pages(
            tenant=tenant,
            modified_since=since[entity],
            page_size=1,
            params=PULL_OPTIONS.get(entity),
        )
        first = next(iter(pages), None)
        counts[entity] = (
            first.pagination.item_count if first is not None and first.pagination else None
        )
    return counts

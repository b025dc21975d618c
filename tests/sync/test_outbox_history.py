"""A push's reads of the outbox cost the same on a store holding 20,000 rows that stay as on a
new one (PostgreSQL). Rows that went through are deleted, but those Xero refused (dead letters)
and those a newer change superseded stay, as did every row sent on a store from before migration
0006. Before the outbox's indexes named the kind, a claim walked every row past its last one and
a batch's rows were found by walking every in-flight row: each grew with the store's age."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Select, insert, text
from sqlalchemy.orm import Session

from xerosync.store import outbox
from xerosync.store.db import Database
from xerosync.store.tables import ConnectionRow, OutboxRow, PushBatch, table_of

HISTORY = 20_000
CONNECTION = "c0000000-0000-0000-0000-000000000001"


def seed(db: Database) -> int:
    """A connection with `HISTORY` invoices of long ago that stay in the outbox (refused or
    superseded), 60 contacts pending and one batch of 50 in flight; the in-flight batch's id."""
    now = datetime(2026, 11, 1, tzinfo=UTC)
    row = {"connection_id": CONNECTION, "version": 1, "created_at": now, "updated_at": now}
    with db.transaction() as session:
        session.add(ConnectionRow(id=CONNECTION, tenant_id="t-1", grant_key="g"))
        session.flush()
        batch = PushBatch(
            connection_id=CONNECTION, entity="contacts", method="PUT", idempotency_key="k", size=50
        )
        batch.body = "[]"
        session.add(batch)
        session.flush()
        row.update(batch_id=None, position=None)
        rows: list[dict[str, Any]] = [
            {
                **row,
                **{"entity": "invoices", "app_id": f"old-{n}", "attempts": 1},
                "state": outbox.FAILED if n % 2 else outbox.SUPERSEDED,
            }
            for n in range(HISTORY)
        ]
        rows += [
            {**row, "entity": "contacts", "app_id": f"c-{n}", "state": "pending", "attempts": 0}
            for n in range(60)
        ]
        rows += [
            {
                **row,
                **{"entity": "contacts", "app_id": f"f-{n}", "state": "in_flight", "attempts": 1},
                **{"batch_id": batch.id, "position": n},
            }
            for n in range(50)
        ]
        session.execute(insert(table_of(OutboxRow)), rows)
        session.execute(text("ANALYZE outbox"))
        return batch.id


def blocks_read(session: Session, query: Select[Any], params: dict[str, Any]) -> int:
    """Pages of tables and indexes PostgreSQL touched to answer `query`."""
    compiled = query.compile(dialect=session.get_bind().dialect)
    cursor = session.connection().connection.cursor()
    cursor.execute(
        f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {compiled}", {**compiled.params, **params}
    )
    [[plan]] = cursor.fetchall()
    node = plan[0]["Plan"]
    return int(node["Shared Hit Blocks"]) + int(node["Shared Read Blocks"])


def test_a_push_reads_of_the_outbox_do_not_grow_with_its_history(db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("the plans are PostgreSQL's")
    db = Database(db_url)
    try:
        batch_id = seed(db)
        with db.transaction() as session:
            claim = outbox.pending(session, CONNECTION, "contacts", limit=50)
            claim_blocks = blocks_read(
                session,
                outbox._PENDING,
                {"connection": CONNECTION, "entity": "contacts", "after": 0, "limit": 200},
            )
            batch = outbox.sent_rows(session, batch_id)
            batch_blocks = blocks_read(session, outbox._sent_query(False), {"batch": batch_id})
    finally:
        db.dispose()
    assert [r.app_id for r in claim] == [f"c-{n}" for n in range(50)]
    assert [r.app_id for r in batch] == [f"f-{n}" for n in range(50)]
    # 110 rows of interest live on a handful of pages; the 20,000 that stay fill ~200 more
    assert claim_blocks < 40, claim_blocks
    assert batch_blocks < 40, batch_blocks

"""Found by the fault suite (a worker's push and its scheduled pull on one organisation, on
PostgreSQL): `deadlock detected`, the push recording a batch holding row locks and waiting for
the change feed's lock, the pull merging a page holding the feed's lock and waiting for those
rows. Every transaction that writes rows and the feed now takes the feed's lock first; this
checks the order in every transaction of a push and a pull."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from sqlalchemy import event

from tests.sync.conftest import Harness, contact, invoice


def test_push_and_pull_take_the_feed_lock_before_writing_rows(harness: Harness) -> None:
    engine = harness.sync.db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("the feed's lock is PostgreSQL's (SQLite writes one transaction at a time)")
    statements: dict[int, list[str]] = defaultdict(list)
    transactions: list[list[str]] = []

    def begin(connection: Any) -> None:
        statements[id(connection)] = []
        transactions.append(statements[id(connection)])

    def execute(connection: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        statements[id(connection)].append(sql.split(None, 1)[0].upper() + " " + sql[:60])

    sync, conn = harness.sync, harness.connection
    sync.submit_many(conn, "contacts", [contact(n) for n in range(1, 4)])
    sync.submit_many(conn, "invoices", [invoice(n) for n in range(1, 4)])
    event.listen(engine, "begin", begin)
    event.listen(engine, "before_cursor_execute", execute)
    try:
        assert sync.push(conn).ok == 6
        harness.clock.advance(120)
        sync.pull(conn, entities=["contacts", "invoices"])
        pushed_and_pulled = list(transactions)
    finally:
        event.remove(engine, "begin", begin)
        event.remove(engine, "before_cursor_execute", execute)

    assert any("pg_advisory_xact_lock(" in s for t in pushed_and_pulled for s in t)
    late = []
    for sqls in pushed_and_pulled:
        locks = [i for i, s in enumerate(sqls) if "pg_advisory_xact_lock(" in s and "hash" not in s]
        if not locks:
            continue
        writes = [i for i, s in enumerate(sqls) if s.split()[0] in ("UPDATE", "INSERT", "DELETE")]
        if writes and writes[0] < locks[0]:
            late.append(sqls[: locks[0] + 1])
    assert late == []

"""Found by the fault suite (a worker's push and its scheduled pull on one organisation, on
PostgreSQL): `deadlock detected`, the push recording a batch holding row locks and waiting for
the change feed's lock, the pull merging a page holding the feed's lock and waiting for those
rows. Every transaction that writes the feed now takes its lock last, once its rows are written:
its holder then waits on no row, and holds it only while the events are written. This checks the
order in every transaction of a push, a pull and a person's decision."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from tests.conftest import EmulatorFactory
from tests.sync.conftest import Harness, connect_harness, contact, invoice
from tests.sync.test_merge_emulator import edit_in_xero, pushed_contact
from xerosync.clock import FakeClock
from xerosync.emulator import EmulatorConfig
from xerosync.store import feed


@contextmanager
def traced(engine: Any) -> Iterator[list[list[str]]]:
    """The statements of every transaction begun inside the block, in order."""
    statements: dict[int, list[str]] = defaultdict(list)
    transactions: list[list[str]] = []

    def begin(connection: Any) -> None:
        statements[id(connection)] = []
        transactions.append(statements[id(connection)])

    def execute(connection: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        statements[id(connection)].append(sql.split(None, 1)[0].upper() + " " + sql[:60])

    event.listen(engine, "begin", begin)
    event.listen(engine, "before_cursor_execute", execute)
    try:
        yield transactions
    finally:
        event.remove(engine, "begin", begin)
        event.remove(engine, "before_cursor_execute", execute)


def postgres_only(harness: Harness) -> None:
    if harness.sync.db.engine.dialect.name != "postgresql":
        pytest.skip("the feed's lock is PostgreSQL's (SQLite writes one transaction at a time)")


def test_push_and_pull_take_the_feed_lock_after_writing_rows(harness: Harness) -> None:
    postgres_only(harness)
    sync, conn = harness.sync, harness.connection
    sync.submit_many(conn, "contacts", [contact(n) for n in range(1, 4)])
    sync.submit_many(conn, "invoices", [invoice(n) for n in range(1, 4)])
    with traced(sync.db.engine) as transactions:
        assert sync.push(conn).ok == 6
        harness.clock.advance(120)
        sync.pull(conn, entities=["contacts", "invoices"])
    assert_feed_lock_last(transactions)


def test_a_person_resolving_a_conflict_takes_the_feed_lock_after_writing_rows(
    emulator_factory: EmulatorFactory, db_url: str, clock: FakeClock
) -> None:
    harness = connect_harness(
        emulator_factory(EmulatorConfig(auto_approve=True)),
        db_url,
        clock,
        mapping={"rules": {"entities": {"contacts": "manual"}}},
    )
    postgres_only(harness)
    sync, conn = harness.sync, harness.connection
    xero_id = pushed_contact(harness)
    edit_in_xero(harness, xero_id, Name="Hillcrest Coll")
    harness.clock.advance(2)
    sync.submit(conn, "contacts", contact(1, name="Hillcrest College"))
    assert sync.pull(conn, entities=["contacts"]).conflicts == 1
    [conflict] = sync.conflicts()
    with traced(sync.db.engine) as transactions:
        sync.resolve(conflict.id, {"name": "app"}, by="finance@example.com")
    assert_feed_lock_last(transactions)


def _writes_the_feed(sql: str) -> bool:
    return "INTO feed " in sql or "COPY feed " in sql


def assert_feed_lock_last(transactions: list[list[str]]) -> None:
    """Under the feed's lock a transaction writes its events and nothing else: no statement
    that could wait on another writer's row. (On PostgreSQL the events go by COPY, which
    SQLAlchemy's events do not see: what follows the lock is then nothing at all.)"""
    assert any("pg_advisory_xact_lock(" in s for t in transactions for s in t)
    under_lock = []
    for sqls in transactions:
        locks = [i for i, s in enumerate(sqls) if "pg_advisory_xact_lock(" in s and "hash" not in s]
        if not locks:
            continue
        under_lock += [s for s in sqls[locks[0] + 1 :] if not _writes_the_feed(s)]
    assert under_lock == []


def test_a_transaction_that_emitted_holds_back_no_other_writer(harness: Harness) -> None:
    """Events wait for their transaction's commit, and so does the lock: another worker's push
    records its batch meanwhile (when the lock was taken at the first event, every writer of
    every organisation waited for the whole of each other's transactions)."""
    postgres_only(harness)
    sync, conn = harness.sync, harness.connection
    sync.submit_many(conn, "contacts", [contact(n) for n in range(1, 4)])
    with sync.db.transaction() as session:
        feed.emit(session, connection_id=conn, entity="contacts", kind="conflict", app_id="x")
        session.flush()
        with ThreadPoolExecutor(1) as pool:
            pushed = pool.submit(sync.push, conn).result(timeout=30)
        assert pushed.ok == 3
    kinds = [c.kind for c in sync.changes(connection=conn)]
    assert kinds == ["pushed"] * 3 + ["conflict"]  # in the order they committed

"""Found by the fault suite (a worker's push and its scheduled pull on one organisation, on
PostgreSQL): `deadlock detected`, the push recording a batch holding row locks and waiting for
the change feed's lock, the pull merging a page holding the feed's lock and waiting for those
rows. Every transaction that writes rows and the feed now takes the feed's lock first; this
checks the order in every transaction of a push and a pull."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from tests.conftest import EmulatorFactory
from tests.sync.conftest import Harness, connect_harness, contact, invoice
from tests.sync.test_merge_emulator import edit_in_xero, pushed_contact
from xerosync.clock import FakeClock
from xerosync.emulator import EmulatorConfig


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


def test_push_and_pull_take_the_feed_lock_before_writing_rows(harness: Harness) -> None:
    postgres_only(harness)
    sync, conn = harness.sync, harness.connection
    sync.submit_many(conn, "contacts", [contact(n) for n in range(1, 4)])
    sync.submit_many(conn, "invoices", [invoice(n) for n in range(1, 4)])
    with traced(sync.db.engine) as transactions:
        assert sync.push(conn).ok == 6
        harness.clock.advance(120)
        sync.pull(conn, entities=["contacts", "invoices"])
    assert_feed_lock_first(transactions)


def test_a_person_resolving_a_conflict_takes_the_feed_lock_before_writing_rows(
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
    assert_feed_lock_first(transactions)


def assert_feed_lock_first(transactions: list[list[str]]) -> None:
    assert any("pg_advisory_xact_lock(" in s for t in transactions for s in t)
    late = []
    for sqls in transactions:
        locks = [i for i, s in enumerate(sqls) if "pg_advisory_xact_lock(" in s and "hash" not in s]
        if not locks:
            continue
        writes = [i for i, s in enumerate(sqls) if s.split()[0] in ("UPDATE", "INSERT", "DELETE")]
        if writes and writes[0] < locks[0]:
            late.append(sqls[: locks[0] + 1])
    assert late == []

"""The engine benchmark's core, at a tiny size on SQLite: every record pushed once and pulled once,
in the fewest calls. Counts only; the benchmark's timings are not asserted."""

from __future__ import annotations

import math

import httpx
import pytest
from bench.engine_throughput import (
    OTHER_ENTITIES,
    FakeXero,
    Figures,
    Statements,
    database,
    pull_calls,
    push_calls,
    run_pull,
    run_push,
    run_push_workers,
    split,
)
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    Table,
    bindparam,
    create_engine,
    insert,
    text,
    update,
)

from xerosync.store.db import Database

pytestmark = pytest.mark.slow


def test_a_push_sends_every_record_once_in_full_batches() -> None:
    submit, push = run_push_on_sqlite(120)
    contacts, invoices = split(120)
    assert (contacts, invoices) == (50, 70)
    assert submit.records == 120
    assert push.ok == 120
    assert push.extra["rejected"] == 0
    assert push.extra["sent_to_xero"] == 120
    assert push.extra["sql_statements"] > 0
    assert push.calls == push.expected_calls == math.ceil(50 / 50) + math.ceil(70 / 50) == 3
    assert 0 < push.xero_seconds < push.wall_seconds
    assert push.cpu_seconds > push.xero_cpu_seconds >= 0


def run_push_on_sqlite(records: int) -> tuple[Figures, Figures]:
    with database("sqlite", "") as url:
        return run_push("sqlite", url, records)


def test_a_push_on_postgresql_closes_and_claims_a_batch_in_one_statement(database_url: str) -> None:
    """Each of a batch's rows claimed and closed in one UPDATE per batch, not one per row: what
    is left per record is its mapping's UPDATE and its feed event (statements/record is the
    load-independent figure: 2.4 here, 4.3 with an UPDATE per row at claim and at close)."""
    with database("postgres", database_url, "xerosync_bench_test") as url:
        _submit, push = run_push("postgres", url, 500)
    assert push.ok == 500
    assert push.extra["sql_statements"] / push.records < 2.5


def test_workers_push_every_organisations_records_once_into_one_database(
    database_url: str,
) -> None:
    """`run_push_workers`: each worker process pushes its own organisation's share, all of it,
    in the fewest calls; PostgreSQL's own CPU time is read while their connections are open."""
    with database("postgres", database_url, "xerosync_bench_workers_test") as url:
        pushed = run_push_workers("postgres", url, 301, 2)
        db = Database(url)
        with db.engine.connect() as c:
            synced = c.execute(
                text(
                    "SELECT count(*) FROM mappings WHERE sync_status = 'synced' "
                    "GROUP BY connection_id ORDER BY 1"
                )
            ).scalars()
            assert list(synced) == [150, 151]
        db.dispose()
    assert pushed.phase == "push, 2 workers"
    assert pushed.ok == pushed.extra["sent_to_xero"] == 301
    assert pushed.calls == pushed.expected_calls == push_calls(151) + push_calls(150)
    assert 0 < pushed.engine_seconds <= pushed.wall_seconds
    assert pushed.database_cpu_seconds is not None
    assert pushed.database_cpu_seconds > 0


def test_a_pull_reads_every_record_once_page_by_page() -> None:
    with database("sqlite", "") as url:
        pulled = run_pull("sqlite", url, 2_500)
    assert pulled.ok == 2_500  # each one new to the store, adopted
    assert pulled.extra["seen"] == 2_500
    assert pulled.extra["served_by_xero"] == 2_500
    assert pulled.extra["per_entity"]["invoices"] == 2_500
    assert sum(pulled.extra["per_entity"].values()) == 2_500
    assert pulled.calls == pulled.expected_calls == math.ceil(2_500 / 1000) + OTHER_ENTITIES == 8
    assert pulled.extra["tracemalloc_peak_mb"] is None
    assert pulled.extra["rss_peak_mb"] >= pulled.extra["rss_baseline_mb"] > 0


def test_the_fake_says_when_an_exact_multiple_ends() -> None:
    fake = FakeXero(pull_records=2_000)
    with httpx.Client(transport=fake.transport(), base_url="http://xero.test") as http:
        last = http.get("/api.xro/2.0/Invoices", params={"page": 2, "pageSize": 1000}).json()
        past = http.get("/api.xro/2.0/Invoices", params={"page": 3, "pageSize": 1000}).json()
    assert last["pagination"] == {"page": 2, "pageSize": 1000, "pageCount": 2, "itemCount": 2000}
    assert [i["InvoiceNumber"] for i in last["Invoices"][:2]] == ["INV-001000", "INV-001001"]
    assert past["Invoices"] == []
    assert pull_calls(2_000) == 2 + OTHER_ENTITIES
    assert push_calls(10_000) == 200
    assert fake.calls["GET Invoices"] == 2


def test_the_fake_echoes_a_write_with_new_ids() -> None:
    fake = FakeXero()
    body = {
        "Invoices": [
            {
                "Type": "ACCREC",
                "InvoiceNumber": "ORD-1",
                "LineItems": [{"Description": "x", "Quantity": 2, "UnitAmount": 10}],
            }
        ]
    }
    with httpx.Client(transport=fake.transport(), base_url="http://xero.test") as http:
        [echo] = http.put("/api.xro/2.0/Invoices", json=body).json()["Invoices"]
    assert echo["InvoiceNumber"] == "ORD-1"
    assert echo["StatusAttributeString"] == "OK"
    assert echo["Total"] == 23.0
    assert len(echo["InvoiceID"]) == 36


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_statements_count_each_row_of_an_executemany(
    kind: str, request: pytest.FixtureRequest
) -> None:
    """psycopg sends an executemany as one call but the server runs one UPDATE per row: counted
    as such (the counter used to read ~0 per record on PostgreSQL). A multi-row INSERT is one."""
    url = "sqlite://" if kind == "sqlite" else request.getfixturevalue("database_url")
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    table = Table(
        "bench_rows",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("v", Integer),
        prefixes=["TEMPORARY"],
    )
    statements = Statements(engine)
    try:
        with engine.begin() as c:
            table.create(c)
            c.execute(insert(table).returning(table.c.id), [{"id": n, "v": 0} for n in range(3)])
            created = statements.count
            c.execute(
                update(table).where(table.c.id == bindparam("row")).values(v=bindparam("new")),
                [{"row": n, "new": n} for n in range(3)],
            )
            assert statements.count - created == 3
    finally:
        engine.dispose()
    assert created == 2  # CREATE TABLE, then one INSERT of the three rows

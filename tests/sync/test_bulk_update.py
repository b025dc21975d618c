"""`update_many`: many rows, each with values of its own, written in one statement on PostgreSQL
(an executemany on SQLite), exactly as the ORM would write them one by one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from xerosync.store import connections
from xerosync.store.db import Database, update_many
from xerosync.store.tables import MappingRow, table_of


def _mappings(db: Database, count: int) -> tuple[str, list[int]]:
    with db.transaction() as session:
        conn = connections.upsert(
            session, tenant_id="t-1", tenant_name="Bulk Ltd", grant_key="default"
        )
        rows = [
            MappingRow(
                connection_id=conn.id,
                entity="invoices",
                app_id=f"order-{n}",
                base={"n": n},
                total=Decimal("1.00"),
                sync_status="pending",
            )
            for n in range(count)
        ]
        session.add_all(rows)
        session.flush()
        return conn.id, [r.id for r in rows]


def test_each_row_gets_its_own_values_and_the_rest_are_untouched(db: Database) -> None:
    _, ids = _mappings(db, 5)
    changed_at = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    with db.transaction() as session:
        update_many(
            session,
            table_of(MappingRow),
            [
                {
                    "id": ids[n],
                    "xero_id": f"x-{n}",
                    "total": Decimal(f"{n}.25") if n else None,
                    "base": {"n": n, "name": f"Ä {n}"},
                    "xero_hash": None,
                    "xero_updated_at": changed_at,
                    "sync_status": "synced",
                }
                for n in range(4)  # the fifth row is not in the list
            ],
        )
    with db.transaction() as session:
        found = {m.id: m for m in session.scalars(select(MappingRow))}
    for n in range(4):
        row = found[ids[n]]
        assert row.xero_id == f"x-{n}"
        assert row.total == (Decimal(f"{n}.25") if n else None)  # a NULL stays a NULL
        assert row.base == {"n": n, "name": f"Ä {n}"}
        assert row.xero_hash is None
        assert row.xero_updated_at is not None
        assert row.xero_updated_at.astimezone(UTC) == changed_at
        assert row.sync_status == "synced"
    untouched = found[ids[4]]
    assert (untouched.xero_id, untouched.sync_status, untouched.base) == (
        None,
        "pending",
        {"n": 4},
    )


def test_an_empty_list_writes_nothing(db: Database) -> None:
    _, ids = _mappings(db, 1)
    with db.transaction() as session:
        update_many(session, table_of(MappingRow), [])
    with db.transaction() as session:
        assert session.get(MappingRow, ids[0]) is not None


def test_a_thousand_rows_in_one_call(db: Database) -> None:
    _, ids = _mappings(db, 1_200)
    with db.transaction() as session:
        update_many(
            session, table_of(MappingRow), [{"id": i, "xero_number": f"INV-{i}"} for i in ids]
        )
    with db.transaction() as session:
        numbers = dict(session.execute(select(MappingRow.id, MappingRow.xero_number)).all())
    assert numbers == {i: f"INV-{i}" for i in ids}


def test_times_keep_their_instant_and_a_naive_time_is_refused(db: Database) -> None:
    _, ids = _mappings(db, 1)
    auckland = timezone(timedelta(hours=13))
    moment = datetime(2026, 12, 1, 9, 30, tzinfo=auckland)
    with db.transaction() as session:
        update_many(session, table_of(MappingRow), [{"id": ids[0], "xero_updated_at": moment}])
    with db.transaction() as session:
        stored = session.get_one(MappingRow, ids[0]).xero_updated_at
    assert stored == moment  # the same instant (20:30 UTC the day before)
    assert stored is not None
    assert stored.tzinfo is not None
    with (
        pytest.raises((StatementError, ValueError), match="naive datetime"),
        db.transaction() as session,
    ):
        update_many(
            session,
            table_of(MappingRow),
            [{"id": ids[0], "xero_updated_at": datetime(2026, 12, 1, 9, 30)}],
        )


def test_json_keeps_integers_past_64_bits(db: Database) -> None:
    conn, ids = _mappings(db, 1)
    huge = 2**70  # an application's 22-digit reference number, say
    with db.transaction() as session:
        update_many(session, table_of(MappingRow), [{"id": ids[0], "base": {"ref": huge}}])
        session.add(MappingRow(connection_id=conn, entity="contacts", app_data={"ref": huge}))
    with db.transaction() as session:
        assert session.get_one(MappingRow, ids[0]).base == {"ref": huge}
        stored = session.scalars(select(MappingRow).where(MappingRow.entity == "contacts")).one()
        assert stored.app_data == {"ref": huge}

"""The store on SQLite and PostgreSQL: migrations equal the models, tokens encrypted at rest with
rotatable keys and a lock that holds across processes, records handed in inside the application's
own transaction, and a feed that replays in order."""

from __future__ import annotations

import multiprocessing
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import Column, Enum, Integer, MetaData, String, Table, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from xerosync.api import XeroSync
from xerosync.errors import ConfigError
from xerosync.store import feed, leases
from xerosync.store.crypto import TokenCipher, new_key
from xerosync.store.db import Database, among, insert_many
from xerosync.store.migrate import pending_changes
from xerosync.store.tables import MappingRow, OutboxRow, TokenGrant
from xerosync.store.tokens import DatabaseTokenStore
from xerosync.xero import TokenSet, XeroClient, XeroConfig


def tokens(n: int = 1) -> TokenSet:
    return TokenSet(
        access_token=f"access-secret-{n}",
        refresh_token=f"refresh-secret-{n}",
        expires_at=datetime(2030, 1, 1, tzinfo=UTC),
        scope=frozenset({"offline_access"}),
    )


def test_the_migrations_build_exactly_the_models(db_url: str, tmp_path: object) -> None:
    db = Database(db_url)
    with db.engine.begin() as c:  # start from nothing, as a new install does
        if db.is_sqlite:
            for (name,) in c.execute(
                text(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                )
            ).all():
                c.execute(text(f'DROP TABLE "{name}"'))
        else:
            c.execute(text("DROP SCHEMA public CASCADE"))
            c.execute(text("CREATE SCHEMA public"))
    db.migrate()
    assert pending_changes(db.engine) == []
    db.dispose()


def test_tokens_are_encrypted_at_rest_and_survive_a_key_rotation(db: Database) -> None:
    old, new = new_key(), new_key()
    DatabaseTokenStore(db, TokenCipher([old])).save("grant", tokens())
    with db.engine.connect() as c:
        stored = c.execute(select(TokenGrant.ciphertext)).scalar_one()
    assert b"refresh-secret" not in stored

    rotating = DatabaseTokenStore(db, TokenCipher([new, old]))
    assert rotating.load("grant") == tokens()
    assert rotating.rotate_keys() == 1
    assert DatabaseTokenStore(db, TokenCipher([new])).load("grant") == tokens()
    with pytest.raises(ConfigError, match="cannot be decrypted"):
        DatabaseTokenStore(db, TokenCipher([old])).load("grant")


def test_a_refreshed_pair_is_saved_only_over_the_token_it_replaced_and_only_under_the_lock(
    db: Database,
) -> None:
    store = DatabaseTokenStore(db, TokenCipher([KEY]))
    store.save("grant", tokens(1))
    assert not store.save("grant", tokens(2), replacing="refresh-secret-1")  # lock not held
    with store.lock("grant"):
        assert not store.save("grant", tokens(3), replacing="refresh-secret-0")  # stale
        assert store.save("grant", tokens(2), replacing="refresh-secret-1")
    assert store.load("grant") == tokens(2)


def test_no_key_is_a_configuration_error_saying_what_to_set() -> None:
    with pytest.raises(ConfigError, match="XEROSYNC_TOKEN_KEYS"):
        TokenCipher([])


def _hold_lock(url: str, cipher_key: str, started: object, seconds: float) -> None:
    store = DatabaseTokenStore(Database(url), TokenCipher([cipher_key]))
    with store.lock("grant"):
        started.set()  # type: ignore[attr-defined]
        time.sleep(seconds)
        store.save("grant", tokens(2))


KEY = new_key()


def test_the_token_lock_holds_across_processes(db_url: str) -> None:
    """While another process refreshes, this one waits, then sees the other's new pair."""
    db = Database(db_url)
    store = DatabaseTokenStore(db, TokenCipher([KEY]))
    store.save("grant", tokens(1))
    context = multiprocessing.get_context("spawn")
    started = context.Event()
    other = context.Process(target=_hold_lock, args=(db_url, KEY, started, 1.0))
    other.start()
    try:
        assert started.wait(30)
        began = time.monotonic()
        with store.lock("grant"):
            waited = time.monotonic() - began
            seen = store.load("grant")
    finally:
        other.join(30)
    assert waited > 0.5
    assert seen == tokens(2)


def test_a_record_handed_in_inside_the_apps_transaction_is_queued_only_if_it_commits(
    db: Database,
) -> None:
    sync = XeroSync(
        db,
        XeroClient(
            XeroConfig(client_id="app"), token_store=DatabaseTokenStore(db, TokenCipher([KEY]))
        ),
    )
    connection = sync.add_connection("tenant-1")
    with db.sessions() as session:
        with session.begin():
            sync.submit(connection, "contacts", {"id": "cust-1", "name": "Kept"}, session=session)
        transaction = session.begin()
        sync.submit(
            connection, "contacts", {"id": "cust-2", "name": "Rolled back"}, session=session
        )
        transaction.rollback()
    with db.sessions() as session:
        queued = session.scalars(select(OutboxRow.app_id)).all()
    assert queued == ["cust-1"]
    assert sync.status(connection, "contacts", "cust-2") is None


def test_the_feed_replays_in_order_from_any_cursor(db: Database) -> None:
    sync = XeroSync(
        db,
        XeroClient(
            XeroConfig(client_id="app"), token_store=DatabaseTokenStore(db, TokenCipher([KEY]))
        ),
    )
    connection = sync.add_connection("tenant-1")
    with db.transaction() as session:
        for n in range(5):
            feed.emit(
                session, connection_id=connection, entity="invoices", app_id=f"o-{n}", kind="pushed"
            )
    first = sync.changes(limit=2)
    rest = sync.changes(after=first[-1].seq)
    assert [c.app_id for c in first + rest] == [f"o-{n}" for n in range(5)]
    assert sync.changes(after=first[-1].seq) == rest  # reading changes nothing: replayable


def test_the_feed_keeps_what_was_committed_in_the_order_it_was_emitted(db: Database) -> None:
    """Events are written together when their transaction commits, in the order emitted: one
    rolled back is never written, and until the commit not even the emitting transaction reads
    them (so it takes the feed's lock only once its rows are written)."""
    sync = XeroSync(
        db,
        XeroClient(
            XeroConfig(client_id="app"), token_store=DatabaseTokenStore(db, TokenCipher([KEY]))
        ),
    )
    connection = sync.add_connection("tenant-1")

    def emit(session: Session, name: str) -> None:
        feed.emit(session, connection_id=connection, entity="invoices", app_id=name, kind="pushed")

    with db.sessions() as session:
        transaction = session.begin()
        emit(session, "rolled-back")
        transaction.rollback()
        with session.begin():
            emit(session, "first")
            emit(session, "second")
            inside = [e.app_id for e in feed.read(session, connection_id=connection)]
            emit(session, "third")
    assert inside == []
    changes = sync.changes()
    assert [c.app_id for c in changes] == ["first", "second", "third"]
    assert [c.seq for c in changes] == sorted(c.seq for c in changes)


def test_tables_a_bulk_submit_grew_are_measured_again_once(db: Database) -> None:
    """PostgreSQL plans look-ups by key as scans of tables it never measured: after a bulk
    submit the push has them analyzed first, and not again until they double."""
    sync = XeroSync(
        db,
        XeroClient(
            XeroConfig(client_id="app"), token_store=DatabaseTokenStore(db, TokenCipher([KEY]))
        ),
    )
    connection = sync.add_connection("tenant-1")
    sync.submit_many(
        connection, "contacts", [{"id": f"c-{n}", "name": f"Customer {n}"} for n in range(2000)]
    )
    grown = db.analyze_grown("mappings", "outbox")
    assert sorted(grown) == ([] if db.is_sqlite else ["mappings", "outbox"])
    assert db.analyze_grown("mappings", "outbox") == []


@pytest.mark.parametrize("wanted", [0, 1, 3, 600])
def test_among_finds_exactly_the_keys_named(db: Database, wanted: int) -> None:
    """`among` is `IN` on SQLite and one array parameter on PostgreSQL: the same rows."""
    with db.transaction() as session:
        session.add_all(TokenGrant(key=f"k-{n}", ciphertext=b"x") for n in range(5))
    keys = [f"k-{n}" for n in range(wanted)] + [f"absent-{n}" for n in range(wanted)]
    with db.transaction() as session:
        found = session.scalars(select(TokenGrant.key).where(among(session, TokenGrant.key, keys)))
        assert sorted(found) == [f"k-{n}" for n in range(min(wanted, 5))]


MAPPINGS = MappingRow.metadata.tables["mappings"]


def test_insert_many_writes_what_an_insert_writes(db: Database) -> None:
    """A COPY on PostgreSQL, an executemany on SQLite: the same rows read back, bind processing
    (JSON, aware datetimes, money) and the server's defaults included; a clash is SQLAlchemy's
    IntegrityError, as from an INSERT."""
    sync = XeroSync(
        db,
        XeroClient(
            XeroConfig(client_id="app"), token_store=DatabaseTokenStore(db, TokenCipher([KEY]))
        ),
    )
    connection = sync.add_connection("tenant-1")
    moment = datetime(2026, 11, 30, 13, 0, tzinfo=timezone(timedelta(hours=13)))
    row = {
        "connection_id": connection,
        "entity": "invoices",
        "app_id": None,
        "xero_id": "x-1",
        "origin": "xero",
        "base": {"reference": 'Tab\there, quote " and \\N', "lines": [1, None]},
        "app_data": None,
        "sync_status": "synced",
        "version": 0,
        "synced_version": 0,
        "total": Decimal("11.5"),
        "xero_updated_at": moment,
        "updated_at": moment,
    }
    with db.transaction() as session:
        session.execute(insert(MAPPINGS), [{**row, "xero_id": "x-0"}])
        insert_many(session, MAPPINGS, [row, {**row, "xero_id": "x-2", "base": {}}])
    with db.transaction() as session:
        found = session.scalars(select(MappingRow).order_by(MappingRow.xero_id)).all()
        raw = session.execute(
            select(MAPPINGS.c.app_data.is_(None), MAPPINGS.c.total, MAPPINGS.c.updated_at)
            .where(MAPPINGS.c.xero_id.in_(["x-0", "x-1"]))
            .order_by(MAPPINGS.c.xero_id)
        ).all()
    assert raw[0] == raw[1]
    found = found[1:]
    assert [m.xero_id for m in found] == ["x-1", "x-2"]
    assert found[0].base == row["base"]
    assert found[1].base == {}
    assert found[0].app_data is None
    assert found[0].total == Decimal("11.5")
    assert found[0].xero_updated_at == moment
    assert found[0].xero_updated_at.tzinfo is not None
    assert found[0].id is not None
    unstamped = {k: v for k, v in row.items() if k != "updated_at"}
    with (
        pytest.raises(ValueError, match="updated_at has a Python-side default"),
        db.transaction() as session,
    ):
        insert_many(session, MAPPINGS, [unstamped])
    with pytest.raises(IntegrityError), db.transaction() as session:
        insert_many(session, MAPPINGS, [row])


def test_insert_many_keeps_edge_values_as_an_insert_does(db: Database) -> None:
    """Values a binary COPY writes in its own encoding (money past two places, negative and past
    a million, zero; text beyond ASCII; a JSON null inside a document; every column filled) read
    back column for column as those of the same row written by an INSERT, given in each row or
    once for all of them (`same`)."""
    sync = XeroSync(
        db,
        XeroClient(
            XeroConfig(client_id="app"), token_store=DatabaseTokenStore(db, TokenCipher([KEY]))
        ),
    )
    connection = sync.add_connection("tenant-1")
    moment = datetime(2026, 2, 28, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-5)))
    row = {
        "connection_id": connection,
        "entity": "payments",
        "xero_number": "Nº 7 — ok",
        "origin": "app",
        "app_data": {"amount": "-1234567.8912", "note": "€ \\ \t\n", "nested": [None, {"a": 1}]},
        "app_hash": "a" * 64,
        "base": {"big": 2**62, "fraction": 0.1},
        "base_hash": "b" * 64,
        "xero_hash": "c" * 64,
        "xero_updated_at": moment,
        "xero_status": "AUTHORISED",
        "xero_type": "ACCREC",
        "total": Decimal("-1234567.8912"),
        "amount_due": Decimal("0"),
        "amount_paid": Decimal("0.0001"),
        "sync_status": "pending",
        "version": 2**31 - 1,
        "synced_version": -3,
        "app_changed_at": moment,
        "last_error": "tab\there",
        "updated_at": moment,
    }
    with db.transaction() as session:
        session.execute(insert(MAPPINGS), [{**row, "xero_id": "by-insert", "app_id": "ü-1"}])
        copied = {**row, "xero_id": "by-copy", "app_id": "ü-2"}
        same = {"updated_at": copied.pop("updated_at"), "base": copied.pop("base")}
        insert_many(session, MAPPINGS, [copied], same=same)  # the same values, given once
    columns = [c for c in MAPPINGS.c if c.name not in ("id", "xero_id", "app_id")]
    with db.transaction() as session:
        written = session.execute(
            select(*columns).where(MAPPINGS.c.xero_id.in_(["by-insert", "by-copy"]))
        ).all()
    assert len(written) == 2
    assert written[0] == written[1]
    assert written[0].total == Decimal("-1234567.8912")
    with db.transaction() as session:
        assert (
            session.scalar(select(MAPPINGS.c.app_id).where(MAPPINGS.c.xero_id == "by-copy"))
            == "ü-2"
        )


def test_insert_many_writes_a_type_psycopg_does_not_know(db: Database) -> None:
    """A column of a type psycopg has no name for (an enum of the application's own) is written
    too: such a table goes by a text COPY, each value dumped as psycopg sees fit."""
    metadata = MetaData()
    moods = Table(
        "moods_test",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("mood", Enum("calm", "busy", name="mood_test")),
        Column("note", String(20)),
    )
    metadata.create_all(db.engine)
    try:
        with db.transaction() as session:
            insert_many(session, moods, [{"id": 1, "mood": "busy"}], same={"note": "é"})
        with db.transaction() as session:
            assert session.execute(select(moods)).all() == [(1, "busy", "é")]
    finally:
        metadata.drop_all(db.engine)


def test_one_lease_holder_at_a_time_until_it_runs_out(db: Database) -> None:
    now = datetime(2026, 11, 30, tzinfo=UTC)
    results: list[bool] = []

    def take(owner: str) -> None:
        results.append(bool(leases.acquire(db, "push:c", owner, now=now, ttl=60)))

    threads = [threading.Thread(target=take, args=(f"w{n}",)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 5 + [True]
    late = leases.acquire(db, "push:c", "late", now=now + timedelta(seconds=61), ttl=60)
    assert late  # ...and says whose lease ran out, and when
    assert late.previous in {f"w{n}" for n in range(6)}
    assert late.until == now + timedelta(seconds=60)


def test_a_lease_says_what_it_took_over(db: Database) -> None:
    now = datetime(2026, 11, 30, tzinfo=UTC)
    assert leases.acquire(db, "push:c", "w1", now=now, ttl=60) == leases.Taken(True)  # free
    again = leases.acquire(db, "push:c", "w1", now=now + timedelta(seconds=5), ttl=60)
    assert again == leases.Taken(True)  # already ours
    leases.release(db, "push:c", "w1")
    assert leases.acquire(db, "push:c", "w2", now=now, ttl=60) == leases.Taken(True)  # released
    later = now + timedelta(seconds=61)
    taken = leases.acquire(db, "push:c", "w3", now=later, ttl=60)
    assert taken == leases.Taken(True, previous="w2", until=now + timedelta(seconds=60))
    leases.hand_back(db, "push:c", "w3", taken)  # as it was: w2's, run out
    assert leases.acquire(db, "push:c", "w4", now=later, ttl=60) == taken
    assert not leases.acquire(db, "push:c", "w5", now=later, ttl=60)

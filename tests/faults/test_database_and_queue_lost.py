"""Issue 8: "PostgreSQL restarted and Redis flushed mid-run: the sweeper re-drives work, nothing
lost". The server is shared with other tests, so it is not restarted: every session on this
test's own database is terminated (`pg_terminate_backend`, what a restart does to its clients)
and the Redis DB the test's queue lives in is flushed (every queued wake-up and scheduled retry
gone). The workers keep running; the one with the schedules sweeps once a minute and finds the
work the database still holds."""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
import pytest
import redis

from tests.faults.cluster import (
    REDIS_DB_TO_FLUSH,
    assert_each_invoice_once,
    cluster,
    outstanding,
    wait_until,
)
from tests.sync.conftest import contact, invoice
from xerosync.jobs import wake_after_commit
from xerosync.store.db import normalise_url

PER_ORGANISATION = 1000


def terminate_sessions(server_url: str, database: str) -> int:
    plain = normalise_url(server_url).replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        ).fetchall()
    return len(rows)


@pytest.mark.slow
def test_database_sessions_dropped_and_queue_flushed_mid_run_lose_nothing(
    database_url: str, redis_url: str, tmp_path: Path
) -> None:
    with cluster(database_url, redis_url, tmp_path, redis_db=REDIS_DB_TO_FLUSH) as running:
        connections = running.connect()
        sync = running.sync
        sweeper = running.worker("worker-0", periodic=True)
        running.worker("worker-1", periodic=False)
        wait_until(
            lambda: "consumer started" in sweeper.log.read_text(), timeout=60, what="the sweeper"
        )
        for conn in connections.values():
            with sync.db.transaction() as session:
                sync.submit_many(conn, "contacts", [contact(1)], session=session)
                sync.submit_many(
                    conn,
                    "invoices",
                    [invoice(n) for n in range(1, PER_ORGANISATION + 1)],
                    session=session,
                )
                wake_after_commit(session, running.tasks.wake_push, conn)

        def pushed() -> int:
            return sum(sum(running.invoice_numbers(t).values()) for t in running.tenants.values())

        wait_until(lambda: pushed() >= 100, timeout=60, what="the push to start", every=0.02)
        database = running.database_url.rsplit("/", 1)[1]
        terminated = terminate_sessions(database_url, database)
        redis.Redis.from_url(running.redis_url).flushdb()
        at_loss = pushed()
        time.sleep(3)  # the running pushes fail or finish; nothing queued wakes anyone
        stranded = outstanding(sync)

        wait_until(
            lambda: outstanding(sync) == 0,
            timeout=100,
            what="the sweeper to re-drive the stranded work",
            every=0.5,
        )
        running.stop_all()
        print(
            f"\nfigures: {terminated} sessions terminated with {at_loss} invoices in Xero; "
            f"{stranded} outbox rows stranded until the sweep"
        )
        expected = {name: range(1, PER_ORGANISATION + 1) for name in connections}
        assert_each_invoice_once(running, connections, expected)
        assert terminated >= 2  # the workers' sessions were among those dropped

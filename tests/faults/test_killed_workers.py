"""Issue 10: a worker SIGKILLed at random moments through a 2,000-invoice push and started again,
several times over: each invoice is in Xero exactly once and every mapping names it.

Nothing is tidied up by a SIGKILL: the dead worker's queue message is gone (Huey took it off
Redis), its lease on the connection stays until it runs out (XEROSYNC_LEASE_SECONDS, short
here), so do the slots among the tenant's five concurrent calls it held in Redis
(XEROSYNC_XERO_SLOT_LEASE_SECONDS), and its batch may be in flight in Xero. A worker run with the schedules sweeps when it
starts: it finds the pending rows and the rows of a batch older than a lease, and the push
resumes them under their idempotency keys (or finds them in Xero)."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from tests.faults.cluster import (
    Process,
    assert_each_invoice_once,
    cluster,
    outstanding,
    wait_until,
)
from tests.sync.conftest import contact, invoice
from xerosync.jobs import wake_after_commit

INVOICES = 2000
CONTACTS = 10
KILLS = 5
LEASE = 3.0
SLOT_LEASE = 4.0  # a dead worker's concurrent-call slots (in Redis) free themselves after this


@pytest.mark.slow
def test_a_worker_killed_again_and_again_through_a_big_push_loses_and_doubles_nothing(
    database_url: str, redis_url: str, tmp_path: Path
) -> None:
    chance = random.Random(20261130)
    with cluster(
        database_url,
        redis_url,
        tmp_path,
        lease_seconds=str(LEASE),
        xero_slot_lease_seconds=str(SLOT_LEASE),
        # each worker is SIGKILLed before the next starts: none is left stalled with a call on
        # its way, and a request the emulator received whole is answered at once
        takeover_wait_seconds="5",
        sweep_every_minutes="59",  # the schedule will not sweep during the test: the start does
    ) as running:
        connections = running.connect()
        [(organisation, conn)] = list(connections.items())[:1]
        tenant = running.tenants[organisation]
        sync = running.sync
        with sync.db.transaction() as session:
            sync.submit_many(
                conn, "contacts", [contact(n) for n in range(1, CONTACTS + 1)], session=session
            )
            wake_after_commit(session, running.tasks.wake_push, conn)
        for start in range(1, INVOICES + 1, 500):
            with sync.db.transaction() as session:
                sync.submit_many(
                    conn,
                    "invoices",
                    [invoice(n, customer=1 + n % CONTACTS) for n in range(start, start + 500)],
                    session=session,
                )
                wake_after_commit(session, running.tasks.wake_push, conn)

        progress: list[int] = []  # invoices in Xero at each kill
        for kill in range(KILLS):
            if outstanding(sync) == 0:
                break  # a worker finished the push before its kill came
            worker = running.worker(f"worker-{kill}", threads=2, periodic=True)

            def pushing(w: Process = worker) -> bool:
                return "Executing xerosync.jobs.tasks.push" in w.log.read_text() or (
                    outstanding(sync) == 0
                )

            wait_until(pushing, timeout=60, what=f"worker {kill} to push", every=0.05)
            time.sleep(chance.uniform(0.05, 1.0))
            worker.kill()
            progress.append(sum(running.invoice_numbers(tenant).values()))
            time.sleep(max(LEASE, SLOT_LEASE))  # its leases run out (a new worker would wait)

        running.worker("worker-last", threads=2, periodic=True)
        wait_until(
            lambda: outstanding(sync) == 0,
            timeout=120,
            what="the last worker to finish the push",
        )
        running.stop_all()
        print(f"\nfigures: invoices in Xero at each kill {progress}")
        mid_push = [p for p in progress if 0 < p < INVOICES]
        assert len(mid_push) >= 3, progress  # killed mid-push, again and again
        assert_each_invoice_once(running, connections, {organisation: range(1, INVOICES + 1)})
        by_key = [c["idempotency_key"] for c in running.accounting_calls() if c["method"] == "PUT"]
        print(f"figures: {len(by_key)} PUTs, {len(by_key) - len(set(by_key))} replayed keys")

"""A push holds its connection's lease while it sends: it renews it before a call once a third of
its time has passed, and stops at once, sending nothing more, when another worker has taken it."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from tests.sync.conftest import Harness, contact, invoice
from xerosync.engine import push_connection
from xerosync.store import leases

INVOICES = 500  # ten batches of invoices, claimed four at a time


def _numbers(harness: Harness) -> Counter[str]:
    return Counter(
        i["InvoiceNumber"]
        for i in harness.xero("Invoices")
        if i["InvoiceNumber"].startswith("ORD-")
    )


def test_a_push_whose_lease_was_taken_stops_and_the_new_holder_finishes(
    harness: Harness,
) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit_many(conn, "contacts", [contact(1)])
    sync.submit_many(conn, "invoices", [invoice(n, customer=1) for n in range(1, INVOICES + 1)])
    first = replace(sync.context, owner="worker-1", lease_ttl=60.0, concurrency=1)
    second = replace(sync.context, owner="worker-2", lease_ttl=60.0, concurrency=1)
    recorded = 0

    def stalls_after_the_third_batch(name: str) -> None:
        nonlocal recorded
        if name != "recorded":
            return
        recorded += 1
        if recorded == 3:  # worker 1 stalls past its lease; worker 2 takes the connection
            harness.clock.advance(61.0)
            assert leases.acquire(
                sync.db,
                f"push:{conn}",
                "worker-2",
                now=harness.clock.now(),
                ttl=60.0,
            )

    report = push_connection(first, conn, checkpoint=stalls_after_the_third_batch)

    assert not report.finished
    assert report.error is not None
    assert "lost to another worker" in report.error
    assert report.calls == 3  # the contact's batch and two of invoices; nothing after the stall
    assert sum(_numbers(harness).values()) == 100

    finished = push_connection(second, conn)
    assert finished.finished, finished.error
    assert _numbers(harness) == Counter({f"ORD-{n:04d}": 1 for n in range(1, INVOICES + 1)})


def test_a_long_push_keeps_its_lease_from_other_workers(harness: Harness) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit_many(conn, "contacts", [contact(1)])
    sync.submit_many(conn, "invoices", [invoice(n, customer=1) for n in range(1, INVOICES + 1)])
    first = replace(sync.context, owner="worker-1", lease_ttl=60.0, concurrency=1)
    taken: list[bool] = []

    def slow_calls(name: str) -> None:
        if name == "recorded":  # each call takes 25 s: the lease would run out without renewal
            harness.clock.advance(25.0)
            taken.append(
                leases.acquire(
                    sync.db, f"push:{conn}", "worker-2", now=harness.clock.now(), ttl=60.0
                )
            )

    report = push_connection(first, conn, checkpoint=slow_calls)

    assert report.finished, report.error
    assert report.calls == 11
    assert not any(taken)
    assert _numbers(harness) == Counter({f"ORD-{n:04d}": 1 for n in range(1, INVOICES + 1)})

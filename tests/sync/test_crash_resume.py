"""A push killed between any two of its steps, then started again by another worker, leaves each
record in Xero exactly once: resumed under its idempotency key while Xero remembers it, and found
in Xero and adopted once Xero has forgotten it. The workers here take another's batches over
`TAKEOVER` seconds after its lease ran out (a client whose calls are known to end by then; the
default, computed from the client's config, is hours: see test_push_takeover)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from tests.sync.conftest import Harness, contact, invoice
from xerosync.engine import push_connection

INVOICES = 60  # two batches of invoices
CONTACTS = 3
TAKEOVER = 20.0


class Crash(BaseException):
    """The worker dies here (not an Exception: nothing below may catch or tidy up after it)."""


def crash_at(point: str, occurrence: int):  # type: ignore[no-untyped-def]
    seen = Counter[str]()

    def checkpoint(name: str) -> None:
        seen[name] += 1
        if name == point and seen[name] == occurrence:
            raise Crash(f"killed at {point} #{occurrence}")

    return checkpoint


def in_xero(harness: Harness) -> tuple[Counter[str], Counter[str]]:
    numbers = Counter(
        i["InvoiceNumber"]
        for i in harness.xero("Invoices")
        if i["InvoiceNumber"].startswith("ORD-")
    )
    names = Counter(
        c["Name"] for c in harness.xero("Contacts") if c["Name"].startswith("Customer ")
    )
    return numbers, names


@pytest.mark.parametrize("point", ["claimed", "answered", "recorded"])
@pytest.mark.parametrize("occurrence", [1, 3])
@pytest.mark.parametrize(
    "restart_after", [90.0, 900.0], ids=["inside-key-window", "after-key-window"]
)
def test_a_crashed_push_resumes_without_losing_or_doubling_a_record(
    harness: Harness, point: str, occurrence: int, restart_after: float
) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit_many(conn, "contacts", [contact(n) for n in range(1, CONTACTS + 1)])
    sync.submit_many(
        conn, "invoices", [invoice(n, customer=1 + n % CONTACTS) for n in range(1, INVOICES + 1)]
    )
    first = replace(sync.context, owner="worker-1", lease_ttl=60.0, takeover_wait=TAKEOVER)

    with pytest.raises(Crash):
        push_connection(first, conn, checkpoint=crash_at(point, occurrence))

    second = replace(sync.context, owner="worker-2", lease_ttl=60.0, takeover_wait=TAKEOVER)
    assert push_connection(second, conn).busy  # the dead worker's lease has not run out
    harness.clock.advance(restart_after)  # past its lease and the wait for its calls
    report = push_connection(second, conn)

    assert report.finished, report.error
    assert report.deferred == 0
    assert [d.messages for d in sync.dead_letters()] == []
    numbers, names = in_xero(harness)
    assert numbers == Counter({f"ORD-{n:04d}": 1 for n in range(1, INVOICES + 1)})
    assert names == Counter({f"Customer {n}": 1 for n in range(1, CONTACTS + 1)})
    for n in range(1, INVOICES + 1):
        status = sync.status(conn, "invoices", f"order-{n}")
        assert status is not None
        assert status.state == "synced"
        assert status.number == f"ORD-{n:04d}"
    assert sync.dead_letters() == []
    if restart_after > sync.context.idempotency_window and point != "recorded":
        assert report.adopted + report.ok >= 1


def test_batches_claimed_and_never_sent_are_not_given_up_after_takeovers(
    harness: Harness,
) -> None:
    """Workers die one after another while sending the first of four claimed batches: that one
    was sent each time and is given up after `max_attempts` sends; the other three were never
    sent and go through when a worker finally lives (they used to be counted a try each
    takeover and given up as "sent 3 times")."""
    sync, conn = harness.sync, harness.connection
    sync.submit_many(conn, "contacts", [contact(1)])
    push_connection(replace(sync.context, owner="worker-0"), conn)  # the contact first
    sync.submit_many(conn, "invoices", [invoice(n, customer=1) for n in range(1, 201)])
    context = replace(
        sync.context, lease_ttl=60.0, concurrency=1, max_attempts=3, takeover_wait=TAKEOVER
    )
    for worker in range(1, 4):
        with pytest.raises(Crash):
            push_connection(
                replace(context, owner=f"worker-{worker}"), conn, checkpoint=crash_at("answered", 1)
            )
        harness.clock.advance(61.0 + TAKEOVER)  # its lease and calls ended: the next takes over

    report = push_connection(replace(context, owner="worker-4"), conn)

    given_up = sorted(int(d.app_id.split("-")[1]) for d in sync.dead_letters())
    assert given_up == list(range(1, 51))  # the first batch: sent three times, never recorded
    assert all("sent 3 times" in d.messages[0] for d in sync.dead_letters())
    assert report.ok == 150
    numbers, _ = in_xero(harness)
    assert numbers == Counter({f"ORD-{n:04d}": 1 for n in range(1, 201)})

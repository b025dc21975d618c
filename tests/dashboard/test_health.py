"""The health figures behind the dashboard, read from the store on SQLite and PostgreSQL: the
outbox by state, the lag, the last push and pull, open conflicts and dead letters per entity,
and the calls left as the client counts them."""

from __future__ import annotations

from datetime import timedelta

from tests.sync.conftest import Harness, contact, invoice
from xerosync.service.dashboard.health import health


def test_health_per_entity_follows_the_store(harness: Harness) -> None:
    sync, conn, clock = harness.sync, harness.connection, harness.clock
    sync.submit_many(conn, "contacts", [contact(1), contact(2)])
    pushed_at = clock.now()
    sync.push(conn)
    clock.advance(30)
    sync.pull(conn, entities=["contacts"])
    pulled_at = clock.now()
    sync.submit(conn, "invoices", invoice(1))
    clock.advance(60)
    sync.submit(conn, "invoices", invoice(2, customer=99))  # names a contact never handed in
    sync.push(conn)
    clock.advance(45)

    [found] = health(sync, [conn])

    by_entity = {e.entity: e for e in found.entities}
    assert set(by_entity) >= {"contacts", "invoices", "credit_notes", "payments"}
    contacts, invoices = by_entity["contacts"], by_entity["invoices"]
    assert (contacts.pending, contacts.in_flight, contacts.failed) == (0, 0, 0)
    assert contacts.last_push == pushed_at
    assert contacts.last_pull == pulled_at
    assert contacts.lag(clock.now()) is None
    assert (invoices.pending, invoices.failed, invoices.dead_letters) == (0, 1, 1)
    assert invoices.lag(clock.now()) == timedelta(seconds=45)  # order-2, changed 45 s ago
    assert invoices.last_push == clock.now() - timedelta(seconds=45)  # order-1 went
    assert found.total("dead_letters") == 1
    assert found.calls_left == sync.client.governor.left(harness.tenant_id)
    assert found.calls_left.day is not None
    assert found.calls_left.day < 5000
    assert health(sync, ["no-such-connection"]) == []

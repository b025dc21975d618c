"""Pulls that miss nothing (webhook-named records, changes within the cursor's second), pushes
that several workers may start at once, and a dead grant that pauses work without losing it."""

from __future__ import annotations

import threading
from dataclasses import replace

from tests.sync.conftest import Harness, consent, contact, invoice
from xerosync.engine import PushReport, push_connection


def rename_in_xero(harness: Harness, xero_id: str, name: str) -> None:
    with harness.api() as api:
        response = api.post("Contacts", json={"Contacts": [{"ContactID": xero_id, "Name": name}]})
        assert response.status_code == 200, response.text


def test_webhook_events_are_kept_once_and_pull_exactly_what_they_name(harness: Harness) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit(conn, "contacts", contact(1))
    sync.push(conn)
    xero_id = sync.status(conn, "contacts", "cust-1").xero_id  # type: ignore[union-attr]
    rename_in_xero(harness, xero_id, "Renamed In Xero")
    event = {
        "resourceUrl": f"https://api.xero.com/api.xro/2.0/Contacts/{xero_id}",
        "resourceId": xero_id,
        "eventDateUtc": "2026-11-30T10:00:00.000",
        "eventType": "UPDATE",
        "eventCategory": "CONTACT",
        "tenantId": harness.tenant_id,
        "tenantType": "ORGANISATION",
    }

    assert sync.receive_webhook_events([event]) == 1
    assert sync.receive_webhook_events([event]) == 0  # Xero delivered it again: harmless
    report = sync.pull_webhooks(conn)

    assert report.calls == 1
    assert report.per_entity == {"contacts": 1}
    learned = [c for c in sync.changes(limit=1000) if c.kind == "changed_in_xero"]
    assert learned[-1].data["fields"] == {"name": "Renamed In Xero"}
    assert sync.pull_webhooks(conn).calls == 0  # handled: not pulled again


def test_a_change_stamped_within_the_cursors_second_is_not_skipped(harness: Harness) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit(conn, "contacts", contact(1))
    sync.push(conn)
    sync.pull(conn, entities=["contacts"])
    xero_id = sync.status(conn, "contacts", "cust-1").xero_id  # type: ignore[union-attr]
    rename_in_xero(harness, xero_id, "Same Second")  # the clock has not moved: same second

    sync.pull(conn, entities=["contacts"])

    learned = [c for c in sync.changes(limit=1000) if c.kind == "changed_in_xero"]
    assert [c.data["fields"] for c in learned] == [{"name": "Same Second"}]


def test_workers_racing_for_one_connection_push_each_record_once(harness: Harness) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit(conn, "contacts", contact(1))
    sync.submit_many(conn, "invoices", [invoice(n) for n in range(1, 121)])
    reports: list[PushReport] = []
    barrier = threading.Barrier(4)

    def worker(n: int) -> None:
        barrier.wait()
        reports.append(push_connection(replace(sync.context, owner=f"worker-{n}"), conn))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sum(r.ok for r in reports) == 121  # each record recorded by exactly one worker
    # (how many found the connection busy depends on timing: a late worker may start after the
    # first finished, and then finds nothing left to do)
    numbers = [
        i["InvoiceNumber"]
        for i in harness.xero("Invoices")
        if i["InvoiceNumber"].startswith("ORD-")
    ]
    assert sorted(numbers) == [f"ORD-{n:04d}" for n in range(1, 121)]


def test_a_dead_grant_pauses_the_connection_and_keeps_its_work(harness: Harness) -> None:
    sync, conn = harness.sync, harness.connection
    client_id = harness.emulator.state.config.demo_client_id
    with harness.emulator.admin() as admin:
        admin.post(f"/apps/{client_id}/expire-refresh-tokens").raise_for_status()
        admin.post(f"/apps/{client_id}/expire-access-tokens").raise_for_status()
    sync.submit(conn, "contacts", contact(1))

    report = sync.push(conn)

    assert report.paused == "needs_reauth"
    [connection] = sync.connections()
    assert connection.status == "needs_reauth"
    status = sync.status(conn, "contacts", "cust-1")
    assert status is not None
    assert status.state in ("pending", "in_flight")  # kept, not dropped
    assert sync.push(conn).paused == "needs_reauth"  # and not hammered while paused

    assert consent(sync) == conn  # a person connects the organisation again
    resumed = sync.push(conn)

    assert resumed.finished, resumed.error
    assert sync.status(conn, "contacts", "cust-1").state == "synced"  # type: ignore[union-attr]
    assert len(harness.xero("Contacts", where='Name=="Customer 1"')) == 1


def test_a_disconnected_organisation_keeps_its_work_until_connected_again(harness: Harness) -> None:
    sync, conn = harness.sync, harness.connection
    sync.disconnect(conn)
    sync.submit(conn, "contacts", contact(1))

    assert sync.push(conn).paused == "disconnected"
    assert [c.status for c in sync.connections()] == ["disconnected"]

    assert consent(sync) == conn
    assert sync.push(conn).ok == 1

"""The service and the workers together: records posted to the REST API wake a worker through the
queue, the worker pushes them, and the host reads them back as synced: no manual push."""

from __future__ import annotations

from huey import MemoryHuey

from tests.service.conftest import AUTH, running
from tests.sync.conftest import Harness, contact, invoice
from xerosync.jobs import Schedule, register_tasks
from xerosync.service import create_app
from xerosync.settings import Settings


def test_records_posted_to_the_api_are_pushed_by_a_woken_worker(
    harness: Harness, settings: Settings
) -> None:
    tasks = register_tasks(
        MemoryHuey("service-workers", immediate=True, results=False),
        lambda: harness.sync,
        Schedule(),
    )
    app = create_app(settings, sync=harness.sync, wake=tasks.wake)
    conn = harness.connection
    with running(app) as client:
        assert (
            client.post(
                f"/v1/connections/{conn}/contacts", json=[contact(1)], headers=AUTH
            ).status_code
            == 200
        )
        posted = client.post(
            f"/v1/connections/{conn}/invoices", json=[invoice(n) for n in (1, 2)], headers=AUTH
        )
        assert posted.status_code == 200, posted.text
        states = [
            client.get(f"/v1/connections/{conn}/invoices/order-{n}", headers=AUTH).json()
            for n in (1, 2)
        ]
    assert [(s["state"], s["number"]) for s in states] == [
        ("synced", "ORD-0001"),
        ("synced", "ORD-0002"),
    ]
    numbers = [
        i["InvoiceNumber"]
        for i in harness.xero("Invoices")
        if i["InvoiceNumber"].startswith("ORD-")
    ]
    assert sorted(numbers) == ["ORD-0001", "ORD-0002"]

"""Retries against the emulator's faults over real HTTP: 503 then success, no retry on a 400,
and a lost response after a committed write retried with the same Idempotency-Key creating
nothing twice."""

from __future__ import annotations

from typing import Any

import pytest

from tests.client.emulator_oauth import add_tenant, connect
from tests.conftest import EmulatorFactory, RunningEmulator
from xerosync.clock import FakeClock
from xerosync.emulator import EmulatorConfig
from xerosync.errors import (
    QueryRejected,
    RecordRejected,
    XeroConnectionError,
    XeroUnavailable,
)
from xerosync.xero import MemoryTokenStore, XeroClient


@pytest.fixture
def setup(
    emulator_factory: EmulatorFactory, clock: FakeClock
) -> tuple[RunningEmulator, XeroClient, str]:
    emulator = emulator_factory(EmulatorConfig(auto_approve=True))
    tenant = add_tenant(emulator)
    client, _ = connect(emulator, MemoryTokenStore(), clock)
    return emulator, client, tenant


def calls(emulator: RunningEmulator, path: str = "/api.xro/2.0/") -> list[dict[str, Any]]:
    with emulator.admin() as admin:
        return list(admin.get("/requests", params={"path": path}).json()["requests"])


def fault(emulator: RunningEmulator, kind: str, **body: object) -> None:
    with emulator.admin() as admin:
        admin.post(f"/faults/{kind}", json=body).raise_for_status()


def contacts_named(client: XeroClient, tenant: str, name: str) -> list[dict[str, Any]]:
    found = client.request("GET", "Contacts", tenant=tenant, params={"where": f'Name=="{name}"'})
    return list(found.json()["Contacts"])


def test_503_twice_then_success(setup: tuple[RunningEmulator, XeroClient, str]) -> None:
    emulator, client, tenant = setup
    fault(emulator, "errors", status=503, count=2)
    assert client.request("GET", "Contacts", tenant=tenant).status_code == 200
    assert [c["status"] for c in calls(emulator)] == [503, 503, 200]


def test_maintenance_that_outlasts_the_retries_is_xero_unavailable(
    setup: tuple[RunningEmulator, XeroClient, str],
) -> None:
    emulator, client, tenant = setup
    with emulator.admin() as admin:
        admin.put("/faults/maintenance").raise_for_status()
    with pytest.raises(XeroUnavailable, match="maintenance"):
        client.request("GET", "Contacts", tenant=tenant)
    assert len(calls(emulator)) == client.config.max_attempts


def test_a_400_is_not_retried(setup: tuple[RunningEmulator, XeroClient, str]) -> None:
    emulator, client, tenant = setup
    with pytest.raises(RecordRejected) as caught:
        client.request(
            "PUT",
            "Contacts",
            tenant=tenant,
            json={"Contacts": [{"EmailAddress": "no-name@example.com"}]},
            idempotency_key="bad-1",
        )
    assert caught.value.messages
    assert len(calls(emulator)) == 1
    with pytest.raises(QueryRejected):
        client.request("GET", "Contacts", tenant=tenant, params={"where": "Nonsense =="})
    assert len(calls(emulator)) == 2


def test_a_lost_response_after_a_committed_write_creates_nothing_twice(
    setup: tuple[RunningEmulator, XeroClient, str],
) -> None:
    emulator, client, tenant = setup
    fault(emulator, "lost-responses", count=1, method="PUT")
    response = client.request(
        "PUT",
        "Contacts",
        tenant=tenant,
        json={"Contacts": [{"Name": "Lost Response Ltd"}]},
        idempotency_key="push-42-batch-0",
    )
    created = response.json()["Contacts"]
    assert [c["Name"] for c in created] == ["Lost Response Ltd"]
    puts = [c for c in calls(emulator) if c["method"] == "PUT"]
    assert [(p["lost"], p["idempotency_key"]) for p in puts] == [
        (True, "push-42-batch-0"),
        (False, "push-42-batch-0"),
    ]
    existing = contacts_named(client, tenant, "Lost Response Ltd")
    assert [c["ContactID"] for c in existing] == [created[0]["ContactID"]]


def test_a_lost_response_without_a_key_is_reported_not_resent(
    setup: tuple[RunningEmulator, XeroClient, str],
) -> None:
    emulator, client, tenant = setup
    fault(emulator, "lost-responses", count=1, method="PUT")
    with pytest.raises(XeroConnectionError):
        client.request(
            "PUT", "Contacts", tenant=tenant, json={"Contacts": [{"Name": "Unkeyed Ltd"}]}
        )
    assert len([c for c in calls(emulator) if c["method"] == "PUT"]) == 1
    # it did commit: the caller must look it up before sending again
    assert len(contacts_named(client, tenant, "Unkeyed Ltd")) == 1


def test_a_lost_invoice_batch_response_retried_with_its_key_creates_each_invoice_once(
    emulator_factory: EmulatorFactory, clock: FakeClock
) -> None:
    emulator = emulator_factory(EmulatorConfig(auto_approve=True))
    with emulator.admin() as admin:
        made = admin.post("/tenants", json={"name": "Lost Invoices Ltd", "seed_demo": True})
        made.raise_for_status()
    tenant = made.json()["tenant_id"]
    client, _ = connect(emulator, MemoryTokenStore(), clock)
    batch = {
        "Invoices": [
            {
                "Type": "ACCREC",
                "Status": "AUTHORISED",
                "InvoiceNumber": f"LOST-{i}",
                "Contact": {"Name": "Lost Customer"},
                "Date": "2026-01-01",
                "DueDate": "2026-01-31",
                "LineItems": [
                    {"Description": "Widget", "Quantity": 1, "UnitAmount": 10, "AccountCode": "200"}
                ],
            }
            for i in range(3)
        ]
    }
    fault(emulator, "lost-responses", count=2, method="PUT", path_prefix="/api.xro/2.0/Invoices")
    response = client.request(
        "PUT",
        "Invoices",
        tenant=tenant,
        params={"summarizeErrors": "false"},
        json=batch,
        idempotency_key="outbox-17-batch-0",
    )
    assert [i["InvoiceNumber"] for i in response.json()["Invoices"]] == [
        "LOST-0",
        "LOST-1",
        "LOST-2",
    ]
    puts = [c for c in calls(emulator) if c["method"] == "PUT"]
    assert [p["lost"] for p in puts] == [True, True, False]
    found = client.request(
        "GET", "Invoices", tenant=tenant, params={"InvoiceNumbers": "LOST-0,LOST-1,LOST-2"}
    ).json()["Invoices"]
    assert sorted(i["InvoiceNumber"] for i in found) == ["LOST-0", "LOST-1", "LOST-2"]

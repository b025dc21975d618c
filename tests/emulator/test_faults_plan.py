"""The fault injector's bookkeeping, and a lost response seen by an in-process client."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from xerosync.clock import FakeClock
from xerosync.emulator import EmulatorConfig, create_app
from xerosync.emulator.faults import FaultInjector, Match
from xerosync.emulator.request_log import RequestFilter, RequestLog

CONTACTS = "/api.xro/2.0/Contacts"


@pytest.mark.parametrize(
    ("match", "method", "path", "tenant", "hit"),
    [
        (Match(), "GET", CONTACTS, None, True),
        (Match(method="put"), "PUT", CONTACTS, "t", True),
        (Match(method="PUT"), "GET", CONTACTS, "t", False),
        (Match(path_prefix="/api.xro/2.0/contacts"), "GET", CONTACTS + "/abc", "t", True),
        (Match(path_prefix="/api.xro/2.0/Invoices"), "GET", CONTACTS, "t", False),
        (Match(tenant_id="t"), "GET", CONTACTS, "t", True),
        (Match(tenant_id="t"), "GET", CONTACTS, "u", False),
        (Match(tenant_id="t"), "GET", "/connections", None, False),
    ],
)
def test_fault_filters(
    match: Match, method: str, path: str, tenant: str | None, *, hit: bool
) -> None:
    assert match.matches(method, path, tenant) is hit


def test_one_fault_of_each_kind_fires_per_call_oldest_first() -> None:
    faults = FaultInjector(FakeClock())
    first = faults.add_error(503, 1, Match())
    faults.add_error(500, 1, Match())
    faults.add_latency(0.5, None, Match())
    plans = [faults.plan("GET", CONTACTS, "t") for _ in range(3)]
    assert [p.error[0] if p.error else None for p in plans] == [503, 500, None]
    assert [p.delay for p in plans] == [0.5, 0.5, 0.5]  # latency lasts until cleared
    assert first.fired == 1


def test_an_error_does_not_use_up_a_lost_response() -> None:
    faults = FaultInjector(FakeClock())
    faults.add_error(503, 1, Match())
    faults.add_lost_response(1, Match())
    assert faults.plan("PUT", CONTACTS, "t").lose_response is False
    assert faults.plan("PUT", CONTACTS, "t").lose_response is True
    assert faults.plan("PUT", CONTACTS, "t").lose_response is False


def test_the_request_log_is_bounded_and_filters() -> None:
    log = RequestLog(FakeClock(), capacity=3)
    for n in range(5):
        log.start("GET", f"/api.xro/2.0/Items/{n}", "", tenant_id="t", idempotency_key=None)
    assert [e.seq for e in log.find()] == [3, 4, 5]
    assert [e.seq for e in log.find(RequestFilter(limit=1))] == [5]
    assert log.find(RequestFilter(method="post")) == []


def test_a_lost_response_reaches_an_in_process_client_as_a_transport_error() -> None:
    asyncio.run(_lose_one_response_in_process())


async def _lose_one_response_in_process() -> None:
    app = create_app(EmulatorConfig(), FakeClock())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
        await client.post("/_emulator/tenants", json={"name": "Acme", "tenant_id": "t-1"})
        minted = await client.post(
            "/_emulator/tokens",
            json={
                "client_id": EmulatorConfig().demo_client_id,
                "tenant_ids": ["t-1"],
                "scopes": ["accounting.settings"],
            },
        )
        await client.post("/_emulator/faults/lost-responses", json={"count": 1})
        headers = {
            "Authorization": f"Bearer {minted.json()['access_token']}",
            "xero-tenant-id": "t-1",
        }
        with pytest.raises(httpx.TransportError):
            await client.get("/api.xro/2.0/Organisation", headers=headers)
        after = await client.get("/api.xro/2.0/Organisation", headers=headers)
        assert after.status_code != 500
        log = await client.get("/_emulator/requests", params={"path": "/api.xro"})
        assert [e["lost"] for e in log.json()["requests"]] == [True, False]

"""Issue 8's loop over real HTTP: two organisations connected through the consent flow, invoices
for both posted to the REST API and pushed by woken workers, payments recorded in Xero, Xero's
webhooks received by the service, and the host application's own endpoint told "paid" for
exactly the paid invoices, once each."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
from huey import MemoryHuey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.conftest import EmulatorFactory
from tests.service.conftest import AUTH, WEBHOOK_KEY, running, service_settings
from tests.sync.conftest import TOKEN_KEYS, contact, invoice
from xerosync.api import XeroSync
from xerosync.clock import FakeClock
from xerosync.compose import xero_config
from xerosync.emulator import EmulatorConfig
from xerosync.host.deliver import HEADER, deliver, verify
from xerosync.jobs import Schedule, register_tasks
from xerosync.service import create_app
from xerosync.testing import serve

HOST_SECRET = "host-app-webhook-secret"


def test_two_organisations_pushed_through_the_api_and_paid_invoices_reported_once(
    emulator_factory: EmulatorFactory, db_url: str, clock: FakeClock
) -> None:
    emulator = emulator_factory(EmulatorConfig(auto_approve=True, webhook_pump_interval=0))
    with emulator.admin() as admin:
        for name in ("Acme Ltd", "Bravo Ltd"):
            admin.post("/tenants", json={"name": name, "seed_demo": True}).raise_for_status()
    settings = service_settings(db_url, emulator)
    sync = XeroSync.open(
        db_url, xero_config(settings), token_keys=TOKEN_KEYS, clock=clock, migrate=False
    )
    tasks = register_tasks(
        MemoryHuey("e2e", immediate=True, results=False), lambda: sync, Schedule()
    )
    told: list[dict[str, Any]] = []

    async def host_endpoint(request: Request) -> Response:
        body = await request.body()
        assert verify(body, request.headers.get(HEADER), HOST_SECRET, now=clock.now())
        told.extend(json.loads(body)["events"])
        return Response(status_code=204)

    host = Starlette(routes=[Route("/xerosync", host_endpoint, methods=["POST"])])
    with (
        running(create_app(settings, sync=sync, wake=tasks.wake)) as service,
        serve(host) as host_url,
    ):
        start = sync.client.oauth.authorization_request()  # a person approves both at once
        page = httpx.get(start.url, follow_redirects=False, timeout=10)
        assert len(sync.connect(page.headers["location"], start)) == 2
        connections = {c.tenant_name: c for c in sync.connections()}
        assert sorted(connections) == ["Acme Ltd", "Bravo Ltd"]
        with emulator.admin() as admin:
            subscribed = admin.put(
                f"/webhooks/subscriptions/{emulator.state.config.demo_client_id}",
                json={"url": str(service.base_url.join("/webhooks/xero")), "key": WEBHOOK_KEY},
            )
            assert subscribed.json()["status"] == "OK", subscribed.text
        for name, numbers in (("Acme Ltd", (1, 2)), ("Bravo Ltd", (3, 4))):
            conn = connections[name].id
            url = f"/v1/connections/{conn}"
            assert (
                service.post(f"{url}/contacts", json=[contact(1)], headers=AUTH).status_code == 200
            )
            posted = service.post(
                f"{url}/invoices", json=[invoice(n) for n in numbers], headers=AUTH
            )
            assert posted.status_code == 200, posted.text

        for name, paid in (("Acme Ltd", 1), ("Bravo Ltd", 3)):  # a bookkeeper records payments
            conn = connections[name]
            status = sync.status(conn.id, "invoices", f"order-{paid}")
            assert status is not None
            assert status.state == "synced"
            pay(emulator.api_url, sync, conn.tenant_id, str(status.xero_id))
        clock.advance(2)
        with emulator.admin() as admin:  # Xero sends its webhooks; the service wakes the workers
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not all(
                (s := sync.status(connections[n].id, "invoices", f"order-{i}")) and s.paid
                for n, i in (("Acme Ltd", 1), ("Bravo Ltd", 3))
            ):
                admin.post("/webhooks/pump").raise_for_status()
                time.sleep(0.05)

        with httpx.Client(timeout=10) as http:
            delivered = deliver(
                sync.db, http, url=f"{host_url}/xerosync", secret=HOST_SECRET, clock=clock
            )
            again = deliver(
                sync.db, http, url=f"{host_url}/xerosync", secret=HOST_SECRET, clock=clock
            )
    sync.close()

    assert delivered.error is None
    assert again.sent == 0  # nothing twice
    paid_events = sorted((e["app_id"], e["connection_id"]) for e in told if e["kind"] == "paid")
    assert paid_events == [
        ("order-1", connections["Acme Ltd"].id),
        ("order-3", connections["Bravo Ltd"].id),
    ]
    pushed = sorted(
        e["app_id"] for e in told if e["kind"] == "pushed" and e["entity"] == "invoices"
    )
    assert pushed == ["order-1", "order-2", "order-3", "order-4"]


def pay(api_url: str, sync: XeroSync, tenant_id: str, invoice_id: str) -> None:
    tokens = sync.client.tokens.store.load("default")
    assert tokens is not None
    paid = httpx.put(
        f"{api_url}/Payments",
        headers={"Authorization": f"Bearer {tokens.access_token}", "xero-tenant-id": tenant_id},
        json={
            "Payments": [
                {
                    "Invoice": {"InvoiceID": invoice_id},
                    "Account": {"Code": "090"},
                    "Date": "2026-11-25",
                    "Amount": 115,
                }
            ]
        },
        timeout=10,
    )
    assert paid.status_code == 200, paid.text

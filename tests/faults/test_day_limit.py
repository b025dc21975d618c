"""Issue 10: "A day limit hit: that tenant waits for its reset; others continue." Two
organisations share a worker; one has spent its day's 5,000 calls (another app of ours spent
them). Its push stops at once and is scheduled again for the moment Xero's day resets; the other
organisation's push runs to the end meanwhile. After the reset the waiting push finishes."""

from __future__ import annotations

from collections import Counter

import httpx
from huey import MemoryHuey

from tests.client.emulator_oauth import SCOPES
from tests.conftest import EmulatorFactory
from tests.sync.conftest import TOKEN_KEYS, contact, invoice
from xerosync.api import XeroSync
from xerosync.clock import FakeClock
from xerosync.emulator import EmulatorConfig
from xerosync.jobs import Schedule, register_tasks
from xerosync.xero import XeroConfig

INVOICES = 60


def test_a_tenant_out_of_its_day_waits_for_the_reset_while_the_other_goes_on(
    emulator_factory: EmulatorFactory, db_url: str, clock: FakeClock
) -> None:
    emulator = emulator_factory(EmulatorConfig(auto_approve=True, webhook_pump_interval=0))
    with emulator.admin() as admin:
        for name in ("Acme Ltd", "Bravo Ltd"):
            admin.post("/tenants", json={"name": name, "seed_demo": True}).raise_for_status()
    config = emulator.state.config
    xero = XeroConfig.for_emulator(
        emulator.base_url,
        client_id=config.demo_client_id,
        client_secret=config.demo_client_secret,
        redirect_uri=config.demo_redirect_uris[0],
        scopes=SCOPES,
    )
    sync = XeroSync.open(db_url, xero, token_keys=TOKEN_KEYS, clock=clock, migrate=False)
    start = sync.client.oauth.authorization_request()
    page = httpx.get(start.url, follow_redirects=False, timeout=10)
    sync.connect(page.headers["location"], start)
    connections = {c.tenant_name: c for c in sync.connections()}
    for c in connections.values():
        sync.refresh_books(c.id)
        sync.submit_many(c.id, "contacts", [contact(1)])
        sync.submit_many(c.id, "invoices", [invoice(n) for n in range(1, INVOICES + 1)])
    spent, other = connections["Acme Ltd"], connections["Bravo Ltd"]
    with emulator.admin() as admin:
        admin.post(
            "/limits/spend", json={"tenant_id": spent.tenant_id, "calls": config.day_limit}
        ).raise_for_status()
        resets_in = admin.get("/limits", params={"tenant_id": spent.tenant_id}).json()["day"][
            "resets_in"
        ]
    huey = MemoryHuey("day-limit", immediate=True, results=False)
    tasks = register_tasks(huey, lambda: sync, Schedule(retry_after_seconds=60))

    def in_xero(tenant_id: str) -> Counter[str]:
        books = emulator.state.tenants[tenant_id].books
        return Counter(
            str(i.get("InvoiceNumber"))
            for i in list(books.invoices.collection)
            if str(i.get("InvoiceNumber")).startswith("ORD-")
        )

    try:
        tasks.wake_push(spent.id)
        tasks.wake_push(other.id)

        assert in_xero(other.tenant_id) == {f"ORD-{n:04d}": 1 for n in range(1, INVOICES + 1)}
        assert in_xero(spent.tenant_id) == Counter()
        [again] = huey.scheduled()  # only the spent tenant's push comes back, at its reset
        assert again.args == (spent.id,)
        waits = (again.eta - huey._get_timestamp()).total_seconds()
        assert resets_in - 5 <= waits <= resets_in + 5, (waits, resets_in)
        spent_calls = len(emulator.state.requests.find())
        clock.advance(waits + 2)
        huey.execute(again, timestamp=again.eta)  # the day has reset: the scheduler runs it
        assert in_xero(spent.tenant_id) == {f"ORD-{n:04d}": 1 for n in range(1, INVOICES + 1)}
        assert len(emulator.state.requests.find()) > spent_calls
        assert all(
            s.state == "synced"
            for c in (spent, other)
            for n in range(1, INVOICES + 1)
            if (s := sync.status(c.id, "invoices", f"order-{n}"))
        )
        assert sync.dead_letters() == []
    finally:
        sync.close()

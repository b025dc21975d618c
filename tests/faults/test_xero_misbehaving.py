"""Issue 10: "Bursts of 500/503, timeouts and lost responses after committed writes: nothing
duplicated, nothing lost." Xero (the emulator) is told to fail the pushes' writes in every way
it can at once: 5xx bursts, answers slower than the client waits (the write still runs), and
responses dropped after the write committed. Each push that stops short is run again, as the
workers' follow-up does; in the end every record is in Xero exactly once."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tests.client.emulator_oauth import SCOPES
from tests.sync.conftest import TOKEN_KEYS, Harness, contact, invoice
from xerosync.api import XeroSync
from xerosync.xero import XeroConfig

INVOICES = 150  # three batches
CONTACTS = 3
FAULTS: list[tuple[str, dict[str, Any]]] = [
    (
        "errors",
        {"status": 500, "count": 1, "method": "PUT", "path_prefix": "/api.xro/2.0/Contacts"},
    ),
    ("lost-responses", {"count": 1, "method": "PUT", "path_prefix": "/api.xro/2.0/Contacts"}),
    (
        "errors",
        {"status": 503, "count": 3, "method": "PUT", "path_prefix": "/api.xro/2.0/Invoices"},
    ),
    ("lost-responses", {"count": 2, "method": "PUT", "path_prefix": "/api.xro/2.0/Invoices"}),
    (
        "latency",
        {"seconds": 2.5, "count": 2, "method": "PUT", "path_prefix": "/api.xro/2.0/Invoices"},
    ),
    # a batch whose every answer is lost: the client gives up, the push stops with the batch
    # in flight (and in Xero); the next push comes after Xero forgot the key and looks it up
    ("lost-responses", {"count": 4, "method": "PUT", "path_prefix": "/api.xro/2.0/Invoices"}),
    ("errors", {"status": 502, "count": 2, "method": "GET"}),
]


def impatient(harness: Harness) -> XeroSync:
    """The harness's database and grant, through a client that waits 1 s for an answer (more
    than any call takes here, less than the latency injected)."""
    config = harness.emulator.state.config
    xero = XeroConfig.for_emulator(
        harness.emulator.base_url,
        client_id=config.demo_client_id,
        client_secret=config.demo_client_secret,
        redirect_uri=config.demo_redirect_uris[0],
        scopes=SCOPES,
        timeout=1.0,
    )
    url = str(harness.sync.db.engine.url.render_as_string(hide_password=False))
    return XeroSync.open(url, xero, token_keys=TOKEN_KEYS, clock=harness.clock, migrate=False)


def test_5xx_bursts_timeouts_and_lost_responses_neither_double_nor_drop_a_record(
    harness: Harness,
) -> None:
    conn = harness.connection
    harness.sync.submit_many(conn, "contacts", [contact(n) for n in range(1, CONTACTS + 1)])
    harness.sync.submit_many(
        conn, "invoices", [invoice(n, customer=1 + n % CONTACTS) for n in range(1, INVOICES + 1)]
    )
    with harness.emulator.admin() as admin:
        for kind, fault in FAULTS:
            admin.post(f"/faults/{kind}", json=fault).raise_for_status()

    sync = impatient(harness)
    reports = []
    try:
        for _ in range(10):  # a worker's follow-ups: run again until the push finishes
            reports.append(sync.push(conn))
            if reports[-1].finished:
                break
            harness.clock.advance(400)  # past the idempotency window: Xero forgot the keys
    finally:
        sync.close()

    assert reports[-1].finished, [r.error for r in reports]
    with harness.emulator.admin() as admin:
        left = admin.get("/faults").json()["scripted"]
        log = admin.get("/requests", params={"limit": 1000}).json()["requests"]
    assert left == []  # every fault fired
    fired = Counter(f for e in log if e["fault"] for f in e["fault"].split(","))
    assert sum(r.adopted for r in reports) >= 1  # found in Xero, not sent again
    assert (fired["lost_response"], fired["latency"]) == (7, 2), fired
    assert fired["error"] >= 4, fired
    numbers = Counter(
        i["InvoiceNumber"]
        for i in harness.xero("Invoices")
        if i["InvoiceNumber"].startswith("ORD-")
    )
    assert numbers == Counter({f"ORD-{n:04d}": 1 for n in range(1, INVOICES + 1)})
    names = Counter(
        c["Name"] for c in harness.xero("Contacts") if c["Name"].startswith("Customer ")
    )
    assert names == Counter({f"Customer {n}": 1 for n in range(1, CONTACTS + 1)})
    by_number = {i["InvoiceNumber"]: i["InvoiceID"] for i in harness.xero("Invoices")}
    for n in range(1, INVOICES + 1):
        status = harness.sync.status(conn, "invoices", f"order-{n}")
        assert status is not None
        assert status.state == "synced"
        assert status.xero_id == by_number[f"ORD-{n:04d}"]
    assert harness.sync.dead_letters() == []

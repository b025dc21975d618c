"""Push, pull and incremental sync against the Xero-like emulator (`bench.xero_like`), and the
same push and pull by the `xero-python` baseline (`bench.baseline_sdk`), each on its own tenant.

- push: N invoices with their contacts (a tenth as many) submitted to the engine, then one
  `XeroSync.push` (outbox -> several 50-record batches in flight, `SyncContext.concurrency`),
  on SQLite. Minimum calls: ceil(contacts / 50) + ceil(invoices / 50).
- pull: N invoices loaded into the organisation, read with `client.invoices.list` (pages of 1,000
  scaled with the clock). Minimum calls: ceil(N / page).
- incremental: after an engine pull, K invoices change in Xero; (a) Xero's webhook events
  reach the engine and `pull_webhooks` reads just those records, (b) a scheduled `pull` asks
  every entity for what changed since the last pull (If-Modified-Since). Calls of each.
"""

from __future__ import annotations

import math
import time
from typing import Any

import httpx

from bench import baseline_sdk
from bench.engine_throughput import app_records, push_calls, split
from bench.xero_like import (
    RatePhase,
    World,
    phase_from_log,
    read_seconds,
    write_seconds,
)
from xerosync.api import XeroSync
from xerosync.store.crypto import new_key
from xerosync.store.db import Database
from xerosync.xero.batching import MAX_BATCH_RECORDS
from xerosync.xero.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

WRITTEN = ("Contacts", "Invoices")


def open_engine(world: World, url: str, tenant: str) -> tuple[XeroSync, str]:
    """A `XeroSync` on the migrated database at `url`, connected to `tenant`."""
    Database(url).migrate()
    sync = XeroSync.open(url, world.xero_config(), token_keys=[new_key()], migrate=False)
    world.seed_tokens(sync.client.tokens.store)
    connection = sync.add_connection(tenant, tenant_name="Bench Ltd")
    return sync, connection


def push_engine(world: World, url: str, invoices: int, *, concurrency: int = 4) -> RatePhase:
    """`invoices` invoices and their contacts pushed through the engine."""
    tenant = world.tenant("Push Ltd")
    records = invoices + invoices // 10
    sync, connection = open_engine(world, url, tenant)
    try:
        sync.refresh_books(connection)
        sync.context.concurrency = concurrency
        people, orders = app_records(records)
        sync.submit_many(connection, "contacts", people)
        sync.submit_many(connection, "invoices", orders)
        slow = write_seconds(MAX_BATCH_RECORDS)
        times = {(m, e): slow for e in WRITTEN for m in ("PUT", "POST")}
        with world.xero_latency(tenant, times):
            mark = world.mark()
            started = time.perf_counter()
            report = sync.push(connection)
            seconds = time.perf_counter() - started
        if not report.finished or report.ok != records:
            raise RuntimeError(f"the push did not finish: {report}")
        contacts, _ = split(records)
        return phase_from_log(
            "push",
            world.calls(mark, tenant=tenant),
            tenant=tenant,
            scale=world.scale,
            records=records,
            minimum_calls=push_calls(records),
            records_per_call=MAX_BATCH_RECORDS,
            xero_records_per_call=MAX_BATCH_RECORDS,
            seconds=seconds,
            contacts=contacts,
            concurrency=concurrency,
        )
    finally:
        sync.close()


def pull_client(world: World, invoices: int) -> RatePhase:
    """`invoices` invoices (plus the demo organisation's own) read by `XeroClient`."""
    tenant = world.tenant("Pull Ltd")
    world.load_invoices(tenant, invoices)
    page = world.scale.max_page
    client = world.client()
    try:
        with world.xero_latency(tenant, {("GET", "Invoices"): read_seconds(MAX_PAGE_SIZE)}):
            mark = world.mark()
            started = time.perf_counter()
            pulled = sum(1 for _ in client.invoices.list(tenant=tenant))
            seconds = time.perf_counter() - started
    finally:
        client.close()
    return phase_from_log(
        "pull",
        world.calls(mark, tenant=tenant),
        tenant=tenant,
        scale=world.scale,
        records=pulled,
        minimum_calls=math.ceil(pulled / page),
        records_per_call=page,
        xero_records_per_call=MAX_PAGE_SIZE,
        seconds=seconds,
        page_size=page,
    )


def push_baseline(world: World, invoices: int) -> RatePhase:
    tenant = world.tenant("Baseline Push Ltd")
    contacts = max(1, invoices // 10)
    b = baseline_sdk.baseline(world, tenant)
    with world.xero_latency(tenant, {("PUT", e): write_seconds(1) for e in WRITTEN}):
        mark = world.mark()
        started = time.perf_counter()
        records = baseline_sdk.push(b, invoices, contacts)
        seconds = time.perf_counter() - started
    return phase_from_log(
        "push (baseline)",
        world.calls(mark, tenant=tenant),
        tenant=tenant,
        scale=world.scale,
        records=records,
        minimum_calls=math.ceil(contacts / MAX_BATCH_RECORDS)
        + math.ceil(invoices / MAX_BATCH_RECORDS),
        records_per_call=1,
        xero_records_per_call=1,
        seconds=seconds,
    )


def pull_baseline(world: World, records: int) -> RatePhase:
    tenant = world.tenant("Baseline Pull Ltd")
    world.load_invoices(tenant, records)
    page = world.scale.default_page
    b = baseline_sdk.baseline(world, tenant)
    with world.xero_latency(tenant, {("GET", "Invoices"): read_seconds(DEFAULT_PAGE_SIZE)}):
        mark = world.mark()
        started = time.perf_counter()
        read = baseline_sdk.pull(b, records)
        seconds = time.perf_counter() - started
    return phase_from_log(
        "pull (baseline)",
        world.calls(mark, tenant=tenant),
        tenant=tenant,
        scale=world.scale,
        records=read,
        minimum_calls=math.ceil(read / world.scale.max_page),  # what xerosync needs
        records_per_call=page,
        xero_records_per_call=DEFAULT_PAGE_SIZE,
        seconds=seconds,
        page_size=page,
    )


def incremental(world: World, url: str, changes: int) -> dict[str, Any]:
    """Calls to bring the engine up to date after `changes` invoices changed in Xero."""
    tenant = world.tenant("Incremental Ltd")
    sync, connection = open_engine(world, url, tenant)
    try:
        sync.refresh_books(connection)
        _add_drafts(world, tenant, changes)
        first = sync.pull(connection)
        changed = _edit_invoices(world, tenant, changes)
        events = [
            {
                "resourceUrl": f"https://api.xero.com/api.xro/2.0/Invoices/{invoice_id}",
                "resourceId": invoice_id,
                "eventDateUtc": "2026-11-30T08:00:00.000",
                "eventType": "UPDATE",
                "eventCategory": "INVOICE",
                "tenantId": tenant,
                "tenantType": "ORGANISATION",
            }
            for invoice_id in changed
        ]
        sync.receive_webhook_events(events)
        mark = world.mark()
        by_webhook = sync.pull_webhooks(connection)
        webhook_calls = len(world.calls(mark, tenant=tenant))
        _edit_invoices(world, tenant, changes)
        mark = world.mark()
        scheduled = sync.pull(connection)
        scheduled_calls = len(world.calls(mark, tenant=tenant))
        return {
            "changes": len(changed),
            "first_pull_calls": first.calls,
            "webhook_pull_calls": webhook_calls,
            "webhook_pull_seen": by_webhook.seen,
            "scheduled_pull_calls": scheduled_calls,
            "scheduled_pull_seen": scheduled.seen,
            "minimum_calls": math.ceil(len(changed) / 50) if changed else 0,
        }
    finally:
        sync.close()


def _xero_api(world: World, tenant: str) -> httpx.Client:
    """Xero's API as another user of the organisation calls it (edits made "in Xero")."""
    headers = {"Authorization": f"Bearer {world.access_token()}", "xero-tenant-id": tenant}
    return httpx.Client(base_url=f"{world.base_url}/api.xro/2.0", headers=headers, timeout=60)


def _add_drafts(world: World, tenant: str, count: int) -> None:
    line = {"Description": "Widget", "Quantity": 1, "UnitAmount": 12.5, "AccountCode": "200"}
    body = {
        "Invoices": [
            {"Type": "ACCREC", "Contact": {"Name": "Incremental customer"}, "LineItems": [line]}
            for _ in range(count)
        ]
    }
    with _xero_api(world, tenant) as api:
        api.put("/Invoices", json=body).raise_for_status()


def _edit_invoices(world: World, tenant: str, changes: int) -> list[str]:
    """`changes` draft invoices edited in Xero by someone else (a new reference)."""
    stamp = time.time_ns()
    with _xero_api(world, tenant) as api:
        found = api.get("/Invoices", params={"Statuses": "DRAFT", "pageSize": 1000})
        found.raise_for_status()
        drafts = [i["InvoiceID"] for i in found.json()["Invoices"]][:changes]
        body = {"Invoices": [{"InvoiceID": i, "Reference": f"edit {stamp}"} for i in drafts]}
        api.post("/Invoices", json=body).raise_for_status()
    return drafts

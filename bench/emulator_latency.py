"""The emulator's read and write latency over real HTTP with 100,000 invoices in one tenant.

Loads the invoices through the books' bulk loader (`Books.load`, not HTTP), serves the
emulator with uvicorn on 127.0.0.1 (rate limits off: this measures the emulator, not
Xero's budget), then times each operation N times and prints median and p95:

    python -m bench.emulator_latency                  # 100,000 invoices, 200 runs each
    python -m bench.emulator_latency --invoices 20000 --runs 50

Operations: GET one invoice by id; a page of 1,000 (page + pageSize); If-Modified-Since
returning a few recent changes; `where` on Status (a page of 100); PUT of a 50-invoice
batch; POST of one payment. Also `Statuses=` (Xero's optimised filter) beside `where`. Each timing is one HTTP round trip, response body read.
"""

from __future__ import annotations

import argparse
import copy
import itertools
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx

from xerosync.clock import SystemClock
from xerosync.emulator import EmulatorConfig, create_app
from xerosync.emulator.books import Books
from xerosync.emulator.books.store import new_id
from xerosync.emulator.books.writes import WriteContext
from xerosync.testing import serve

STATUSES = ("DRAFT", "SUBMITTED", "AUTHORISED", "AUTHORISED", "PAID", "VOIDED")
SCOPES = ["accounting.transactions", "accounting.contacts", "accounting.settings"]


def load_invoices(books: Books, count: int, recent: int = 20) -> float:
    """Bulk-load `count` invoices made from templates priced by the books themselves.

    All but the last `recent` were last updated between 400 and 10 days ago; the
    recent ones within the last minute. Returns the seconds it took."""
    started = time.perf_counter()
    ctx = WriteContext(now=books.clock.now())
    contacts = [c for c in books.contacts.collection if c.get("ContactStatus") == "ACTIVE"]
    template = books.invoices.create(
        {
            "Type": "ACCREC",
            "Contact": {"ContactID": contacts[0]["ContactID"]},
            "Date": "2025-06-01",
            "DueDate": "2025-07-01",
            "LineItems": [
                {
                    "Description": "Consulting",
                    "Quantity": 3,
                    "UnitAmount": 150,
                    "AccountCode": "200",
                },
                {"Description": "Books", "ItemCode": "BOOK", "Quantity": 2},
            ],
        },
        ctx,
    )
    books.invoices.collection.remove(template["InvoiceID"])
    now = datetime.now(UTC)
    oldest = now - timedelta(days=400)
    span = (timedelta(days=390)).total_seconds()
    statuses = itertools.cycle(STATUSES)
    records = []
    for n in range(count):
        record = copy.copy(template)
        record["InvoiceID"] = new_id()
        record["InvoiceNumber"] = f"BULK-{n:06d}"
        record["Reference"] = f"REF-{n}"
        record["LineItems"] = [dict(line, LineItemID=new_id()) for line in template["LineItems"]]
        contact = contacts[n % len(contacts)]
        record["Contact"] = {"ContactID": contact["ContactID"], "Name": contact["Name"]}
        record["Status"] = next(statuses)
        if record["Status"] == "PAID":
            record["AmountPaid"], record["AmountDue"] = record["Total"], 0
        if n < count - recent:
            record["UpdatedDateUTC"] = oldest + timedelta(seconds=span * n / count)
        else:
            record["UpdatedDateUTC"] = now - timedelta(seconds=count - n)
        records.append(record)
    books.load("Invoices", records)
    return time.perf_counter() - started


def timed(runs: int, call: Callable[[int], httpx.Response]) -> tuple[float, float]:
    """(median, p95) in milliseconds of `runs` calls; every call must succeed."""
    call(-1)  # warm up
    samples = []
    for i in range(runs):
        started = time.perf_counter()
        response = call(i)
        response.read()
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(
                f"{response.request.url}: {response.status_code} {response.text[:300]}"
            )
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    config = EmulatorConfig(rate_limits_enabled=False, seed_demo=False)
    app = create_app(config, SystemClock())
    state = app.state.emulator
    tenant = state.create_tenant("Latency Ltd")
    tenant.books.seed_demo()
    seconds = load_invoices(tenant.books, args.invoices)
    print(f"loaded {args.invoices:,} invoices in {seconds:.2f} s (bulk loader)")
    token = state.mint_access_token(config.demo_client_id, frozenset(SCOPES))
    state.connect(config.demo_client_id, tenant.tenant_id, token.user_id, token.auth_event_id)
    headers = {"Authorization": f"Bearer {token.token}", "xero-tenant-id": tenant.tenant_id}

    invoices = tenant.books.invoices.collection
    ids = [r["InvoiceID"] for r in itertools.islice(iter(invoices.records.values()), 5000)]
    payable = [
        r["InvoiceID"]
        for r in itertools.islice(iter(invoices.records.values()), 20000)
        if r["Status"] == "AUTHORISED"
    ]
    since = (datetime.now(UTC) - timedelta(seconds=10)).strftime("%Y-%m-%dT%H:%M:%S")
    line = {"Description": "Bench", "Quantity": 1, "UnitAmount": 99.5, "AccountCode": "200"}
    batch = {
        "Invoices": [
            {"Type": "ACCREC", "Contact": {"Name": "Boom FM"}, "LineItems": [line]}
            for _ in range(50)
        ]
    }

    with (
        serve(app) as base_url,
        httpx.Client(base_url=f"{base_url}/api.xro/2.0", headers=headers, timeout=60) as api,
    ):
        operations: list[tuple[str, int, Callable[[int], httpx.Response]]] = [
            ("GET one invoice (with lines)", args.runs, lambda i: api.get(f"/Invoices/{ids[i]}")),
            (
                "list page of 1,000 (pageSize)",
                max(args.runs // 4, 10),
                lambda i: api.get("/Invoices", params={"page": i % 50 + 1, "pageSize": 1000}),
            ),
            (
                "If-Modified-Since, few changed",
                args.runs,
                lambda i: api.get(
                    "/Invoices", params={"page": 1}, headers={"If-Modified-Since": since}
                ),
            ),
            (
                'where Status=="AUTHORISED" (page of 100)',
                args.runs,
                lambda i: api.get(
                    "/Invoices", params={"where": 'Status=="AUTHORISED"', "page": i % 20 + 1}
                ),
            ),
            (
                "Statuses=AUTHORISED (page of 100)",
                args.runs,
                lambda i: api.get(
                    "/Invoices", params={"Statuses": "AUTHORISED", "page": i % 20 + 1}
                ),
            ),
            (
                "PUT 50-invoice batch",
                max(args.runs // 4, 10),
                lambda i: api.put("/Invoices", json=batch, params={"summarizeErrors": "false"}),
            ),
            (
                "POST one payment",
                args.runs,
                lambda i: api.post(
                    "/Payments",
                    json={
                        "Payments": [
                            {
                                "Invoice": {"InvoiceID": payable[i + 1]},
                                "Account": {"Code": "090"},
                                "Amount": 10,
                            }
                        ]
                    },
                ),
            ),
        ]
        print(f"\n{'operation':44} {'runs':>5} {'median ms':>10} {'p95 ms':>8}")
        for name, runs, call in operations:
            median, p95 = timed(runs, call)
            print(f"{name:44} {runs:>5} {median:>10.2f} {p95:>8.2f}")
    print(f"\ninvoices at the end: {len(invoices):,}")


if __name__ == "__main__":
    main()

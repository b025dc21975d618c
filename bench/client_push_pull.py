"""Push N invoices to one tenant and pull them back through `XeroClient`, under scaled rate limits.

Starts the emulator in-process on a real socket (`xerosync.testing.serve`), connects through the
OAuth flow, then reports for the push and the pull: calls made against the minimum possible
(ceil(N/50) writes, ceil(N/pageSize) reads), 429s received (from the emulator's request log), and the
share of the rate budget used (records per minute achieved against what the per-tenant limit allows
at 50 records a write and pageSize records a read). Time is real; a "minute" lasts --minute-seconds.

    python -m bench.client_push_pull                    # defaults: N=10000, minute = 6 s, 60 calls/min
    python -m bench.client_push_pull --other-app 0.5    # another worker spends half the budget

Run it the same way each time: the defaults are the reference settings. A 6-second minute (10 calls/s
allowed) keeps the rate limit, not the emulator's own speed (~15 batch writes/s), the bound; fixed
windows make short runs noisy by up to one window, hence N=10,000 (200 writes, 3+ minutes).
With --other-app the emulator's spender takes its share as each window begins (a competitor faster
than this client), so what is left is really 1 - share of each window. "budget used in full windows"
is the calls this client got answered in each of the tenant's windows that lay wholly inside the run,
against what was left to it; "windows (minimum)" is how many windows the run touched against
ceil(calls / calls left per window).
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import dataclass
from typing import Any

import httpx

from bench.xero_like import Scale, tenant_windows
from xerosync.emulator import EmulatorConfig, create_app
from xerosync.emulator.request_log import Received
from xerosync.testing import serve
from xerosync.xero import MemoryTokenStore, RateLimits, XeroClient, XeroConfig
from xerosync.xero.batching import MAX_BATCH_RECORDS
from xerosync.xero.models import Contact, Invoice, LineItem
from xerosync.xero.paging import MAX_PAGE_SIZE

SCOPES = ("offline_access", "accounting.settings", "accounting.contacts", "accounting.transactions")


@dataclass
class Phase:
    name: str
    records: int
    seconds: float
    calls: int
    minimum: int
    rate_limited: int
    per_call: int
    per_window: list[int]  # calls answered in each of the tenant's minute windows, in order
    available: float  # calls per window left to this client (limit less the other worker)

    def report(self, minute_seconds: float, minute_limit: int) -> str:
        minutes = self.seconds / minute_seconds
        achieved = self.records / minutes if minutes else float("inf")
        needed = math.ceil(self.calls / self.available)
        full = self.per_window[1:-1]  # the first and last windows are partly outside the run
        use = f"{sum(full) / (len(full) * self.available):.0%}" if full else "n/a"
        return (
            f"{self.name:5} {self.records:>6} records  {self.seconds:6.2f} s ({minutes:4.1f} min)  "
            f"calls {self.calls:>4} (minimum {self.minimum:>4})  429s {self.rate_limited:>3}  "
            f"{achieved:>8,.0f} records/min  windows {len(self.per_window)} (minimum {needed})  "
            f"budget used in full windows {use}"
        )


def _per_window(entries: list[dict[str, Any]], tenant: str, minute_seconds: float) -> list[int]:
    """Answered calls per tenant minute window, from the emulator's request log: the same
    fixed, per-tenant-offset windows the emulator counts in (refused calls are not counted)."""
    return tenant_windows([Received(**e) for e in entries], tenant, Scale(minute_seconds))


def _connect(base_url: str, config: EmulatorConfig, limits: RateLimits) -> tuple[XeroClient, str]:
    with httpx.Client(base_url=f"{base_url}/_emulator", timeout=30) as admin:
        tenant = admin.post("/tenants", json={"name": "Bench Ltd", "seed_demo": True}).json()[
            "tenant_id"
        ]
    client = XeroClient(
        XeroConfig.for_emulator(
            base_url,
            client_id=config.demo_client_id,
            client_secret=config.demo_client_secret,
            redirect_uri=config.demo_redirect_uris[0],
            scopes=SCOPES,
            limits=limits,
        ),
        token_store=MemoryTokenStore(),
    )
    start = client.oauth.authorization_request()
    consent = httpx.get(start.url, follow_redirects=False, timeout=30)
    client.connect(consent.headers["location"], start)
    return client, str(tenant)


def _log(
    admin: httpx.Client, tenant: str, method: str, path: str, since: int
) -> list[dict[str, Any]]:
    params: dict[str, str | int] = {
        "tenant_id": tenant,
        "method": method,
        "path": f"/api.xro/2.0/{path}",
        "since": since,
    }
    return list(admin.get("/requests", params=params).json()["requests"])


def _last_seq(admin: httpx.Client) -> int:
    entries = admin.get("/requests", params={"limit": 1}).json()["requests"]
    return int(entries[-1]["seq"]) if entries else 0


def _invoices(n: int, run: str) -> list[Invoice]:
    return [
        Invoice(
            type="ACCREC",
            status="DRAFT",
            invoice_number=f"{run}-{i:06d}",
            reference=f"order {i}",
            contact=Contact(name=f"Bench customer {i % 20}"),
            line_items=[
                LineItem(
                    description="Widget",
                    quantity=1 + i % 3,
                    unit_amount="12.50",
                    account_code="200",
                )
            ],
        )
        for i in range(n)
    ]


def run(n: int, minute_seconds: float, minute_limit: int, other_app: float) -> None:
    config = EmulatorConfig(
        auto_approve=True,
        minute_seconds=minute_seconds,
        minute_limit=minute_limit,
        day_seconds=minute_seconds * 1440,
    )
    limits = RateLimits(
        minute=minute_limit, minute_seconds=minute_seconds, day_seconds=minute_seconds * 1440
    )
    with (
        serve(create_app(config)) as base_url,
        httpx.Client(base_url=f"{base_url}/_emulator", timeout=30) as admin,
    ):
        client, tenant = _connect(base_url, config, limits)
        if other_app:
            admin.put(
                "/limits/spender",
                json={"tenant_id": tenant, "per_minute": minute_limit * other_app, "burst": True},
            )
        print(
            f"N={n}, minute={minute_seconds}s, limit {minute_limit} calls/min per tenant, "
            f"another worker spending {other_app:.0%} of it"
        )

        mark = _last_seq(admin)
        started = time.perf_counter()
        outcomes = client.invoices.create(
            _invoices(n, "BENCH"), tenant=tenant, idempotency_key="bench-push"
        )
        pushed = time.perf_counter() - started
        puts = _log(admin, tenant, "PUT", "Invoices", mark)
        failed = [o for o in outcomes if not o.ok]
        push = Phase(
            "push",
            n,
            pushed,
            len(puts),
            math.ceil(n / MAX_BATCH_RECORDS),
            sum(1 for p in puts if p["status"] == 429),
            MAX_BATCH_RECORDS,
            _per_window(puts, tenant, minute_seconds),
            minute_limit * (1 - other_app),
        )

        mark = _last_seq(admin)
        started = time.perf_counter()
        numbers_pulled = [i.invoice_number or "" for i in client.invoices.list(tenant=tenant)]
        pulled = len(numbers_pulled)
        ours = {n for n in numbers_pulled if n.startswith("BENCH-")}
        seconds = time.perf_counter() - started
        gets = _log(admin, tenant, "GET", "Invoices", mark)
        pull = Phase(
            "pull",
            pulled,
            seconds,
            len(gets),
            math.ceil(pulled / MAX_PAGE_SIZE),
            sum(1 for g in gets if g["status"] == 429),
            MAX_PAGE_SIZE,
            _per_window(gets, tenant, minute_seconds),
            minute_limit * (1 - other_app),
        )
        print(push.report(minute_seconds, minute_limit))
        print(pull.report(minute_seconds, minute_limit))
        numbers = [o.record.invoice_number for o in outcomes if o.record is not None]
        print(
            f"records: {n - len(failed)} created, {len(failed)} not, "
            f"{len(set(numbers))} distinct numbers; {pulled} pulled ({len(ours)} of ours, "
            f"{pulled - len(ours)} from the demo seed)"
        )
        client.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=10_000, help="invoices to push and pull")
    parser.add_argument(
        "--minute-seconds", type=float, default=6.0, help="real seconds in a rate-limit minute"
    )
    parser.add_argument("--minute-limit", type=int, default=60, help="calls per minute per tenant")
    parser.add_argument(
        "--other-app",
        type=float,
        default=0.0,
        help="share of the minute budget another worker spends (0-1)",
    )
    args = parser.parse_args()
    run(args.n, args.minute_seconds, args.minute_limit, args.other_app)


if __name__ == "__main__":
    main()

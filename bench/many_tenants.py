"""Many tenants sharing the app-wide minute limit: how much of the app's budget is used, how fairly
it is shared (Jain's index), and when the last tenant is in sync.

`tenants` organisations each need `calls` reads (`GET Organisation`, Xero-like latency), all at
once, one thread per tenant, through one `XeroClient` (one app, so one app-wide budget). The
app-wide limit is scaled down (`app_limit` a minute instead of Xero's 10,000) so that it binds
well below the tenants' own 60 a minute, as 10,000 does for a few hundred busy tenants on Xero.

- utilisation: calls answered in the app's full windows / what the app limit allows in them.
- fairness: Jain's index over each tenant's answered calls in the first half of all the calls
  (in the order answered), while every tenant still had calls to make: a fair share gives each
  the same number, first come, first served lets early tenants finish while others wait.
- last in sync: seconds until the last tenant's last answer, against the least possible
  (the rest of the first window, then ceil(tenants x calls / app_limit) - 1 whole windows).
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

import httpx

from bench.xero_like import World, app_windows, jain, read_seconds
from xerosync.emulator.limits import offset_for, window_at


def run(
    world: World, tenants: int, calls: int, app_limit: int, *, fair: bool = True
) -> dict[str, Any]:
    """`fair`: the governor's fair share of the app minute (else first come, first served)."""
    world.configure(app_minute_limit=app_limit)
    world.admin.post("/limits/reset").raise_for_status()  # no counts left from earlier runs
    ids = [world.tenant(f"Tenant {n}", seed=False) for n in range(tenants)]
    http = httpx.Client(
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
        timeout=httpx.Timeout(60.0, pool=None),
    )
    client = world.client(app_minute=app_limit)
    client.http.close()
    client.http = http
    if not fair:
        client.governor.fair = None
    errors: list[BaseException] = []
    gate = threading.Barrier(tenants + 1)

    def work(tenant: str) -> None:
        gate.wait()
        try:
            for _ in range(calls):
                client.request("GET", "Organisation", tenant=tenant)
        except BaseException as exc:  # reported below, not swallowed
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,), daemon=True) for t in ids]
    with world.xero_latency(None, {("GET", "Organisation"): read_seconds(1)}):
        for thread in threads:
            thread.start()
        mark = world.mark()
        gate.wait()
        started = time.time()
        for thread in threads:
            thread.join()
    client.close()
    http.close()
    if errors:
        raise RuntimeError(f"{len(errors)} tenants failed: {errors[0]!r}")
    entries = world.calls(mark, method="GET", path="Organisation")
    answered = [e for e in entries if e.status != 429]
    at = {id(e): datetime.fromisoformat(e.at).timestamp() for e in answered}
    last_answer: dict[str, float] = defaultdict(float)
    for e in answered:
        last_answer[str(e.tenant_id)] = max(last_answer[str(e.tenant_id)], at[id(e)])
    finished = max(last_answer.values())

    length = world.scale.minute_seconds
    offset = offset_for(world.client_id, length, "app")
    windows = app_windows(answered, world.client_id, world.scale)
    full = windows[1:-1]
    # the first half of all the calls, in the order answered: every tenant still had calls to
    # make then, so a fair share gives each the same number
    ordered = sorted(answered, key=lambda e: e.seq)
    shares = Counter(str(e.tenant_id) for e in ordered[: len(ordered) // 2])
    contended = [shares.get(t, 0) for t in ids]
    start_window = window_at(started, length, offset)
    # the first window gives the whole limit however little of it is left
    least = (start_window.end - started) + (math.ceil(tenants * calls / app_limit) - 1) * length
    return {
        "tenants": tenants,
        "calls_per_tenant": calls,
        "app_limit": app_limit,
        "calls": len(answered),
        "rate_limited": len(entries) - len(answered),
        "windows": windows,
        "utilisation": round(sum(full) / (len(full) * app_limit), 4) if full else None,
        "first_half_calls": sum(contended),
        "first_half_least_most": [min(contended), max(contended)],
        "jain": round(jain(contended), 4) if sum(contended) else None,
        "last_in_sync_seconds": round(finished - started, 3),
        "least_possible_seconds": round(least, 3),
        "last_in_sync_over_least": round((finished - started) / least, 4) if least > 0 else None,
    }

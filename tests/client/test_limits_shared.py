"""Worker processes sharing one tenant's budget through Redis: between them they never exceed
Xero's concurrent limit, and the minute limit holds.

The emulator and the workers share a `VirtualClock` (through Redis) that moves only when every
caller waits on it, not real time: on real time a loaded machine stretched bursts across the
emulator's window seams and the count of 429s depended on the machine, not on the governor."""

from __future__ import annotations

import multiprocessing
import threading
import uuid
from typing import Any

import httpx
import pytest

from tests.client.emulator_oauth import client_config
from tests.client.virtual_clock import VirtualClock
from xerosync.emulator import EmulatorConfig, create_app
from xerosync.testing import serve
from xerosync.xero import MemoryTokenStore, RateLimits, RedisBudgetStore, TokenSet, XeroClient
from xerosync.xero.auth.tokens import DEFAULT_KEY

MINUTE = 1.0  # one "minute" of rate limit lasts a second of the shared virtual clock
PROCESSES, THREADS, CALLS = 2, 4, 5  # 8 callers at once against Xero's 5 concurrent


def _worker(
    base_url: str,
    redis_url: str,
    prefix: str,
    tokens: str,
    tenant: str,
    limits: RateLimits,
    barrier: Any,
    out: Any,
) -> None:
    clock = VirtualClock(redis_url, prefix + "clock")
    client = XeroClient(
        client_config(base_url, limits=limits),
        token_store=MemoryTokenStore({DEFAULT_KEY: TokenSet.from_json(tokens)}),
        budget_store=RedisBudgetStore.from_url(redis_url, prefix=prefix),
        clock=clock,
    )
    failures: list[str] = []

    def calls() -> None:
        try:
            for _ in range(CALLS):
                client.request("GET", "Contacts", tenant=tenant)
        except Exception as exc:
            failures.append(f"{type(exc).__name__}: {exc}")
        finally:
            clock.leave()

    threads = [threading.Thread(target=calls) for _ in range(THREADS)]
    barrier.wait(60)  # every process ready: they start together
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    out.put(failures or "ok")


def run_workers(
    redis_url: str, config: EmulatorConfig, limits: RateLimits
) -> tuple[list[int], float]:
    """Run the workers against a fresh emulator: the statuses it answered, in order, and the
    (virtual) seconds the work took."""
    prefix = f"test-shared-{uuid.uuid4().hex}:"
    clock = VirtualClock(redis_url, prefix + "clock")
    clock.start(callers=PROCESSES * THREADS)
    began = clock.seconds()
    app = create_app(config, clock)
    state = app.state.emulator
    with serve(app) as base_url, httpx.Client(base_url=f"{base_url}/_emulator") as admin:
        tenant = state.create_tenant("Shared Budget Ltd").tenant_id
        body = {"client_id": config.demo_client_id, "tenant_ids": [tenant]}
        minted = admin.post("/tokens", json={**body, "scopes": ["accounting.contacts"]}).json()
        admin.post("/faults/latency", json={"seconds": 0.1}).raise_for_status()
        tokens = TokenSet.from_response(minted, clock.now()).to_json()
        ctx = multiprocessing.get_context("spawn")
        barrier, out = ctx.Barrier(PROCESSES), ctx.Queue()
        args = (base_url, redis_url, prefix, tokens, tenant, limits, barrier, out)
        workers = [ctx.Process(target=_worker, args=args) for _ in range(PROCESSES)]
        for w in workers:
            w.start()
        results = [out.get(timeout=60) for _ in workers]
        for w in workers:
            w.join(30)
        log = admin.get("/requests", params={"path": "/api.xro/2.0/Contacts"}).json()
    assert results == ["ok"] * PROCESSES
    return [entry["status"] for entry in log["requests"]], clock.seconds() - began


@pytest.mark.redis
def test_workers_sharing_redis_never_exceed_the_concurrent_limit(redis_url: str) -> None:
    statuses, _ = run_workers(
        redis_url, EmulatorConfig(minute_seconds=MINUTE), RateLimits(minute_seconds=MINUTE)
    )
    assert statuses == [200] * (PROCESSES * THREADS * CALLS)  # not one 429 "concurrent"


@pytest.mark.redis
def test_workers_sharing_redis_keep_the_minute_limit(redis_url: str) -> None:
    config = EmulatorConfig(minute_limit=10, minute_seconds=MINUTE)
    statuses, took = run_workers(redis_url, config, RateLimits(minute=10, minute_seconds=MINUTE))
    assert statuses.count(200) == PROCESSES * THREADS * CALLS
    # 40 calls at 10 a "minute" span four windows, and no more: the budget is used up
    assert 3 * MINUTE <= took < 4 * MINUTE
    # at most the one call that learns when the tenant's minute resets is refused
    assert statuses.count(429) <= 1

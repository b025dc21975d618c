"""Two worker processes sharing one tenant's budget through Redis, against an emulator running
on real time: the work completes and Xero's limit is respected (429s only at window seams)."""

from __future__ import annotations

import multiprocessing
import uuid
from typing import Any

import httpx
import pytest

from tests.client.emulator_oauth import client_config
from xerosync.clock import SystemClock
from xerosync.emulator import EmulatorConfig, create_app
from xerosync.testing import serve
from xerosync.xero import MemoryTokenStore, RateLimits, RedisBudgetStore, TokenSet, XeroClient
from xerosync.xero.auth.tokens import DEFAULT_KEY

MINUTE = 1.0  # one "minute" of rate limit lasts a real second here
LIMIT = 10
CALLS_EACH = 12


def _worker(base_url: str, redis_url: str, prefix: str, tokens: str, tenant: str, out: Any) -> None:
    store = MemoryTokenStore({DEFAULT_KEY: TokenSet.from_json(tokens)})
    client = XeroClient(
        client_config(base_url, limits=RateLimits(minute=LIMIT, minute_seconds=MINUTE)),
        token_store=store,
        budget_store=RedisBudgetStore.from_url(redis_url, prefix=prefix),
    )
    try:
        for _ in range(CALLS_EACH):
            client.request("GET", "Contacts", tenant=tenant)
        out.put("ok")
    except Exception as exc:
        out.put(f"{type(exc).__name__}: {exc}")


@pytest.mark.redis
def test_two_processes_share_a_tenant_budget_through_redis(redis_url: str) -> None:
    config = EmulatorConfig(
        auto_approve=True, minute_limit=LIMIT, minute_seconds=MINUTE, day_seconds=86_400
    )
    app = create_app(config, SystemClock())
    state = app.state.emulator
    with serve(app) as base_url:
        tenant = state.create_tenant("Shared Budget Ltd").tenant_id
        with httpx.Client(base_url=f"{base_url}/_emulator") as admin:
            minted = admin.post(
                "/tokens",
                json={
                    "client_id": config.demo_client_id,
                    "tenant_ids": [tenant],
                    "scopes": ["accounting.contacts"],
                },
            ).json()
        tokens = TokenSet.from_response(minted, SystemClock().now()).to_json()
        prefix = f"test-shared-{uuid.uuid4().hex}:"
        ctx = multiprocessing.get_context("spawn")
        out = ctx.Queue()
        workers = [
            ctx.Process(target=_worker, args=(base_url, redis_url, prefix, tokens, tenant, out))
            for _ in range(2)
        ]
        for w in workers:
            w.start()
        results = [out.get(timeout=60) for _ in workers]
        for w in workers:
            w.join(30)
        with httpx.Client(base_url=f"{base_url}/_emulator") as admin:
            log = admin.get("/requests", params={"path": "/api.xro/2.0/Contacts"}).json()
    statuses = [entry["status"] for entry in log["requests"]]
    assert results == ["ok", "ok"]
    assert statuses.count(200) == 2 * CALLS_EACH
    # 24 calls at 10 a "minute" need at least two window resets; a shared budget keeps the
    # workers from bursting past the limit together (only window seams can cost a 429)
    assert statuses.count(429) <= 2, statuses

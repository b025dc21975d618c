"""Workers in several processes sharing budgets in Redis share the fair share's line there too:
the app's minute goes to the least served tenant of any worker, not to whichever worker asks
first. Each `Governor` here stands for a worker process: its own callers and its own line
object, sharing only Redis (a real one)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator

import pytest
import redis

from tests.client.test_limits_fair import SteppingClock, per_minute, run_stepping
from xerosync.xero import RateLimits, RedisBudgetStore
from xerosync.xero.limits.budget import Window
from xerosync.xero.limits.governor import Governor
from xerosync.xero.limits.shared_fair import RedisFairQueue

pytestmark = pytest.mark.redis


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    name = f"test-fair-{uuid.uuid4().hex}:"
    yield name
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{name}*"):
        client.delete(key)
    client.close()


def test_a_tenant_served_by_one_worker_waits_behind_another_workers_tenant(
    redis_url: str, prefix: str
) -> None:
    one = RedisFairQueue(redis.Redis.from_url(redis_url), prefix + "app:fair", poll=0)
    two = RedisFairQueue(redis.Redis.from_url(redis_url), prefix + "app:fair", poll=0)
    one.served(one.join("a"), "a")  # worker one's tenant has had a call
    again, b = one.join("a"), two.join("b")
    assert two.busy()
    assert one.busy()
    assert two.may_go(b)
    assert not one.may_go(again)  # worker two's tenant, served less, goes first
    two.served(b, "b")
    assert one.may_go(again)
    one.leave(again)
    assert not two.busy()


def test_a_refused_call_keeps_the_tenants_place_across_workers(redis_url: str, prefix: str) -> None:
    one = RedisFairQueue(redis.Redis.from_url(redis_url), prefix + "app:fair", poll=0)
    two = RedisFairQueue(redis.Redis.from_url(redis_url), prefix + "app:fair", poll=0)
    one.served(one.join("a"), "a")
    two.served(two.join("b"), "b")
    one.refund("a")  # Xero answered a's call with a 429
    a, b = one.join("a"), two.join("b")
    assert one.may_go(a)
    assert not two.may_go(b)


def test_a_worker_killed_in_the_line_blocks_nobody_once_its_lease_runs_out(
    redis_url: str, prefix: str
) -> None:
    dead = RedisFairQueue(redis.Redis.from_url(redis_url), prefix + "app:fair", lease=0.3, poll=0)
    alive = RedisFairQueue(redis.Redis.from_url(redis_url), prefix + "app:fair", lease=0.3, poll=0)
    alive.served(alive.join("b"), "b")
    dead.join("a")  # never looks at its turn again
    b = alive.join("b")
    assert not alive.may_go(b)
    time.sleep(0.5)
    assert alive.may_go(b)


def _share_out_between_workers(redis_url: str, prefix: str) -> list[Counter[str]]:
    """Two workers, one with a single tenant and one with five, each tenant wanting 6 calls at
    once, on an app limit of 3 a minute, sharing budgets and the line in Redis: the calls let
    through each minute. (With a line in each worker, the lone tenant is always first in its
    own and takes about a call every minute, twice its share.)"""
    clock = SteppingClock()
    limits = RateLimits(app_minute=3, minute=1000, concurrent=1000)
    governors = []
    for _ in range(2):
        client = redis.Redis.from_url(redis_url)
        governors.append(
            Governor(
                RedisBudgetStore(client, prefix=prefix),
                limits,
                clock,
                app_key="app",
                pause=lambda s: None,
                fair_queue=RedisFairQueue(client, prefix + "app:fair"),
            )
        )
    start = clock.now().timestamp()
    admitted: list[tuple[float, str]] = []
    lock = threading.Lock()

    def work(governor: Governor, tenant: str) -> None:
        for _ in range(6):
            at = governor.acquire(tenant)
            with lock:
                admitted.append((at, tenant))

    threads = [
        threading.Thread(target=work, args=(governors[w], tenant))
        for w, tenant in [(0, "solo"), *((1, f"t{n}") for n in range(5))]
    ]
    run_stepping(clock, threads, seconds=60)
    return per_minute(admitted, start, calls=36)


def test_tenants_of_two_workers_take_a_spent_app_minute_in_turn(
    redis_url: str, prefix: str
) -> None:
    windows = _share_out_between_workers(redis_url, prefix)
    assert max(sum(w.values()) for w in windows) <= 3  # never over the app's limit
    others = [f"t{n}" for n in range(5)]
    served: Counter[str] = Counter()
    for n, window in enumerate(windows):
        served.update(window)
        if 3 <= n <= 8:  # the first windows go to the first to ask; then turns, whatever worker
            assert served["solo"] - min(served[t] for t in others) <= 1
            assert max(served[t] for t in others) - min(served[t] for t in others) <= 2
    assert set(served.values()) == {6}


def test_a_budget_written_by_a_newer_worker_is_read_by_this_one(
    redis_url: str, prefix: str
) -> None:
    """During a rolling upgrade workers of two versions share the store: fields this version
    does not know are left out, the ones it knows are kept."""
    store = RedisBudgetStore.from_url(redis_url, prefix=prefix)
    window = Window("app:minute", 60, 60.0, "minute")
    store.redis.set(
        prefix + window.key,
        json.dumps({"start": 120.0, "used": 7, "aligned": True, "learned_by": "a later version"}),
    )
    state = store.state(window)
    assert (state.start, state.used, state.aligned) == (120.0, 7, True)
    assert store.admit([window], 121.0).wait == 0  # and the window goes on counting
    assert store.state(window).used == 8

"""A tenant's day budget partly spent, as workers sharing Redis would have left it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from xerosync.clock import SystemClock
from xerosync.xero.config import RateLimits
from xerosync.xero.limits.governor import Governor
from xerosync.xero.limits.stores import RedisBudgetStore


@contextmanager
def day_spent_but(redis_url: str, client_id: str, tenant: str, left: int) -> Iterator[None]:
    """Xero has told a worker that `left` calls remain of `tenant`'s day (on the system clock,
    which the commands read the budget by); the key is removed afterwards."""
    store = RedisBudgetStore.from_url(redis_url)
    _, day = Governor(store, RateLimits(), SystemClock(), app_key=client_id).tenant_windows(tenant)
    now = SystemClock().now().timestamp()
    store.correct(day, left, now, sent_at=now, slack=5)
    try:
        yield
    finally:
        store.redis.delete(store.prefix + day.key)
        store.redis.close()

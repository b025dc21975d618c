"""Fixtures the client's tests share: a rate-budget store of each kind (in memory, and on the
real Redis under a prefix of its own, removed afterwards) and the fake Xero of `core_doubles`."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.client.core_doubles import FakeXero
from xerosync.clock import FakeClock
from xerosync.xero import MemoryBudgetStore, RedisBudgetStore
from xerosync.xero.limits.stores import BudgetStore


@pytest.fixture(params=["memory", "redis"])
def budget_store(request: pytest.FixtureRequest) -> Iterator[BudgetStore]:
    if request.param == "memory":
        yield MemoryBudgetStore()
        return
    store = RedisBudgetStore.from_url(
        request.getfixturevalue("redis_url"), prefix=f"test-budget-{uuid.uuid4().hex}:"
    )
    yield store
    for key in store.redis.scan_iter(f"{store.prefix}*"):
        store.redis.delete(key)
    store.redis.close()


@pytest.fixture
def fake(clock: FakeClock) -> FakeXero:
    return FakeXero(clock)

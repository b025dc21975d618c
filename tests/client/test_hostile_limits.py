"""Hostile `Retry-After` and `expires_in` values: absurd, infinite or not a number, they are
capped by the limit's scope (a minute problem lasts about a minute, a day problem a day), on the
in-process and the Redis budget store, and never raise Python's own errors."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from tests.client.core_doubles import FakeXero, answer, make_client
from xerosync.clock import FakeClock
from xerosync.errors import RateLimited
from xerosync.xero import RedisBudgetStore, TokenSet
from xerosync.xero.limits.stores import BudgetStore
from xerosync.xero.retry import parse_retry_after

DAY = 86_400.0


def too_many(retry_after: str, scope: str = "minute") -> object:
    return answer(429, {}, {"Retry-After": retry_after, "X-Rate-Limit-Problem": scope})


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "Infinity", "NaN"])
def test_a_retry_after_that_is_not_finite_is_no_hint(value: str) -> None:
    assert parse_retry_after(value) is None


@pytest.mark.parametrize("retry_after", ["1000000000", "1e300", "inf", "nan"])
def test_a_minute_429_with_an_absurd_retry_after_waits_about_a_minute(
    fake: FakeXero, clock: FakeClock, budget_store: BudgetStore, retry_after: str
) -> None:
    client, _ = make_client(fake, tokens=fake.issue(), budget_store=budget_store)
    fake.script = [too_many(retry_after)]  # type: ignore[list-item]
    start = clock.monotonic()
    client.request("GET", "Invoices", tenant="t")
    assert clock.monotonic() - start <= 61.0
    client.request("GET", "Invoices", tenant="t")  # the tenant is not blocked for good
    assert clock.monotonic() - start <= 61.0
    for window in client.governor.windows("t"):
        assert budget_store.state(window).blocked_until <= clock.now().timestamp() + 61.0


@pytest.mark.parametrize("retry_after", ["1e12", "1e300", "inf"])
def test_a_day_429_with_an_absurd_retry_after_stops_the_tenant_for_at_most_a_day(
    fake: FakeXero, clock: FakeClock, budget_store: BudgetStore, retry_after: str
) -> None:
    client, _ = make_client(fake, tokens=fake.issue(), budget_store=budget_store)
    fake.script = [too_many(retry_after, "day")]  # type: ignore[list-item]
    with pytest.raises(RateLimited) as caught:
        client.request("GET", "Invoices", tenant="t")
    assert caught.value.scope == "day"
    assert caught.value.until is not None
    assert caught.value.until <= clock.now() + timedelta(seconds=DAY + 1)
    clock.advance(DAY + 2)
    client.request("GET", "Invoices", tenant="t")


def test_the_redis_ttl_of_a_blocked_window_is_capped_too(
    fake: FakeXero, clock: FakeClock, redis_url: str
) -> None:
    store = RedisBudgetStore.from_url(redis_url, prefix=f"test-hostile-{uuid.uuid4().hex}:")
    try:
        client, _ = make_client(fake, tokens=fake.issue(), budget_store=store)
        fake.script = [too_many("1000000000")]  # type: ignore[list-item]
        client.request("GET", "Invoices", tenant="t")
        minute, _day = client.governor.tenant_windows("t")
        ttl = store.redis.pttl(store.prefix + minute.key) / 1000
        assert 0 < ttl <= 61.0 + store.keep
    finally:
        for key in store.redis.scan_iter(f"{store.prefix}*"):
            store.redis.delete(key)
        store.redis.close()


@pytest.mark.parametrize(
    ("expires_in", "seconds"),
    [("nan", 1800), (float("inf"), 1800), (1e20, 86_400), (10**400, 1800), (-5, 0), ("x", 1800)],
)
def test_a_hostile_expires_in_gives_a_bounded_lifetime(
    clock: FakeClock, expires_in: object, seconds: float
) -> None:
    body = {"access_token": "AT", "refresh_token": "RT", "expires_in": expires_in}
    tokens = TokenSet.from_response(body, clock.now())
    assert tokens.expires_at == clock.now() + timedelta(seconds=seconds)

"""Rate budgets through the client (MockTransport), on the in-process AND the Redis store:
waits before a spent window, corrections from headers, 429 minute waited out, 429 day stops
the tenant, the concurrency cap."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from tests.client.core_doubles import Answer, FakeXero, answer, config, make_client
from xerosync.clock import FakeClock
from xerosync.errors import RateLimited
from xerosync.xero import RateLimits
from xerosync.xero.limits.budget import Remaining
from xerosync.xero.limits.stores import BudgetStore


def limited(**limits: float) -> object:
    return config(limits=RateLimits(**limits))  # type: ignore[arg-type]


def test_a_minute_spent_by_our_own_count_is_waited_out_before_calling(
    fake: FakeXero, clock: FakeClock, budget_store: BudgetStore
) -> None:
    client, _ = make_client(
        fake, tokens=fake.issue(), budget_store=budget_store, config=limited(minute=3)
    )
    fake.script = [answer(200, {}, {"X-MinLimit-Remaining": str(n)}) for n in (59, 58, 57, 59)]
    start = clock.monotonic()
    for _ in range(3):
        client.request("GET", "Invoices", tenant="t")
    assert clock.monotonic() == start  # three calls fit
    client.request("GET", "Invoices", tenant="t")
    assert clock.monotonic() - start == pytest.approx(60.0)  # the 4th waited for the window
    assert len(fake.api_calls) == 4


def minute_left(n: int) -> Answer:
    return answer(200, {}, {"X-MinLimit-Remaining": str(n)})


def test_xeros_reset_is_learned_from_one_probe_then_kept(
    fake: FakeXero, clock: FakeClock, budget_store: BudgetStore
) -> None:
    client, _ = make_client(
        fake, tokens=fake.issue(), budget_store=budget_store, config=limited(minute=3)
    )
    refused = answer(429, None, {"X-Rate-Limit-Problem": "minute", "Retry-After": "20"})
    fake.script = [*(minute_left(n) for n in (2, 1, 0)), refused]
    fake.script += [minute_left(n) for n in (2, 1, 0, 2)]
    start = clock.monotonic()
    for _ in range(3):
        client.request("GET", "Invoices", tenant="t")
    # Xero says 0 left; when its window resets is unknown: one call asks, and the 429's
    # Retry-After says (20 s, not the 60 s a window counted from our first call would take)
    client.request("GET", "Invoices", tenant="t")
    assert clock.monotonic() - start == pytest.approx(20.0)
    client.request("GET", "Invoices", tenant="t")
    client.request("GET", "Invoices", tenant="t")
    # spent again: now the reset is known (every 60 s from 20 s), so no call is risked
    client.request("GET", "Invoices", tenant="t")
    assert clock.monotonic() - start == pytest.approx(80.0)
    assert len(fake.api_calls) == 8  # 7 answered, 1 refused


def test_a_budget_spent_by_someone_else_is_noticed(
    fake: FakeXero, clock: FakeClock, budget_store: BudgetStore
) -> None:
    client, _ = make_client(fake, tokens=fake.issue(), budget_store=budget_store)
    refused = answer(429, None, {"X-Rate-Limit-Problem": "minute", "Retry-After": "45"})
    fake.script = [
        answer(200, {}, {"X-MinLimit-Remaining": "0", "X-DayLimit-Remaining": "900"}),
        refused,
    ]
    client.request("GET", "Invoices", tenant="t")  # our first call, but Xero says none left
    start = clock.monotonic()
    client.request("GET", "Invoices", tenant="t")  # the probe is refused: wait Retry-After
    assert clock.monotonic() - start == pytest.approx(45.0)
    assert len(fake.api_calls) == 3
    other = clock.monotonic()
    client.request("GET", "Invoices", tenant="u")  # another tenant's budget is its own
    assert clock.monotonic() == other


def test_the_app_wide_minute_is_shared_by_tenants(
    fake: FakeXero, clock: FakeClock, budget_store: BudgetStore
) -> None:
    client, _ = make_client(
        fake, tokens=fake.issue(), budget_store=budget_store, config=limited(app_minute=4)
    )
    fake.script = [answer(200, {}) for _ in range(5)]
    start = clock.monotonic()
    for tenant in ("a", "b", "c"):
        client.request("GET", "Invoices", tenant=tenant)
    assert clock.monotonic() == start
    # the app window's boundary is unknown: its last call is kept back to go out later in the
    # window, where its answer would show Xero's reset
    client.request("GET", "Invoices", tenant="d")
    assert clock.monotonic() - start == pytest.approx(30.0)
    # its answer showed no reset: Xero's window ends with ours, or as much later as our first
    # call may have taken to reach Xero (a second of a minute)
    client.request("GET", "Invoices", tenant="e")
    assert clock.monotonic() - start == pytest.approx(61.0)


def test_a_minute_429_waits_retry_after_and_tries_again(
    fake: FakeXero, clock: FakeClock, budget_store: BudgetStore
) -> None:
    client, _ = make_client(fake, tokens=fake.issue(), budget_store=budget_store)
    fake.script = [answer(429, None, {"X-Rate-Limit-Problem": "minute", "Retry-After": "17"})]
    start = clock.monotonic()
    response = client.request("PUT", "Invoices", tenant="t", json={})  # no key: still safe
    assert response.status_code == 200
    assert len(fake.api_calls) == 2
    assert clock.monotonic() - start == pytest.approx(17.0)


def test_a_day_429_stops_the_tenant_until_the_reset(
    fake: FakeXero, clock: FakeClock, budget_store: BudgetStore
) -> None:
    client, _ = make_client(fake, tokens=fake.issue(), budget_store=budget_store)
    fake.script = [answer(429, None, {"X-Rate-Limit-Problem": "day", "Retry-After": "7200"})]
    start = clock.now()
    with pytest.raises(RateLimited) as caught:
        client.request("GET", "Invoices", tenant="t")
    assert caught.value.scope == "day"
    assert caught.value.until is not None
    assert (caught.value.until - start).total_seconds() == pytest.approx(7200, abs=1)
    assert clock.now() == start  # no spinning, no sleeping through the day
    with pytest.raises(RateLimited, match="daily"):
        client.request("GET", "Invoices", tenant="t")
    assert len(fake.api_calls) == 1  # the second call never reached Xero
    client.request("GET", "Invoices", tenant="other")  # other tenants carry on
    clock.advance(7200)
    client.request("GET", "Invoices", tenant="t")
    assert len(fake.api_calls) == 3


def test_repeated_429s_give_up_after_the_configured_waits(
    fake: FakeXero, budget_store: BudgetStore
) -> None:
    client, _ = make_client(
        fake, tokens=fake.issue(), budget_store=budget_store, config=config(max_rate_waits=2)
    )
    fake.script = [answer(429, None, {"X-Rate-Limit-Problem": "minute", "Retry-After": "1"})] * 5
    with pytest.raises(RateLimited) as caught:
        client.request("GET", "Invoices", tenant="t")
    assert caught.value.scope == "minute"
    assert len(fake.api_calls) == 3


def test_no_more_than_the_concurrent_limit_are_in_flight(
    clock: FakeClock, budget_store: BudgetStore
) -> None:
    fake = FakeXero(clock)
    in_flight, peak, answered, changed = [0], [0], [0], threading.Condition()

    def slow(request: httpx.Request) -> httpx.Response:
        # each call waits for a partner (or for the rest to be answered), so that two do
        # overlap however slowly the threads start on a loaded machine; then it lingers,
        # giving a third call every chance to slip past the cap
        with changed:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
            changed.notify_all()
            changed.wait_for(lambda: in_flight[0] >= 2 or answered[0] >= 7, timeout=10)
        time.sleep(0.05)
        with changed:
            in_flight[0] -= 1
            answered[0] += 1
            changed.notify_all()
        return httpx.Response(200, json={})

    fake.script = [slow] * 8
    client, _ = make_client(
        fake,
        tokens=fake.issue(),
        budget_store=budget_store,
        config=limited(concurrent=2),
        pause=time.sleep,
    )
    threads = [
        threading.Thread(target=client.request, args=("GET", "Invoices"), kwargs={"tenant": "t"})
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(fake.api_calls) == 8
    assert peak[0] == 2


@pytest.mark.parametrize(
    ("headers", "waited"),
    [
        ({"X-Rate-Limit-Problem": "appminute"}, 6.0),  # no Retry-After: a tenth of a minute
        ({"X-Rate-Limit-Problem": "minute", "Retry-After": "9"}, 9.0),
    ],
)
def test_a_tenantless_call_waits_out_its_429(
    fake: FakeXero, clock: FakeClock, headers: dict[str, str], waited: float
) -> None:
    client, _ = make_client(fake, tokens=fake.issue())
    fake.script = [answer(429, None, headers), answer(200, [])]
    start = clock.monotonic()
    assert client.request("GET", "https://xero.test/connections", tenant=None).status_code == 200
    assert clock.monotonic() - start == pytest.approx(waited)
    assert "xero-tenant-id" not in fake.api_calls[-1].headers


def test_a_concurrent_429_pauses_in_real_time_not_on_the_clock(
    fake: FakeXero, clock: FakeClock
) -> None:
    paused: list[float] = []
    client, _ = make_client(fake, tokens=fake.issue(), pause=paused.append)
    fake.script = [answer(429, None, {"X-Rate-Limit-Problem": "concurrent"})]
    start = clock.monotonic()
    assert client.request("GET", "Invoices", tenant="t").status_code == 200
    assert clock.monotonic() == start
    assert paused == [pytest.approx(1.0)]


def test_calls_left_count_our_calls_follow_xeros_headers_and_refill_with_the_window(
    fake: FakeXero, clock: FakeClock, budget_store: BudgetStore
) -> None:
    client, _ = make_client(
        fake, tokens=fake.issue(), budget_store=budget_store, config=limited(minute=10, day=100)
    )
    assert client.governor.left("t") == Remaining(minute=10, day=100, app_minute=10_000)
    fake.script = [answer(200, {}), answer(200, {}, {"X-MinLimit-Remaining": "4"})]
    client.request("GET", "Invoices", tenant="t")
    assert client.governor.left("t") == Remaining(minute=9, day=99, app_minute=9_999)
    client.request("GET", "Invoices", tenant="t")  # someone else spent some of the minute
    assert client.governor.left("t").minute == 4
    clock.advance(60)
    assert client.governor.left("t") == Remaining(minute=10, day=98, app_minute=10_000)

"""The rate limiter's arithmetic, without HTTP: windows, offsets, spenders, refusals."""

from __future__ import annotations

import pytest

from xerosync.clock import FakeClock
from xerosync.emulator.config import EmulatorConfig
from xerosync.emulator.limits import RateLimiter, Window, offset_for, seconds_until, window_at


@pytest.mark.parametrize(
    ("t", "offset", "expected"),
    [
        (0.0, 0.0, Window(0, 0.0, 60.0)),
        (59.9, 0.0, Window(0, 0.0, 60.0)),
        (60.0, 0.0, Window(1, 60.0, 120.0)),
        (10.0, 15.0, Window(-1, -45.0, 15.0)),
        (15.0, 15.0, Window(0, 15.0, 75.0)),
    ],
)
def test_fixed_windows_start_at_the_offset(t: float, offset: float, expected: Window) -> None:
    assert window_at(t, 60.0, offset) == expected


@pytest.mark.parametrize(
    ("end", "t", "seconds"), [(60.0, 0.0, 60), (60.0, 59.2, 1), (60.0, 59.99, 1), (60.0, 30.5, 30)]
)
def test_retry_after_is_whole_seconds_rounded_up_and_at_least_one(
    end: float, t: float, seconds: int
) -> None:
    assert seconds_until(Window(0, end - 60, end), t) == seconds


def test_offsets_are_stable_per_tenant_and_differ_between_tenants() -> None:
    offsets = {offset_for(f"tenant-{n}", 60.0, "minute") for n in range(50)}
    assert len(offsets) == 50
    assert all(0 <= o < 60 for o in offsets)
    assert offset_for("tenant-1", 60.0, "minute") == offset_for("tenant-1", 60.0, "minute")
    assert offset_for("tenant-1", 60.0, "minute") != offset_for("tenant-1", 60.0, "day")


def limiter(**config: object) -> tuple[RateLimiter, FakeClock]:
    clock = FakeClock()
    return RateLimiter(EmulatorConfig(**config), clock), clock  # type: ignore[arg-type]


def test_changing_a_spender_keeps_what_the_old_one_spent() -> None:
    limits, clock = limiter()
    clock.advance(limits.counters("app", "t")["minute"]["resets_in"] + 0.001)
    limits.set_spender("app", "t", 60)
    clock.advance(20)
    assert limits.counters("app", "t")["minute"]["used"] == 20
    limits.set_spender("app", "t", 6)
    clock.advance(10)
    assert limits.counters("app", "t")["minute"]["used"] == 21
    assert limits.counters("app", None)["app_minute"]["used"] >= 21


def test_a_refused_call_counts_nothing_and_takes_no_slot() -> None:
    limits, _ = limiter(concurrent_limit=1)
    first = limits.acquire("app", "t")
    second = limits.acquire("app", "t")
    assert first.holds_slot
    assert (second.problem, second.holds_slot, second.retry_after) == ("concurrent", False, None)
    assert limits.counters("app", "t")["minute"]["used"] == 1
    limits.release("app", "t")
    assert limits.acquire("app", "t").problem is None


def test_release_never_goes_below_zero() -> None:
    limits, _ = limiter()
    limits.release("app", "t")
    limits.release("app", "t")
    assert limits.counters("app", "t")["concurrent"]["in_progress"] == 0


def test_reset_forgets_counts_and_spenders() -> None:
    limits, _ = limiter(minute_limit=1)
    limits.set_spender("app", "t", 600)
    limits.spend("app", "t", 5)
    limits.reset()
    counters = limits.counters("app", "t")
    assert counters["minute"]["used"] == 0
    assert counters["spender"] is None
    assert limits.acquire("app", "t").problem is None


def test_tenantless_calls_only_count_app_wide() -> None:
    limits, _ = limiter(app_minute_limit=2)
    assert limits.acquire("app", None).headers == {"X-AppMinLimit-Remaining": "1"}
    limits.acquire("app", None)
    refused = limits.acquire("app", None)
    assert refused.problem == "appminute"
    assert limits.acquire("other-app", None).problem is None
    assert limits.counters("app", "t")["minute"]["used"] == 0

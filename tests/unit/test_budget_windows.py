"""Rate-budget arithmetic as tables: windows, header corrections, 429 reading (pure)."""

from __future__ import annotations

import pytest

from xerosync.xero.limits.budget import (
    RateProblem,
    Remaining,
    Window,
    WindowState,
    admit,
    blocked,
    corrected,
    current,
)

MINUTE = Window("t:minute", limit=60, length=60.0, scope="minute")
DAY = Window("t:day", limit=5000, length=86_400.0, scope="day")
APP = Window("app", limit=10_000, length=60.0, scope="appminute")


@pytest.mark.parametrize(
    ("state", "now", "expected"),
    [
        (WindowState(), 100.0, WindowState(start=100.0, used=0)),
        (WindowState(start=100.0, used=7), 159.9, WindowState(start=100.0, used=7)),
        (WindowState(start=100.0, used=60), 160.0, WindowState(start=160.0, used=0)),
        (
            WindowState(start=100.0, used=60, blocked_until=400.0),
            170.0,
            WindowState(start=170.0, used=0, blocked_until=400.0),
        ),
    ],
)
def test_a_window_that_ran_out_starts_afresh(
    state: WindowState, now: float, expected: WindowState
) -> None:
    assert current(state, MINUTE, now) == expected


def test_sixty_calls_fit_in_a_minute_and_the_sixty_first_waits_for_the_reset() -> None:
    states = [WindowState(), WindowState(), WindowState()]
    windows = [MINUTE, DAY, APP]
    for i in range(60):
        verdict, states = admit(states, windows, 1000.0 + i * 0.5)
        assert verdict.wait == 0
    verdict, after = admit(states, windows, 1030.0)
    assert (verdict.wait, verdict.scope) == (pytest.approx(30.0), "minute")
    assert after[0].used == 60
    assert after[1].used == 60
    verdict, states = admit(states, windows, 1060.0)
    assert verdict.wait == 0
    assert [s.used for s in states] == [1, 61, 1]


@pytest.mark.parametrize(
    ("states", "expected_scope"),
    [
        ([WindowState(), WindowState(start=0.0, used=5000), WindowState()], "day"),
        ([WindowState(), WindowState(), WindowState(start=0.0, used=10_000)], "appminute"),
        ([WindowState(blocked_until=50.0), WindowState(), WindowState()], "minute"),
    ],
)
def test_the_window_that_refuses_is_named(states: list[WindowState], expected_scope: str) -> None:
    verdict, _ = admit(states, [MINUTE, DAY, APP], 10.0)
    assert verdict.scope == expected_scope
    assert verdict.wait > 0


@pytest.mark.parametrize(
    ("used", "remaining", "expected_used"),
    [
        (3, 57, 3),  # estimate agrees
        (3, 20, 40),  # someone else spent 37 calls: noticed
        (50, 59, 50),  # headers never hand back calls we counted
        (0, 0, 60),
        (0, -2, 60),  # nonsense clamps
        (0, 75, 0),  # a configured limit below Xero's holds
    ],
)
def test_headers_correct_the_estimate(used: int, remaining: int, expected_used: int) -> None:
    state = WindowState(start=0.0, used=used)
    assert corrected(state, MINUTE, remaining, 10.0).used == expected_used


def test_a_correction_in_an_expired_window_starts_a_new_one() -> None:
    state = corrected(WindowState(start=0.0, used=60), MINUTE, 55, now=61.0)
    assert state == WindowState(start=61.0, used=5)


def test_a_429_aligns_the_window_to_xeros_reset() -> None:
    state = blocked(WindowState(start=0.0, used=10), MINUTE, until=95.0)
    assert state == WindowState(start=35.0, used=60, blocked_until=95.0)
    verdict, _ = admit([state], [MINUTE], 90.0)
    assert verdict.wait == pytest.approx(5.0)
    verdict, _ = admit([state], [MINUTE], 95.0)
    assert verdict.wait == 0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            {
                "X-MinLimit-Remaining": "58",
                "X-DayLimit-Remaining": "4990",
                "X-AppMinLimit-Remaining": "9999",
            },
            Remaining(58, 4990, 9999),
        ),
        ({"x-appminlimit-remaining": "12"}, Remaining(None, None, 12)),  # tenantless call
        ({"X-MinLimit-Remaining": "lots"}, Remaining()),
        ({}, Remaining()),
    ],
)
def test_remaining_from_headers(headers: dict[str, str], expected: Remaining) -> None:
    assert Remaining.from_headers(headers) == expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"X-Rate-Limit-Problem": "minute", "Retry-After": "23"}, RateProblem("minute", 23.0)),
        ({"X-Rate-Limit-Problem": "day", "Retry-After": "40000"}, RateProblem("day", 40000.0)),
        ({"X-Rate-Limit-Problem": "Daily", "Retry-After": "5"}, RateProblem("day", 5.0)),
        ({"X-Rate-Limit-Problem": "Minute"}, RateProblem("minute", None)),
        ({"X-Rate-Limit-Problem": "concurrent"}, RateProblem("concurrent", None)),
        ({"X-Rate-Limit-Problem": "appminute"}, RateProblem("appminute", None)),
        ({"Retry-After": "2"}, RateProblem("minute", 2.0)),
    ],
)
def test_reading_a_429(headers: dict[str, str], expected: RateProblem) -> None:
    assert RateProblem.from_headers(headers) == expected

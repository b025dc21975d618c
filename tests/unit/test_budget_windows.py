"""Rate-budget arithmetic as tables: windows, header corrections, learning Xero's resets,
probes, 429 reading (pure)."""

from __future__ import annotations

import pytest

from xerosync.xero.limits.budget import (
    Admission,
    RateProblem,
    Remaining,
    Window,
    WindowState,
    admit,
    blocked,
    corrected,
    current,
    refusal,
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
        # once Xero's boundary is known, windows roll over on its grid, not at our next call
        (
            WindowState(start=100.0, used=60, aligned=True, reported=0),
            170.0,
            WindowState(start=160.0, used=0, aligned=True),
        ),
        (
            WindowState(start=100.0, used=9, aligned=True),
            345.0,
            WindowState(start=340.0, used=0, aligned=True),
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
    assert state == WindowState(start=61.0, used=5, reported=55, reported_at=61.0)


@pytest.mark.parametrize(
    ("state", "remaining", "now", "sent_at", "expected"),
    [
        # the count climbs from 2 to 59: Xero reset between the answers; a new window, aligned
        (
            WindowState(start=0.0, used=58, reported=2),
            59,
            30.0,
            29.9,
            WindowState(start=30.0, used=1, aligned=True, reported=59, reported_at=30.0),
        ),
        # a rise smaller than Xero's concurrent limit is answers arriving out of order
        (
            WindowState(start=0.0, used=20, reported=40),
            43,
            30.0,
            29.9,
            WindowState(start=0.0, used=20, reported=40),
        ),
        # an answer to a call admitted before this window began says nothing about it
        (
            WindowState(start=30.0, used=1, aligned=True, reported=59),
            2,
            30.2,
            29.8,
            WindowState(start=30.0, used=1, aligned=True, reported=59),
        ),
        # a limit configured below Xero's holds: Xero's 75 left never hands calls back
        (
            WindowState(start=0.0, used=3, reported=80),
            75,
            10.0,
            9.9,
            WindowState(start=0.0, used=3, reported=75, reported_at=10.0),
        ),
        # a rise of one, in the answer to a call admitted after the lower count arrived: Xero
        # counted it later, so only a reset explains it (out of order answers cannot)
        (
            WindowState(start=0.0, used=20, reported=40, reported_at=29.0),
            41,
            30.0,
            29.5,
            WindowState(start=30.0, used=19, aligned=True, reported=41, reported_at=30.0),
        ),
        # the same rise for a call admitted before the lower count arrived: out of order
        (
            WindowState(start=0.0, used=20, reported=40, reported_at=29.0),
            41,
            30.0,
            28.5,
            WindowState(start=0.0, used=20, reported=40, reported_at=29.0),
        ),
    ],
)
def test_a_jump_in_the_remaining_count_reveals_xeros_reset(
    state: WindowState, remaining: int, now: float, sent_at: float, expected: WindowState
) -> None:
    assert corrected(state, MINUTE, remaining, now, sent_at=sent_at, slack=5) == expected


@pytest.mark.parametrize(
    ("state", "window", "now", "expected"),
    [
        (WindowState(start=0.0, used=59), MINUTE, 10.0, None),
        (
            WindowState(start=0.0, used=3, blocked_until=12.0),
            MINUTE,
            10.0,
            Admission(2.0, "minute"),
        ),
        # aligned and spent: wait for Xero's reset, no probe
        (
            WindowState(start=0.0, used=60, aligned=True, reported=0),
            MINUTE,
            10.0,
            Admission(50.0, "minute"),
        ),
        # spent by our own count only (a configured limit below Xero's): wait, never probe
        (WindowState(start=0.0, used=60, reported=7), MINUTE, 10.0, Admission(50.0, "minute")),
        # Xero says 0 left and the reset is unknown: one call goes out as a probe
        (WindowState(start=0.0, used=60, reported=0), MINUTE, 10.0, None),
        # while the probe is out the others look again soon, not a whole window later
        (
            WindowState(start=0.0, used=61, reported=0, probed=True),
            MINUTE,
            10.0,
            Admission(1.0, "minute"),
        ),
        # a spent day is never probed
        (WindowState(start=0.0, used=5000, reported=0), DAY, 10.0, Admission(86_390.0, "day")),
    ],
)
def test_what_holds_a_call_back(
    state: WindowState, window: Window, now: float, expected: Admission | None
) -> None:
    assert refusal(state, window, now) == expected


def test_the_probe_is_counted_and_only_one_goes_out() -> None:
    spent = WindowState(start=0.0, used=60, reported=0)
    verdict, [state] = admit([spent], [MINUTE], 10.0)
    assert verdict == Admission()
    assert (state.used, state.probed) == (61, True)
    verdict, _ = admit([state], [MINUTE], 10.0)
    assert verdict.wait == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("state", "until", "now", "exact", "expected"),
    [
        # Retry-After from an unknown boundary: Xero's reset, to the second; aligned
        (
            WindowState(start=0.0, used=10),
            95.0,
            40.0,
            True,
            WindowState(start=35.0, used=60, blocked_until=95.0, aligned=True),
        ),
        # our known boundary (60) lies within Retry-After's second: it is the sharper one
        (
            WindowState(start=0.0, used=58, aligned=True, reported=0),
            61.0,
            45.0,
            True,
            WindowState(start=0.0, used=60, aligned=True, reported=0),
        ),
        # Xero disagrees with what we knew: Xero wins
        (
            WindowState(start=0.0, used=58, aligned=True),
            50.0,
            45.0,
            True,
            WindowState(start=-10.0, used=60, blocked_until=50.0, aligned=True),
        ),
        # no Retry-After (app minute): a pause; nothing is learned about the boundary
        (
            WindowState(start=0.0, used=9),
            51.0,
            45.0,
            False,
            WindowState(start=-9.0, used=60, blocked_until=51.0),
        ),
        (
            WindowState(start=0.0, used=9, aligned=True),
            51.0,
            45.0,
            False,
            WindowState(start=0.0, used=9, blocked_until=51.0, aligned=True),
        ),
    ],
)
def test_a_429_aligns_the_window_to_xeros_reset(
    state: WindowState, until: float, now: float, exact: bool, expected: WindowState
) -> None:
    assert blocked(state, MINUTE, until, now, exact=exact) == expected


def test_after_a_retry_after_every_later_minute_resets_on_xeros_grid() -> None:
    state = blocked(WindowState(start=0.0, used=10), MINUTE, until=95.0, now=40.0)
    verdict, _ = admit([state], [MINUTE], 90.0)
    assert verdict.wait == pytest.approx(5.0)
    verdict, [state] = admit([state], [MINUTE], 95.0)
    assert verdict.wait == 0
    for i in range(59):
        verdict, [state] = admit([state], [MINUTE], 96.0 + i * 0.1)
    verdict, _ = admit([state], [MINUTE], 110.0)
    assert verdict.wait == pytest.approx(45.0)  # to 155, Xero's next reset
    assert verdict.scope == "minute"


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

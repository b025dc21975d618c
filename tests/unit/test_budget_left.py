"""`budget.left`: what a window has left now, as `xerosync plan` reads it from the store."""

from __future__ import annotations

from xerosync.xero.limits.budget import Window, WindowState, blocked, corrected, left

DAY = Window("app:tenant:day", limit=5000, length=86_400, scope="day")


def test_nothing_counted_is_unknown() -> None:
    assert left(WindowState(), DAY, now=1000.0) is None


def test_what_xero_reported_is_what_is_left_until_the_window_runs_out() -> None:
    state = corrected(WindowState(), DAY, remaining=120, now=1000.0, sent_at=1000.0)
    assert left(state, DAY, now=1000.0) == 120
    assert left(state, DAY, now=1000.0 + 86_400) == 5000  # a new day


def test_a_window_held_back_by_a_429_has_nothing_left() -> None:
    state = blocked(WindowState(), DAY, until=5000.0, now=1000.0, exact=False)
    assert left(state, DAY, now=2000.0) == 0

"""The app's minute learned from `X-AppMinLimit-Remaining` alone (pure): its 429s carry no
Retry-After, so a window whose boundary is unknown keeps a few calls back and spreads them, and
the answer that shows the count risen tells where Xero's window starts. Played against a small
model of Xero's app-wide limit (fixed windows at an offset we do not know, calls counted when
they arrive, answers overtaking each other) with callers always waiting for the app's minute."""

from __future__ import annotations

import heapq
import math
import random
from collections import Counter
from dataclasses import dataclass, field

import pytest

from xerosync.xero.limits.budget import (
    Window,
    WindowState,
    admit,
    blocked,
    corrected,
    margin,
    reserve,
    spacing,
)

LIMIT, LENGTH = 250, 60.0
APP = Window("app", limit=LIMIT, length=LENGTH, scope="appminute")


@dataclass
class XeroApp:
    """Xero's app-wide minute: windows start at `offset` + k x LENGTH; a call is counted when
    it arrives; `others` spend calls of a window (another worker's) as it begins."""

    offset: float
    others: dict[int, int] = field(default_factory=dict)
    counted: Counter[int] = field(default_factory=Counter)

    def index(self, t: float) -> int:
        return math.floor((t - self.offset) / LENGTH)

    def call(self, t: float) -> int | None:
        """The remaining count after this call, or None for a 429."""
        window = self.index(t)
        used = self.counted[window] + self.others.get(window, 0)
        if used >= LIMIT:
            return None
        self.counted[window] += 1
        return LIMIT - used - 1


@dataclass
class Played:
    refused: list[float]  # when each 429 was answered
    per_window: list[int]  # our calls Xero counted in each of its windows, first to last
    aligned_error: list[float]  # our aligned start - Xero's boundary, at each call admitted


def play(xero: XeroApp, windows: int, seed: int = 7) -> Played:
    """Callers always waiting: every call the budget admits goes out; each arrives 10-300 ms
    later and its answer takes as long again (so a burst's answers arrive out of order)."""
    rng = random.Random(seed)
    state, now = WindowState(), 0.0
    answers: list[tuple[float, float, int | None]] = []  # (answered at, sent at, remaining)
    refused: list[float] = []
    errors: list[float] = []
    end = windows * LENGTH
    while now < end:
        verdict, [state] = admit([state], [APP], now)
        if verdict.wait == 0:
            arrives = now + rng.uniform(0.01, 0.3)
            remaining = xero.call(arrives)
            heapq.heappush(answers, (arrives + rng.uniform(0.01, 0.3), now, remaining))
            if state.aligned:
                assert state.start is not None
                errors.append(state.start - (xero.offset + xero.index(state.start) * LENGTH))
            continue
        retry = now + verdict.wait
        if answers and answers[0][0] <= retry:
            now, sent, remaining = heapq.heappop(answers)
            if remaining is None:
                refused.append(now)
                state = blocked(state, APP, now + LENGTH / 10, now, exact=False)
            else:
                state = corrected(state, APP, remaining, now, sent_at=sent, slack=LIMIT + 1)
        else:
            now = retry
    counts = xero.counted
    return Played(refused, [counts[i] for i in range(min(counts), max(counts) + 1)], errors)


@pytest.mark.parametrize(
    "boundary",
    [
        0.05,  # Xero's window ends just after our first call
        17.3,
        41.0,
        # in the last spacing of our first window: no call of the reserve sees the reset
        LENGTH - spacing(APP) / 2,
        LENGTH - 0.01,
    ],
)
def test_no_429_and_every_window_used_in_full_once_the_app_window_is_learned(
    boundary: float,
) -> None:
    played = play(XeroApp(offset=boundary), windows=10)
    assert played.refused == []
    # every one of Xero's windows gets the whole limit once the boundary is learned (the
    # first whole one too unless our first burst reached Xero across its boundary)
    assert played.per_window[2:-1] == [LIMIT] * (len(played.per_window) - 3)
    # learned from the headers: our windows start after Xero's (never early), and within a
    # spacing and the first call's way to Xero of it
    assert played.aligned_error
    assert all(0 <= e <= spacing(APP) + margin(APP) for e in played.aligned_error)


@pytest.mark.parametrize("seed", range(5))
def test_answers_overtaking_each_other_in_a_burst_are_not_taken_for_a_reset(seed: int) -> None:
    """The whole minute goes out at once and comes back in any order: a count that climbs
    between two answers of the burst is not Xero's reset, and no second minute's calls go out."""
    played = play(XeroApp(offset=33.3), windows=6, seed=seed)
    assert played.refused == []
    assert max(played.per_window) <= LIMIT


def test_a_minute_spent_by_someone_else_costs_its_burst_and_a_few_probes_then_no_more() -> None:
    # something else takes 200 calls of Xero's fourth window as it begins, unseen: our burst
    # for that window (sent before any answer) meets 429s for what it took; then we pause
    # and look for the reset a call at a time, and the windows after are ours in full again
    xero = XeroApp(offset=12.5, others={3: 200})
    played = play(xero, windows=10)
    start, stop = xero.offset + 3 * LENGTH, xero.offset + 4 * LENGTH
    assert all(start <= t < stop + 1 for t in played.refused)
    assert 200 <= len(played.refused) <= 200 + 10  # the pause is a tenth of the window
    assert played.per_window[5:-1] == [LIMIT] * (len(played.per_window) - 6)


def test_the_reserve_is_a_twentieth_of_the_app_minute() -> None:
    assert reserve(APP) == 13
    assert reserve(Window("app", limit=10_000, length=60.0, scope="appminute")) == 500
    assert reserve(Window("t", limit=60, length=60.0, scope="minute")) == 0  # has Retry-After
    assert reserve(Window("app", limit=1, length=60.0, scope="appminute")) == 0

"""A shared store counts a call at the time it is counted, not the time it was asked for.

Hundreds of threads of two workers ask Redis at once: a call may wait its turn (or be retried)
for seconds. Counted against the `now` it asked with, it took a place in a window that had
ended meanwhile, went out in Xero's next window on top of that window's own calls, and met 429s
(two workers x 250 tenants on one app minute of 250: 20-248 a run, the budget half used)."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest

from xerosync.xero import RedisBudgetStore
from xerosync.xero.limits.budget import Admission, Window, WindowState
from xerosync.xero.limits.stores import _encode

LENGTH = 5.0
HOLD = 0.6  # real seconds another thread of the worker keeps Redis busy


def test_a_call_that_waits_its_turn_is_counted_in_the_window_it_gets_in(redis_url: str) -> None:
    store = RedisBudgetStore.from_url(redis_url, prefix=f"test-budget-{uuid.uuid4().hex}:")
    window = Window("app", limit=10, length=LENGTH, scope="minute")
    end = time.time() + 0.3  # an aligned window with room, ending soon
    start = end - LENGTH
    store.redis.set(store.prefix + window.key, _encode(WindowState(start=start, aligned=True)))

    inside = threading.Event()
    real = store.redis.transaction

    def slow_first(*args: Any, **kwargs: Any) -> Any:
        if not inside.is_set():
            inside.set()
            time.sleep(HOLD)  # e.g. retried against the other worker's writes
        return real(*args, **kwargs)

    store.redis.transaction = slow_first  # type: ignore[method-assign]
    first: list[Admission] = []
    other = threading.Thread(
        target=lambda: first.append(store.admit([window], time.time(), clock=time.time))
    )
    other.start()
    assert inside.wait(5)
    asked = time.time()
    if asked >= end:
        pytest.skip("the machine was too slow to ask before the window's end")
    verdict = store.admit([window], asked, clock=time.time)
    other.join()

    assert first[0].wait == 0
    assert verdict.wait == 0
    # counted when it got its turn, in the next window (where it reaches Xero), not in the
    # one that had ended meanwhile
    state = store.state(window)
    assert state.start == pytest.approx(start + LENGTH, abs=1e-6)
    assert state.used == 1
    # and the governor hands that time on as the call's admission (`observe`'s `sent_at`)
    assert verdict.at is not None
    assert verdict.at >= asked + HOLD * 0.8

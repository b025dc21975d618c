"""Where rate budgets are counted: in this process, or in Redis for many workers.

A `BudgetStore` keeps the state of fixed windows (see `budget.py`) and concurrency slots.
Each operation is atomic, so several threads or processes sharing a store never both take
the last call of a window. Times are seconds since the epoch from the caller's clock.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, fields, replace
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from xerosync.xero.limits.budget import (
    Admission,
    Window,
    WindowState,
    admit,
    blocked,
    corrected,
    longest_block,
)

if TYPE_CHECKING:
    import redis
    import redis.client

_T = TypeVar("_T")
Clock = Callable[[], float] | None  # seconds since the epoch, as `now`


class BudgetStore(Protocol):
    """`clock`: the caller's clock, read again if the operation has to wait its turn (it is
    then reckoned at that time, not at `now`; `Admission.at` says when a call was counted)."""

    def admit(self, windows: Sequence[Window], now: float, *, clock: Clock = None) -> Admission:
        """Count one call in all `windows` if each has room (atomically), else count nothing."""
        ...

    def correct(
        self,
        window: Window,
        remaining: int,
        now: float,
        *,
        sent_at: float,
        slack: int,
        clock: Clock = None,
    ) -> None:
        """Xero says `remaining` calls are left, answering a call admitted at `sent_at`."""
        ...

    def block(
        self, window: Window, until: float, now: float, *, exact: bool, clock: Clock = None
    ) -> None:
        """Xero said this window is spent until `until` (a 429; `exact`: from Retry-After)."""
        ...

    def take_slot(self, key: str, limit: int, token: str, expires_at: float, now: float) -> bool:
        """Hold one of `limit` concurrent slots under `token` (freed at `expires_at` if leaked)."""
        ...

    def free_slot(self, key: str, token: str) -> None: ...

    def state(self, window: Window) -> WindowState:
        """The stored state (for diagnosis and tests)."""
        ...


class MemoryBudgetStore:
    """Budgets for one process: a dict under a lock."""

    def __init__(self) -> None:
        self._windows: dict[str, WindowState] = {}
        self._slots: dict[str, dict[str, float]] = {}
        self._lock = threading.Lock()

    def admit(self, windows: Sequence[Window], now: float, *, clock: Clock = None) -> Admission:
        with self._lock:
            states = [self._windows.get(w.key, WindowState()) for w in windows]
            verdict, new = admit(states, windows, now)
            for window, state in zip(windows, new, strict=True):
                self._windows[window.key] = state
            return verdict

    def correct(
        self,
        window: Window,
        remaining: int,
        now: float,
        *,
        sent_at: float,
        slack: int,
        clock: Clock = None,
    ) -> None:
        with self._lock:
            state = self._windows.get(window.key, WindowState())
            self._windows[window.key] = corrected(
                state, window, remaining, now, sent_at=sent_at, slack=slack
            )

    def block(
        self, window: Window, until: float, now: float, *, exact: bool, clock: Clock = None
    ) -> None:
        with self._lock:
            state = self._windows.get(window.key, WindowState())
            self._windows[window.key] = blocked(state, window, until, now, exact=exact)

    def take_slot(self, key: str, limit: int, token: str, expires_at: float, now: float) -> bool:
        with self._lock:
            held = {t: exp for t, exp in self._slots.get(key, {}).items() if exp > now}
            if len(held) >= limit:
                self._slots[key] = held
                return False
            held[token] = expires_at
            self._slots[key] = held
            return True

    def free_slot(self, key: str, token: str) -> None:
        with self._lock:
            self._slots.get(key, {}).pop(token, None)

    def state(self, window: Window) -> WindowState:
        with self._lock:
            return self._windows.get(window.key, WindowState())


_TAKE_SLOT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[3])
redis.call('PEXPIRE', KEYS[1], 3600000)
return 1
"""


class RedisBudgetStore:
    """Budgets shared by every worker that points at the same Redis (and `prefix`).

    Each operation reads the windows, runs the same pure arithmetic as the in-process
    store (`budget.py`) and writes them back in a WATCH/MULTI transaction, retried if
    another worker wrote in between: one implementation of the rules, atomic across
    processes. A window's state outlives it by `keep` seconds so the learned alignment
    to Xero's resets survives quiet spells.

    A process runs one transaction at a time (hundreds of threads of one worker asking at once
    would mostly retry each other's). An operation that had to wait for its turn, or was
    retried, is reckoned at the time it finally runs (the caller's `clock` read again), not
    at `now`: under contention `now` was seconds old, and calls counted against it took places
    in windows that had already ended, then reached Xero in its next one, on top of that
    window's own calls.
    """

    def __init__(
        self, client: redis.Redis, *, prefix: str = "xerosync:budget:", keep: float = 3600.0
    ) -> None:
        self.redis = client
        self.prefix = prefix
        self.keep = keep
        self._take_slot = client.register_script(_TAKE_SLOT)
        self._turn = threading.Lock()

    @classmethod
    def from_url(cls, url: str, **options: Any) -> RedisBudgetStore:
        import redis

        return cls(redis.Redis.from_url(url), **options)

    def admit(self, windows: Sequence[Window], now: float, *, clock: Clock = None) -> Admission:
        def step(states: list[WindowState], at: float) -> tuple[Admission, list[WindowState]]:
            return admit(states, windows, at)

        return self._update(windows, now, clock, step)

    def correct(
        self,
        window: Window,
        remaining: int,
        now: float,
        *,
        sent_at: float,
        slack: int,
        clock: Clock = None,
    ) -> None:
        def step(states: list[WindowState], at: float) -> tuple[None, list[WindowState]]:
            return None, [corrected(states[0], window, remaining, at, sent_at=sent_at, slack=slack)]

        self._update([window], now, clock, step)

    def block(
        self, window: Window, until: float, now: float, *, exact: bool, clock: Clock = None
    ) -> None:
        def step(states: list[WindowState], at: float) -> tuple[None, list[WindowState]]:
            return None, [blocked(states[0], window, until, at, exact=exact)]

        self._update([window], now, clock, step)

    def take_slot(self, key: str, limit: int, token: str, expires_at: float, now: float) -> bool:
        taken = self._take_slot(
            keys=[self.prefix + key], args=[repr(now), str(limit), token, repr(expires_at)]
        )
        return bool(int(taken))

    def free_slot(self, key: str, token: str) -> None:
        self.redis.zrem(self.prefix + key, token)

    def state(self, window: Window) -> WindowState:
        return _decode(self.redis.get(self.prefix + window.key))

    def _update(
        self,
        windows: Sequence[Window],
        now: float,
        clock: Clock,
        step: Callable[[list[WindowState], float], tuple[_T, list[WindowState]]],
    ) -> _T:
        keys = [self.prefix + w.key for w in windows]
        results: list[_T] = []
        waited = not self._turn.acquire(blocking=False)

        def transaction(pipe: redis.client.Pipeline) -> None:
            nonlocal waited
            at = max(now, clock()) if waited and clock is not None else now
            waited = True  # run again: another worker wrote in between
            states = [_decode(raw) for raw in pipe.mget(keys)]
            result, new = step(states, at)
            pipe.multi()
            for key, window, state in zip(keys, windows, new, strict=True):
                # the TTL is capped like the block itself (budget.longest_block)
                blocked_for = min(state.blocked_until - at, longest_block(window.length))
                alive = max(window.length, blocked_for) + self.keep
                pipe.set(key, _encode(state), px=math.ceil(alive * 1000))
            results[:] = [result]  # a retried transaction keeps only its last answer

        if waited:
            self._turn.acquire()
        try:
            self.redis.transaction(transaction, *keys)
        finally:
            self._turn.release()
        return results[0]


def _encode(state: WindowState) -> str:
    return json.dumps(asdict(state))


def _decode(raw: bytes | str | None) -> WindowState:
    if raw is None:
        return WindowState()
    # fields this version does not know (written by a newer worker sharing the Redis) are left
    # out, so workers of two versions can share one store during a rolling upgrade
    known = {f.name for f in fields(WindowState)}
    state = WindowState(**{k: v for k, v in json.loads(raw).items() if k in known})
    # a state written before blocks were capped may hold `Infinity`: it blocks nothing now
    return state if math.isfinite(state.blocked_until) else replace(state, blocked_until=0.0)

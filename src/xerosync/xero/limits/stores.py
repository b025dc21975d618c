"""Where rate budgets are counted: in this process, or in Redis for many workers.

A `BudgetStore` keeps the state of fixed windows (see `budget.py`) and concurrency slots.
Each operation is atomic, so several threads or processes sharing a store never both take
the last call of a window. Times are seconds since the epoch from the caller's clock.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from xerosync.xero.limits.budget import (
    Admission,
    Window,
    WindowState,
    admit,
    blocked,
    corrected,
)

if TYPE_CHECKING:
    import redis


class BudgetStore(Protocol):
    def admit(self, windows: Sequence[Window], now: float) -> Admission:
        """Count one call in all `windows` if each has room (atomically), else count nothing."""
        ...

    def correct(self, window: Window, remaining: int, now: float) -> None:
        """Xero says `remaining` calls are left in this window."""
        ...

    def block(self, window: Window, until: float) -> None:
        """Xero said this window is spent until `until` (a 429)."""
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

    def admit(self, windows: Sequence[Window], now: float) -> Admission:
        with self._lock:
            states = [self._windows.get(w.key, WindowState()) for w in windows]
            verdict, new = admit(states, windows, now)
            for window, state in zip(windows, new, strict=True):
                self._windows[window.key] = state
            return verdict

    def correct(self, window: Window, remaining: int, now: float) -> None:
        with self._lock:
            state = self._windows.get(window.key, WindowState())
            self._windows[window.key] = corrected(state, window, remaining, now)

    def block(self, window: Window, until: float) -> None:
        with self._lock:
            state = self._windows.get(window.key, WindowState())
            self._windows[window.key] = blocked(state, window, until)

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


# The same arithmetic as budget.admit/corrected/blocked, run inside Redis so it is atomic
# across processes. Each window is a hash {start, used, blocked}; numbers travel as strings
# because Lua numbers returned to Redis are truncated to integers.
_ADMIT = """
local now = tonumber(ARGV[1])
local states = {}
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 * i])
  local length = tonumber(ARGV[2 * i + 1])
  local raw = redis.call('HMGET', key, 'start', 'used', 'blocked')
  local start = tonumber(raw[1])
  local used = tonumber(raw[2]) or 0
  local blocked = tonumber(raw[3]) or 0
  if start == nil or now >= start + length then start = now; used = 0 end
  states[i] = {start, used, blocked, length}
  if blocked > now then return {tostring(blocked - now), tostring(i)} end
  if used >= limit then return {tostring(math.max(start + length - now, 0.001)), tostring(i)} end
end
for i, key in ipairs(KEYS) do
  local s = states[i]
  redis.call('HSET', key, 'start', tostring(s[1]), 'used', s[2] + 1, 'blocked', tostring(s[3]))
  redis.call('PEXPIRE', key, math.ceil(math.max(s[4], s[3] - now) * 1000) + 60000)
end
return {'0', '0'}
"""
_CORRECT = """
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local length = tonumber(ARGV[3])
local remaining = math.max(0, tonumber(ARGV[4]))
local raw = redis.call('HMGET', KEYS[1], 'start', 'used', 'blocked')
local start = tonumber(raw[1])
local used = tonumber(raw[2]) or 0
local blocked = tonumber(raw[3]) or 0
if start == nil or now >= start + length then start = now; used = 0 end
redis.call('HSET', KEYS[1], 'start', tostring(start), 'used', math.max(used, limit - remaining),
           'blocked', tostring(blocked))
redis.call('PEXPIRE', KEYS[1], math.ceil(length * 1000) + 60000)
return 1
"""
_BLOCK = """
local limit = tonumber(ARGV[1])
local length = tonumber(ARGV[2])
local untill = tonumber(ARGV[3])
local blocked = math.max(untill, tonumber(redis.call('HGET', KEYS[1], 'blocked')) or 0)
redis.call('HSET', KEYS[1], 'start', tostring(untill - length), 'used', limit,
           'blocked', tostring(blocked))
redis.call('PEXPIRE', KEYS[1], math.ceil(length * 1000) + 60000)
return 1
"""
_TAKE_SLOT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[3])
redis.call('PEXPIRE', KEYS[1], 3600000)
return 1
"""


class RedisBudgetStore:
    """Budgets shared by every worker that points at the same Redis (and `prefix`)."""

    def __init__(self, client: redis.Redis, *, prefix: str = "xerosync:budget:") -> None:
        self.redis = client
        self.prefix = prefix
        self._admit = client.register_script(_ADMIT)
        self._correct = client.register_script(_CORRECT)
        self._block = client.register_script(_BLOCK)
        self._take_slot = client.register_script(_TAKE_SLOT)

    @classmethod
    def from_url(cls, url: str, **options: Any) -> RedisBudgetStore:
        import redis

        return cls(redis.Redis.from_url(url), **options)

    def admit(self, windows: Sequence[Window], now: float) -> Admission:
        args: list[str] = [repr(now)]
        for window in windows:
            args += [str(window.limit), repr(window.length)]
        wait, index = self._admit(keys=[self.prefix + w.key for w in windows], args=args)
        position = int(index)
        if position == 0:
            return Admission()
        return Admission(float(wait), windows[position - 1].scope)

    def correct(self, window: Window, remaining: int, now: float) -> None:
        self._correct(
            keys=[self.prefix + window.key],
            args=[repr(now), str(window.limit), repr(window.length), str(remaining)],
        )

    def block(self, window: Window, until: float) -> None:
        self._block(
            keys=[self.prefix + window.key],
            args=[str(window.limit), repr(window.length), repr(until)],
        )

    def take_slot(self, key: str, limit: int, token: str, expires_at: float, now: float) -> bool:
        taken = self._take_slot(
            keys=[self.prefix + key], args=[repr(now), str(limit), token, repr(expires_at)]
        )
        return bool(int(taken))

    def free_slot(self, key: str, token: str) -> None:
        self.redis.zrem(self.prefix + key, token)

    def state(self, window: Window) -> WindowState:
        raw = self.redis.hmget(self.prefix + window.key, ["start", "used", "blocked"])
        start, used, blocked_until = (v.decode() if v is not None else None for v in raw)  # type: ignore[union-attr]
        return WindowState(
            start=float(start) if start is not None else None,
            used=int(float(used)) if used is not None else 0,
            blocked_until=float(blocked_until) if blocked_until is not None else 0.0,
        )

"""A clock shared through Redis by the emulator and callers in several processes, that moves
only when every caller is waiting on it.

A `FakeClock` cannot cross processes, and real time makes a test on rate windows depend on how
busy the machine is: a burst that a loaded machine stretches across a window's seam is refused
where an idle one is not. Here time stands still while any caller is working (including its
HTTP calls in flight), and when all of them sleep it jumps to the earliest wake-up. What the
emulator counts in a window is then what the callers decided, never how fast they ran.

The test sets how many callers take part (`start`); each `leave()`s when it is done.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import redis

_POLL = 0.001  # real seconds between looks while asleep

# a sleeper wakes once time reaches its target, becoming active again in the same step, so
# time cannot move on before it has acted; with none active and nobody due, time jumps to
# the earliest target
_WAKE_OR_ADVANCE = """
local now = tonumber(redis.call('GET', KEYS[1]))
local target = tonumber(redis.call('ZSCORE', KEYS[3], ARGV[1]))
if target <= now then
  redis.call('ZREM', KEYS[3], ARGV[1])
  redis.call('INCR', KEYS[2])
  return 1
end
if tonumber(redis.call('GET', KEYS[2])) == 0 then
  local first = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
  if tonumber(first[2]) > now then redis.call('SET', KEYS[1], first[2]) end
end
return 0
"""


class VirtualClock:
    def __init__(self, redis_url: str, prefix: str) -> None:
        self.redis = redis.Redis.from_url(redis_url)
        self.keys = [f"{prefix}:now", f"{prefix}:active", f"{prefix}:sleepers"]
        self._step = self.redis.register_script(_WAKE_OR_ADVANCE)

    def start(self, callers: int, at: float | None = None) -> None:
        now, active, sleepers = self.keys
        self.redis.delete(sleepers)
        self.redis.set(now, repr(time.time() if at is None else at))
        self.redis.set(active, callers)

    def leave(self) -> None:
        """A caller has finished: time no longer waits for it."""
        self.redis.decr(self.keys[1])

    def seconds(self) -> float:
        return float(self.redis.get(self.keys[0]))  # type: ignore[arg-type]

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.seconds(), UTC)

    def monotonic(self) -> float:
        return self.seconds()

    def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            return
        me, (_, active, sleepers) = uuid.uuid4().hex, self.keys
        with self.redis.pipeline() as pipe:  # asleep and no longer active, in one step
            pipe.zadd(sleepers, {me: self.seconds() + seconds})
            pipe.decr(active)
            pipe.execute()
        while not int(self._step(keys=self.keys, args=[me])):
            time.sleep(_POLL)

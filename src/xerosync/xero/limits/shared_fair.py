"""The fair share's line kept in Redis beside the budgets, for workers in several processes.

`FairQueue` orders the callers of one process; workers sharing a `RedisBudgetStore` would
each keep a line of their own, and between them the app's minute would go first come, first
served. Here the line itself is in Redis: each tenant's served count and the line's virtual
time (a hash), and the waiting tickets by place (a sorted set), so the app's minute goes to
the least served waiter of any process. A process looks at the front of the line once every
`poll` for all its waiters (not once a waiter: hundreds of waiting threads would keep Redis
and the CPU busy), renewing their leases as it does: a worker killed in the line leaves it
when the lease runs out, and blocks nobody after.

Each tenant's share of a single minute before anyone waits (`hold_back`) stays counted in
each process.
"""

from __future__ import annotations

import math
import threading
import time
from typing import TYPE_CHECKING

from xerosync.xero.limits.fair import FairQueue, Ticket

if TYPE_CHECKING:
    import redis

LEASE = 30.0  # real seconds a waiter stays in the line without looking at its turn
POLL = 0.05  # a process looks at the front of the line this often (real seconds)
_KEEP = 86_400_000  # ms the line's counts outlive its last use

_JOIN = """
local served = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local floor = tonumber(redis.call('HGET', KEYS[1], '~floor') or '0')
local share = math.max(served, floor)
local seq = redis.call('HINCRBY', KEYS[1], '~seq', 1)
local member = seq .. ':' .. ARGV[1]
redis.call('ZADD', KEYS[2], share, member)
redis.call('ZADD', KEYS[3], ARGV[2], member)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {share, seq}
"""

_LOOK = """
local stale = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
for _, gone in ipairs(stale) do
  redis.call('ZREM', KEYS[1], gone)
  redis.call('ZREM', KEYS[2], gone)
end
for i = 3, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    redis.call('ZADD', KEYS[2], ARGV[2], ARGV[i])
  end
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #first == 0 then return false end
return first[2]
"""

_SERVED = """
if ARGV[2] == '' then
  redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
else
  local share = tonumber(ARGV[3])
  redis.call('HSET', KEYS[1], ARGV[1], share + 1)
  local floor = tonumber(redis.call('HGET', KEYS[1], '~floor') or '0')
  if share > floor then redis.call('HSET', KEYS[1], '~floor', share) end
  redis.call('ZREM', KEYS[2], ARGV[2])
  redis.call('ZREM', KEYS[3], ARGV[2])
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
"""

_REFUND = """
if tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0') > 0 then
  redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
end
"""


class RedisFairQueue(FairQueue):
    """A `FairQueue` whose line is shared through Redis under `key` (one per app)."""

    def __init__(
        self, client: redis.Redis, key: str, *, lease: float = LEASE, poll: float = POLL
    ) -> None:
        """`lease`: how long a waiter stays in the line without its process looking at the
        line; `poll`: how often the process looks (real seconds)."""
        super().__init__()
        self.redis = client
        self.lease = lease
        self.poll = poll
        self._counts, self._line, self._leases = f"{key}:served", f"{key}:line", f"{key}:lease"
        self._join_script = client.register_script(_JOIN)
        self._look_script = client.register_script(_LOOK)
        self._mine: set[str] = set()  # this process's tickets in the line
        self._look_lock = threading.Lock()
        self._looked = -math.inf  # when the front was last looked at (monotonic)
        self._first: float | None = None  # the lowest place in the line then (None: empty)
        self._served_script = client.register_script(_SERVED)
        self._refund_script = client.register_script(_REFUND)

    def busy(self) -> bool:
        return self._look() is not None

    def join(self, tenant: str) -> Ticket:
        share, seq = self._join_script(
            keys=[self._counts, self._line, self._leases],
            args=[tenant, repr(time.time() + self.lease), _KEEP],
        )
        ticket = Ticket(int(share), int(seq), tenant)
        with self._look_lock:
            self._mine.add(_member(ticket))
            if self._first is None or ticket.share < self._first:
                self._first = ticket.share
        return ticket

    def may_go(self, ticket: Ticket) -> bool:
        first = self._look()
        return first is None or ticket.share <= first

    def wait_turn(self, ticket: Ticket) -> None:
        while not self.may_go(ticket):
            time.sleep(max(self.poll, 0.01))

    def _look(self) -> float | None:
        """The lowest place in the line, as looked at in Redis at most `poll` ago."""
        with self._look_lock:
            if time.monotonic() - self._looked >= self.poll:
                wall = time.time()
                first = self._look_script(
                    keys=[self._line, self._leases],
                    args=[repr(wall), repr(wall + self.lease), *self._mine],
                )
                self._first = None if first is None else float(first)
                self._looked = time.monotonic()
            return self._first

    def served(self, ticket: Ticket | None, tenant: str) -> None:
        member, share = ("", "") if ticket is None else (_member(ticket), str(ticket.share))
        self._served_script(
            keys=[self._counts, self._line, self._leases], args=[tenant, member, share, _KEEP]
        )
        if ticket is not None:
            self._forget(member)

    def leave(self, ticket: Ticket) -> None:
        member = _member(ticket)
        pipe = self.redis.pipeline()
        pipe.zrem(self._line, member)
        pipe.zrem(self._leases, member)
        pipe.execute()
        self._forget(member)

    def _forget(self, member: str) -> None:
        with self._look_lock:
            self._mine.discard(member)
            self._looked = -math.inf  # the front may have moved: look again

    def refund(self, tenant: str) -> None:
        super().refund(tenant)  # this process's count of the tenant's minute
        self._refund_script(keys=[self._counts], args=[tenant])


def _member(ticket: Ticket) -> str:
    return f"{ticket.seq}:{ticket.tenant}"

"""The fair share's line kept in Redis beside the budgets, for workers in several processes.

`FairQueue` orders the callers of one process; workers sharing a `RedisBudgetStore` would
each keep a line of their own, and between them the app's minute would go first come, first
served. Here the line itself is in Redis: each tenant's served count and the line's virtual
time (a hash), and the waiting tickets by place (a sorted set), so the app's minute goes to
the least served waiter of any process. A waiter holds a lease it renews while it waits: a
worker killed in the line leaves it when the lease runs out, and blocks nobody after.

Each tenant's share of a single minute before anyone waits (`hold_back`) stays counted in
each process.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from xerosync.xero.limits.fair import FairQueue, Ticket

if TYPE_CHECKING:
    import redis

LEASE = 30.0  # real seconds a waiter stays in the line without looking at its turn
_POLL = 0.05  # a waiter looks at its turn this often (real seconds)
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

_FRONT = """
local stale = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
for _, gone in ipairs(stale) do
  redis.call('ZREM', KEYS[1], gone)
  redis.call('ZREM', KEYS[2], gone)
end
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #first == 0 or tonumber(ARGV[2]) <= tonumber(first[2]) then return 1 end
return 0
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

    def __init__(self, client: redis.Redis, key: str, *, lease: float = LEASE) -> None:
        super().__init__()
        self.redis = client
        self.lease = lease
        self._counts, self._line, self._leases = f"{key}:served", f"{key}:line", f"{key}:lease"
        self._join_script = client.register_script(_JOIN)
        self._front_script = client.register_script(_FRONT)
        self._served_script = client.register_script(_SERVED)
        self._refund_script = client.register_script(_REFUND)

    def busy(self) -> bool:
        return bool(self.redis.zcard(self._line))

    def join(self, tenant: str) -> Ticket:
        share, seq = self._join_script(
            keys=[self._counts, self._line, self._leases],
            args=[tenant, repr(time.time() + self.lease), _KEEP],
        )
        return Ticket(int(share), int(seq), tenant)

    def may_go(self, ticket: Ticket) -> bool:
        now = time.time()
        front = self._front_script(
            keys=[self._line, self._leases],
            args=[_member(ticket), ticket.share, repr(now), repr(now + self.lease)],
        )
        return bool(int(front))

    def wait_turn(self, ticket: Ticket) -> None:
        while not self.may_go(ticket):
            time.sleep(_POLL)

    def served(self, ticket: Ticket | None, tenant: str) -> None:
        member, share = ("", "") if ticket is None else (_member(ticket), str(ticket.share))
        self._served_script(
            keys=[self._counts, self._line, self._leases], args=[tenant, member, share, _KEEP]
        )

    def leave(self, ticket: Ticket) -> None:
        member = _member(ticket)
        pipe = self.redis.pipeline()
        pipe.zrem(self._line, member)
        pipe.zrem(self._leases, member)
        pipe.execute()

    def refund(self, tenant: str) -> None:
        super().refund(tenant)  # this process's count of the tenant's minute
        self._refund_script(keys=[self._counts], args=[tenant])


def _member(ticket: Ticket) -> str:
    return f"{ticket.seq}:{ticket.tenant}"

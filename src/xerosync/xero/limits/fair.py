"""A fair share of the app-wide minute across tenants, for the callers of one process.

When the app's minute (10,000 calls across all tenants) is spent, every caller waits for it to
reset. First come, first served, the callers that happen to wake first take the new window, so a
few tenants may get many calls while others get none for several windows. Here the waiting callers
queue instead, and the next call goes to the tenant served least so far (start-time fair queueing
with a cost of one a call): each tenant's place is max(its own count, the count of the last call
let through), so a tenant that was idle joins at the front of the line, not with credit for the
time it did not use. Only the front rank (the waiters of the lowest place) ask the budget store,
all at once, so one round of tenants is served before any tenant's next call, without handing the
turn from thread to thread call by call; the others wait for their turn. A caller held back by its
own tenant's window (not the app's) steps out of the line so it blocks nobody.

This line is per process (a `Governor`'s callers). Workers in several processes sharing a Redis
budget store share the line there instead (`shared_fair.RedisFairQueue`, which the client picks
with a `RedisBudgetStore`), so the app's minute goes to the least served tenant of any worker.
A call let through and then refused with a 429 was not made: `refund` gives the tenant back its
place, and its retry asks from there.
"""

from __future__ import annotations

import itertools
import math
import threading
from dataclasses import dataclass

_TURN_POLL = 0.05  # a waiter looks again this often (real seconds) even if not woken


@dataclass(frozen=True, order=True)
class Ticket:
    """A place in the line: lower `share` first (`seq` orders tickets of equal share)."""

    share: int
    seq: int
    tenant: str


class FairQueue:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._seq = itertools.count()
        self._waiting: set[Ticket] = set()
        self._served: dict[str, int] = {}
        self._floor = 0  # the share of the last call let through: the line's virtual time
        self._active: dict[str, float] = {}  # tenant -> the start of the last period it asked in
        self._used: dict[str, tuple[float, int]] = {}  # tenant -> (period's start, calls in it)

    def hold_back(
        self, tenant: str, now: float, period: float, limit: int, origin: float = 0.0
    ) -> float:
        """Seconds `tenant` must wait before asking for a call (0: ask now). Each tenant may
        take up to its share of the app's `limit` per `period`: the limit divided among the
        tenants that asked in this period or the last. Periods are the app's windows: they
        start at `origin` (where the app's current window started) and every `period` after.
        Before anyone has had to wait this is what keeps the first tenants to ask from taking
        a whole minute between them."""
        start = _period_start(now, period, origin)
        with self._cond:
            self._active[tenant] = start
            stale = [t for t, last in self._active.items() if last < start - 1.5 * period]
            for gone in stale:
                del self._active[gone]
                self._used.pop(gone, None)
            share = math.ceil(limit / len(self._active))
            counted, used = self._used.get(tenant, (start, 0))
            if counted != start or used < share:
                return 0.0
            return start + period - now

    def count(self, tenant: str, now: float, period: float, origin: float = 0.0) -> None:
        """A call of `tenant` went out at `now` (for `hold_back`)."""
        start = _period_start(now, period, origin)
        with self._cond:
            counted, used = self._used.get(tenant, (start, 0))
            self._used[tenant] = (start, used + 1 if counted == start else 1)

    def refund(self, tenant: str) -> None:
        """A call of `tenant` let through was refused by Xero (a 429): it was not made, so it
        counts neither towards the tenant's place in the line nor its share of the period;
        its retry asks from the same place."""
        with self._cond:
            if self._served.get(tenant, 0) > 0:
                self._served[tenant] -= 1
            counted, used = self._used.get(tenant, (0.0, 0))
            if used > 0:
                self._used[tenant] = (counted, used - 1)
            self._cond.notify_all()

    def busy(self) -> bool:
        """True while callers are waiting for the app's window."""
        with self._cond:
            return bool(self._waiting)

    def join(self, tenant: str) -> Ticket:
        with self._cond:
            share = max(self._served.get(tenant, 0), self._floor)
            ticket = Ticket(share, next(self._seq), tenant)
            self._waiting.add(ticket)
            return ticket

    def may_go(self, ticket: Ticket) -> bool:
        """True when `ticket` is in the front rank: no one waiting has been served less."""
        with self._cond:
            return self._front(ticket)

    def wait_turn(self, ticket: Ticket) -> None:
        """Block until `ticket` is in the front rank."""
        with self._cond:
            while not self._front(ticket):
                self._cond.wait(_TURN_POLL)

    def _front(self, ticket: Ticket) -> bool:
        return not self._waiting or ticket.share <= min(self._waiting).share

    def served(self, ticket: Ticket | None, tenant: str) -> None:
        """A call of `tenant` was let through (holding `ticket`, or straight past an empty line).

        Every call counts towards the tenant's place; only calls let through the line move the
        line's virtual time on (calls made while no one waited take nothing from anyone)."""
        with self._cond:
            if ticket is None:
                self._served[tenant] = self._served.get(tenant, 0) + 1
                return
            self._served[tenant] = ticket.share + 1
            self._floor = max(self._floor, ticket.share)
            self._waiting.discard(ticket)
            self._cond.notify_all()

    def leave(self, ticket: Ticket) -> None:
        """Step out of the line without a call (held back by something else, or gave up)."""
        with self._cond:
            self._waiting.discard(ticket)
            self._cond.notify_all()


def _period_start(now: float, period: float, origin: float) -> float:
    return origin + math.floor((now - origin) / period) * period

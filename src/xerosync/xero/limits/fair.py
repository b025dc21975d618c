"""A fair share of the app-wide minute across tenants, for the callers of one process.

When the app's minute (10,000 calls across all tenants) is spent, every caller waits for it to
reset. First come, first served, the callers that happen to wake first take the new window, so a
few tenants may get many calls while others get none for several windows. Here the waiting callers
queue instead, and the next call goes to the tenant served least so far (start-time fair queueing
with a cost of one a call): each tenant's place is max(its own count, the count of the last call
let through), so a tenant that was idle joins at the front of the line, not with credit for the
time it did not use. Only the head of the queue asks the budget store; the others wait for their
turn. A caller held back by its own tenant's window (not the app's) steps out of the line so it
blocks nobody.

The line is per process (a `Governor`'s callers); workers in other processes sharing a Redis
budget store each keep their own line, and between them the store stays first come, first served.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass

_TURN_POLL = 0.05  # a waiter looks again this often (real seconds) even if not woken


@dataclass(frozen=True, order=True)
class Ticket:
    """A place in the line: lower `share` first, then earlier `seq`."""

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

    def is_head(self, ticket: Ticket) -> bool:
        with self._cond:
            return bool(self._waiting) and min(self._waiting) == ticket

    def wait_turn(self, ticket: Ticket) -> None:
        """Block until `ticket` is first in line."""
        with self._cond:
            while min(self._waiting) != ticket:
                self._cond.wait(_TURN_POLL)

    def served(self, ticket: Ticket | None, tenant: str) -> None:
        """A call of `tenant` was let through (holding `ticket`, or straight past an empty line)."""
        with self._cond:
            share = (
                ticket.share
                if ticket is not None
                else max(self._served.get(tenant, 0), self._floor)
            )
            self._served[tenant] = share + 1
            self._floor = max(self._floor, share)
            if ticket is not None:
                self._waiting.discard(ticket)
            self._cond.notify_all()

    def leave(self, ticket: Ticket) -> None:
        """Step out of the line without a call (held back by something else, or gave up)."""
        with self._cond:
            self._waiting.discard(ticket)
            self._cond.notify_all()

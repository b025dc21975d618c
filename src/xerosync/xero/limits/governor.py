"""The rate governor: asks the budget store before each call, corrects it after.

Per tenant: `minute`, `day` and `concurrent` limits; per app: `app_minute`, shared by all
tenants (the store is shared too when workers use Redis). Before a call the governor waits
(through the injected clock) while a minute window is spent; a spent day is not waited
out: it raises `RateLimited(scope="day", until=...)` so the caller can schedule the tenant
for later. Waiting for a concurrent slot is waiting for other calls to finish, so it polls
in real time (`pause`), not on the clock.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime

from xerosync.clock import Clock
from xerosync.errors import RateLimited
from xerosync.xero.config import RateLimits
from xerosync.xero.limits.budget import RateProblem, Remaining, Window, longest_block
from xerosync.xero.limits.budget import left as room_left
from xerosync.xero.limits.fair import FairQueue, Ticket
from xerosync.xero.limits.stores import BudgetStore

logger = logging.getLogger("xerosync.xero")

SLOT_LEASE = 300.0  # a slot leaked by a crashed worker frees itself after this long
_SLOT_POLL = 0.01


class Governor:
    def __init__(
        self,
        store: BudgetStore,
        limits: RateLimits,
        clock: Clock,
        *,
        app_key: str,
        pause: Callable[[float], None] = time.sleep,
        fair_share: bool = True,
        slot_lease: float = SLOT_LEASE,
        fair_queue: FairQueue | None = None,
    ) -> None:
        """`fair_queue`: the fair share's line (default: one for this process's callers;
        `RedisFairQueue` shares it with every process using the same Redis)."""
        self.store = store
        self.slot_lease = slot_lease
        self.limits = limits
        self.clock = clock
        self.app_key = app_key
        self.pause = pause
        self.fair: FairQueue | None = (fair_queue or FairQueue()) if fair_share else None
        self._origin = 0.0  # where the app's window last seen started (the fair share's grid)

    # -- windows --------------------------------------------------------------------

    def app_window(self) -> Window:
        limits = self.limits
        return Window(f"{self.app_key}:app", limits.app_minute, limits.minute_seconds, "appminute")

    def tenant_windows(self, tenant: str) -> tuple[Window, Window]:
        limits, key = self.limits, f"{self.app_key}:{tenant}"
        return (
            Window(f"{key}:minute", limits.minute, limits.minute_seconds, "minute"),
            Window(f"{key}:day", limits.day, limits.day_seconds, "day"),
        )

    def windows(self, tenant: str | None) -> list[Window]:
        tenant_part = list(self.tenant_windows(tenant)) if tenant else []
        return [*tenant_part, self.app_window()]

    def _now(self) -> float:
        return self.clock.now().timestamp()

    def left(self, tenant: str | None) -> Remaining:
        """Calls left now in the tenant's minute and day windows and the app's minute, as
        counted here (corrected by Xero's headers on every answer)."""
        now = self._now()
        app = self.app_window()
        app_left = room_left(self.store.state(app), app, now)
        if tenant is None:
            return Remaining(app_minute=app_left)
        minute, day = self.tenant_windows(tenant)
        return Remaining(
            minute=room_left(self.store.state(minute), minute, now),
            day=room_left(self.store.state(day), day, now),
            app_minute=app_left,
        )

    # -- before and after a call ---------------------------------------------------------

    @contextmanager
    def slot(self, tenant: str | None) -> Iterator[float]:
        """Hold a place in every budget for one call; gives the moment it was admitted
        (pass it to `observe`, to tell an answer from an earlier window apart)."""
        admitted = self.acquire(tenant)
        token = self._take_concurrent(tenant)
        try:
            yield admitted
        finally:
            if token is not None:
                self.store.free_slot(f"{self.app_key}:{tenant}:concurrent", token)

    def acquire(self, tenant: str | None) -> float:
        """Wait until every window has room, count the call; returns when it was admitted.

        Tenants share the app's minute (`fair`, unless `fair_share` is off): none takes more
        than its share of a minute while others ask, and while the minute is spent their
        callers queue for it and take the next one's calls in turn, least served first."""
        windows = self.windows(tenant)
        queue = self.fair if tenant is not None else None
        ticket: Ticket | None = None
        try:
            while True:
                if queue is not None:
                    hold = queue.hold_back(
                        str(tenant),
                        self._now(),
                        self.limits.minute_seconds,
                        self.limits.app_minute,
                        self._origin,
                    )
                    if hold > 0:  # this tenant has had its share of the app's minute
                        if ticket is not None:
                            queue.leave(ticket)
                            ticket = None
                        self.clock.sleep(hold)
                        continue
                if queue is not None and ticket is None and queue.busy():
                    ticket = queue.join(str(tenant))
                if queue is not None and ticket is not None:
                    queue.wait_turn(ticket)
                now = self._now()
                verdict = self.store.admit(windows, now, clock=self._now)
                if verdict.origin is not None:
                    self._origin = verdict.origin
                if verdict.wait <= 0:
                    if queue is not None:
                        queue.served(ticket, str(tenant))
                        queue.count(str(tenant), now, self.limits.minute_seconds, self._origin)
                        ticket = None
                    # when it was counted: a shared store may count it later than asked
                    return now if verdict.at is None else verdict.at
                if verdict.scope == "day":
                    until = datetime.fromtimestamp(self._now() + verdict.wait, UTC)
                    raise RateLimited(
                        "the tenant's daily call limit is spent",
                        scope="day",
                        until=until,
                        tenant=tenant,
                    )
                if queue is not None:
                    if verdict.scope == "appminute" and ticket is None:
                        ticket = queue.join(str(tenant))
                        if not queue.may_go(ticket):
                            continue  # wait for our turn, then ask again
                    elif verdict.scope != "appminute" and ticket is not None:
                        queue.leave(ticket)  # our own tenant's window: block nobody
                        ticket = None
                logger.info(
                    "limits.waiting",
                    extra={"tenant": tenant, "scope": verdict.scope, "seconds": verdict.wait},
                )
                self.clock.sleep(verdict.wait)
        finally:
            if queue is not None and ticket is not None:
                queue.leave(ticket)

    def _take_concurrent(self, tenant: str | None) -> str | None:
        if tenant is None:
            return None
        token, key = uuid.uuid4().hex, f"{self.app_key}:{tenant}:concurrent"
        while True:
            now = self._now()
            if self.store.take_slot(key, self.limits.concurrent, token, now + self.slot_lease, now):
                return token
            self.pause(_SLOT_POLL)

    def observe(
        self, tenant: str | None, headers: Mapping[str, str], sent_at: float | None = None
    ) -> None:
        """Correct the estimates from the `X-*-Remaining` headers of a response to a call
        admitted at `sent_at` (default: now)."""
        remaining, now = Remaining.from_headers(headers), self._now()
        sent = now if sent_at is None else sent_at
        # answers to a tenant's calls may arrive out of order by up to its concurrent limit;
        # the app's calls in flight are not bounded so: its reset is believed only from an
        # answer to a call admitted after the lower count arrived (`budget.corrected`)
        app = self.app_window()
        found = [(app, remaining.app_minute, app.limit + 1)]
        if tenant is not None:
            minute, day = self.tenant_windows(tenant)
            slack = self.limits.concurrent
            found += [(minute, remaining.minute, slack), (day, remaining.day, slack)]
        for window, left, rise in found:
            if left is not None:
                self.store.correct(window, left, now, sent_at=sent, slack=rise, clock=self._now)

    def limited(self, tenant: str | None, problem: RateProblem) -> tuple[datetime, bool]:
        """Record a 429. Returns when the limit resets (as far as we know) and whether a
        window now holds later calls back (`acquire` waits); if not, the caller waits.
        The refused call was not made: the tenant keeps its place in the fair share."""
        now = self._now()
        if self.fair is not None and tenant is not None:
            self.fair.refund(tenant)
        window = self._window_for(tenant, problem.scope)
        wait, exact = problem.retry_after, problem.retry_after is not None
        if wait is None:  # no Retry-After (app minute, concurrent): a short, scaled pause
            wait = self.limits.minute_seconds / (10 if window else 60)
        # a minute problem cannot last much more than a minute, nor a day problem a day
        length = window.length if window is not None else self.limits.minute_seconds
        wait = min(wait, longest_block(length))
        logger.warning(
            "limits.rate_limited", extra={"tenant": tenant, "scope": problem.scope, "seconds": wait}
        )
        if window is not None:
            self.store.block(window, now + wait, now, exact=exact, clock=self._now)
        return datetime.fromtimestamp(now + wait, UTC), window is not None

    def _window_for(self, tenant: str | None, scope: str) -> Window | None:
        if scope == "appminute":
            return self.app_window()
        if tenant is None or scope not in ("minute", "day"):
            return None  # concurrent: someone else holds the slots; nothing to count
        minute, day = self.tenant_windows(tenant)
        return day if scope == "day" else minute

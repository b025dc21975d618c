"""A dry run's arithmetic: what a sync would send and read, how many Xero calls that costs, and how
long it takes under Xero's per-tenant budgets. Counts in, a plan out; nothing here reads a clock
or a database (the caller counts the outbox and the cursors, and asks the budget store what is
left today).

    writes   ceil(pending / 50) calls per entity: Xero takes at most 50 records a batch
    reads    ceil(records / 1,000) pages, at least one, when the records the pull will read
             are known (Xero counted them); otherwise one call: what changed since the cursor
             of an entity pulled before, or the first page of a first import
    time     calls back to back at the tenant's minute limit (60) while today's budget (5,000,
             or what the budget store says is left) lasts; past it, each further day's budget
             waits for the next day window, assumed a whole day away (Xero does not say when
             a tenant's day resets)

A first import whose size Xero has not told us is planned as one page, and the plan says it is a
lower bound (`exact` is False).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from xerosync.xero.batching import MAX_BATCH_RECORDS
from xerosync.xero.paging import MAX_PAGE_SIZE

__all__ = [
    "BudgetLeft",
    "ConnectionPlan",
    "EntityPlan",
    "EntityWork",
    "Plan",
    "eta_seconds",
    "plan_connection",
    "plan_entity",
    "plan_sync",
    "pull_calls",
    "write_calls",
]


@dataclass(frozen=True)
class EntityWork:
    """What waits for one entity of one connection."""

    entity: str
    #: outbox rows waiting to be pushed (pending, and in flight: those are sent again)
    to_push: int = 0
    #: pulled before: an incremental pull (changes since the cursor) comes next
    has_cursor: bool = False
    #: records the next pull will read, when Xero counted them (None: not counted)
    to_pull: int | None = None


@dataclass(frozen=True)
class BudgetLeft:
    """A tenant's limits and what is left of them now."""

    per_minute: int = 60
    per_day: int = 5000
    #: calls left in today's window (None: nothing known, a whole day's budget assumed)
    day_left: int | None = None
    minute_seconds: float = 60.0
    day_seconds: float = 86_400.0

    @property
    def today(self) -> int:
        left = self.per_day if self.day_left is None else self.day_left
        return max(0, min(left, self.per_day))


@dataclass(frozen=True)
class EntityPlan:
    entity: str
    push: int
    write_calls: int
    pull_calls: int
    #: records the pull will read, as Xero counted them (None: not counted)
    to_pull: int | None
    #: False when the pull's size is a guess (a first import of unknown size: at least this)
    exact: bool
    first_import: bool

    @property
    def calls(self) -> int:
        return self.write_calls + self.pull_calls


@dataclass(frozen=True)
class ConnectionPlan:
    connection_id: str
    name: str
    entities: tuple[EntityPlan, ...]
    budget: BudgetLeft

    @property
    def calls(self) -> int:
        return sum(e.calls for e in self.entities)

    @property
    def write_calls(self) -> int:
        return sum(e.write_calls for e in self.entities)

    @property
    def pull_calls(self) -> int:
        return sum(e.pull_calls for e in self.entities)

    @property
    def to_push(self) -> int:
        return sum(e.push for e in self.entities)

    @property
    def exact(self) -> bool:
        return all(e.exact for e in self.entities)

    @property
    def minutes(self) -> float:
        """At the minute limit, budgets permitting: the pace of the work itself."""
        return self.calls / self.budget.per_minute * self.budget.minute_seconds / 60

    @property
    def days(self) -> float:
        """The work in days' budgets (1.0: a whole day's calls)."""
        return self.calls / self.budget.per_day

    @property
    def fits_today(self) -> bool:
        return self.calls <= self.budget.today

    @property
    def eta_seconds(self) -> float:
        return eta_seconds(self.calls, self.budget)


@dataclass(frozen=True)
class Plan:
    connections: tuple[ConnectionPlan, ...] = field(default_factory=tuple)

    @property
    def calls(self) -> int:
        return sum(c.calls for c in self.connections)

    @property
    def fits_today(self) -> bool:
        return all(c.fits_today for c in self.connections)

    @property
    def exact(self) -> bool:
        return all(c.exact for c in self.connections)

    @property
    def eta_seconds(self) -> float:
        """Connections are separate tenants with separate budgets, worked side by side: the
        slowest one sets the time (run one after another, as `xerosync sync` does, they add up)."""
        return max((c.eta_seconds for c in self.connections), default=0.0)


def write_calls(pending: int) -> int:
    """Batch writes for `pending` records of one entity."""
    return math.ceil(max(0, pending) / MAX_BATCH_RECORDS)


def pull_calls(to_pull: int | None) -> int:
    """Reads for one entity's next pull: the pages of the records Xero counted, else one call
    (the changes since the cursor, or the first page of a first import). One at least: a first
    page answers even when there is nothing."""
    if to_pull is None:
        return 1
    return max(1, math.ceil(max(0, to_pull) / MAX_PAGE_SIZE))


def eta_seconds(calls: int, budget: BudgetLeft) -> float:
    """How long `calls` take, made back to back at the minute limit: today's window holds what
    is left of today's budget and ends at most a day from now; each later window a day's
    budget. A window's budget the pace cannot spend in time is lost (a slow minute limit)."""
    per_call = budget.minute_seconds / budget.per_minute
    spent = 0.0
    left, allowance, window_end = max(0, calls), budget.today, budget.day_seconds
    while left:
        room = max(1, math.floor((window_end - spent) / per_call))
        made = min(left, allowance, room)
        spent += made * per_call
        left -= made
        if left:  # the next window: its budget, from its start
            spent = max(spent, window_end)
            window_end += budget.day_seconds
            allowance = budget.per_day
    return spent


def plan_entity(work: EntityWork, *, push: bool = True, pull: bool = True) -> EntityPlan:
    to_push = max(0, work.to_push) if push else 0
    reads = pull_calls(work.to_pull) if pull else 0
    return EntityPlan(
        entity=work.entity,
        push=to_push,
        write_calls=write_calls(to_push),
        pull_calls=reads,
        to_pull=work.to_pull if pull else None,
        exact=not pull or work.has_cursor or work.to_pull is not None,
        first_import=pull and not work.has_cursor,
    )


def plan_connection(
    connection_id: str,
    work: Iterable[EntityWork],
    budget: BudgetLeft,
    *,
    name: str = "",
    push: bool = True,
    pull: bool = True,
) -> ConnectionPlan:
    return ConnectionPlan(
        connection_id=connection_id,
        name=name,
        entities=tuple(plan_entity(w, push=push, pull=pull) for w in work),
        budget=budget,
    )


def plan_sync(connections: Sequence[ConnectionPlan]) -> Plan:
    return Plan(tuple(connections))

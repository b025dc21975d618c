"""The dry run's arithmetic (`xerosync.sync.plan`), as properties over any backlog and budget."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xerosync.sync.plan import (
    BudgetLeft,
    EntityWork,
    eta_seconds,
    plan_connection,
    plan_entity,
    plan_sync,
    pull_calls,
    write_calls,
)

ENTITIES = ("contacts", "invoices", "credit_notes", "payments")

work = st.builds(
    EntityWork,
    entity=st.sampled_from(ENTITIES),
    to_push=st.integers(0, 100_000),
    has_cursor=st.booleans(),
    to_pull=st.none() | st.integers(0, 2_000_000),
)
budgets = st.builds(
    BudgetLeft,
    per_minute=st.integers(1, 120),
    per_day=st.integers(100, 10_000),
    day_left=st.none() | st.integers(0, 10_000),
)


@pytest.mark.parametrize(
    ("pending", "calls"), [(0, 0), (1, 1), (49, 1), (50, 1), (51, 2), (100, 2), (5_001, 101)]
)
def test_writes_go_50_to_a_call(pending: int, calls: int) -> None:
    assert write_calls(pending) == calls


@pytest.mark.parametrize(
    ("to_pull", "calls"),
    [
        (None, 1),  # uncounted: the changes since the cursor, or a first import's first page
        (0, 1),
        (1_000, 1),
        (1_001, 2),
        (50_000, 50),  # a busy month's changes, counted
        (250_000, 250),  # years of history
    ],
)
def test_reads_are_pages_of_1000_of_what_was_counted_or_one(
    to_pull: int | None, calls: int
) -> None:
    assert pull_calls(to_pull) == calls


def test_a_days_work_past_the_budget_waits_for_the_next_window() -> None:
    budget = BudgetLeft(per_minute=60, per_day=5000, day_left=100)
    assert eta_seconds(100, budget) == 100.0  # a call a second
    assert eta_seconds(101, budget) == 86_400 + 1.0
    assert eta_seconds(100 + 5000, budget) == 86_400 + 5000.0
    assert eta_seconds(100 + 5001, budget) == 2 * 86_400 + 1.0


@given(st.lists(work, max_size=6), budgets, st.booleans(), st.booleans())
def test_a_connections_calls_add_up_from_its_entities(
    items: list[EntityWork], budget: BudgetLeft, push: bool, pull: bool
) -> None:
    plan = plan_connection("c1", items, budget, push=push, pull=pull)
    assert plan.calls == plan.write_calls + plan.pull_calls
    assert plan.write_calls == (sum(write_calls(w.to_push) for w in items) if push else 0)
    assert plan.pull_calls == (sum(pull_calls(w.to_pull) for w in items) if pull else 0)
    assert plan.fits_today == (plan.calls <= budget.today)
    assert plan.exact == all(not pull or w.has_cursor or w.to_pull is not None for w in items)


@given(work, budgets)
def test_every_record_pending_is_in_some_batch_and_no_batch_is_empty(
    item: EntityWork, budget: BudgetLeft
) -> None:
    planned = plan_entity(item)
    assert planned.write_calls * 50 >= item.to_push > (planned.write_calls - 1) * 50 or (
        item.to_push == planned.write_calls == 0
    )
    assert planned.pull_calls >= 1


@given(st.integers(0, 50_000), budgets)
def test_time_keeps_to_both_the_minute_and_the_day_budgets(calls: int, budget: BudgetLeft) -> None:
    eta = eta_seconds(calls, budget)
    per_call = 60 / budget.per_minute
    assert eta >= calls * per_call - 1e-6
    if calls > budget.today:  # each day window after today holds a day's budget at most
        assert eta >= math.ceil((calls - budget.today) / budget.per_day) * 86_400
    elif calls * per_call <= 86_400:  # today's budget suffices: no waiting at all
        assert eta == pytest.approx(calls * per_call)


@given(st.integers(0, 50_000), st.integers(0, 500), budgets)
def test_more_work_never_takes_less_time(calls: int, more: int, budget: BudgetLeft) -> None:
    assert eta_seconds(calls + more, budget) >= eta_seconds(calls, budget)


@given(st.lists(st.tuples(st.lists(work, max_size=4), budgets), max_size=4))
def test_a_plan_fits_when_every_tenant_fits_and_takes_as_long_as_the_slowest(
    connections: list[tuple[list[EntityWork], BudgetLeft]],
) -> None:
    plans = [plan_connection(f"c{i}", w, b) for i, (w, b) in enumerate(connections)]
    plan = plan_sync(plans)
    assert plan.calls == sum(p.calls for p in plans)
    assert plan.fits_today == all(p.fits_today for p in plans)
    assert plan.eta_seconds == max((p.eta_seconds for p in plans), default=0.0)

"""Properties of the three-way merge over random records, edits and rule books."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from xerosync.sync import MergeResult, Rule, RuleBook, Side, merge, normalise, resolve

ENTITY = "contacts"
KEYS = st.sampled_from(["Name", "Email", "Phone", "Total", "Address", "Lines"])
DELETE = object()
VALUES = st.one_of(
    st.integers(0, 3),
    st.sampled_from(["a", "b", ""]),
    st.sampled_from([Decimal("1"), Decimal("1.00"), Decimal("2.5"), Decimal("2.50")]),
    st.dictionaries(st.sampled_from(["City", "Code"]), st.one_of(st.none(), st.integers(0, 2))),
    st.lists(st.integers(0, 2), max_size=3),
)
RECORDS = st.dictionaries(KEYS, st.one_of(st.none(), VALUES), max_size=6)
EDITS = st.dictionaries(KEYS, st.one_of(st.just(DELETE), st.none(), VALUES), max_size=4)
TIMES = st.one_of(st.none(), st.sampled_from([datetime(2026, 1, d, tzinfo=UTC) for d in (1, 2)]))


def rulebooks(
    rules: st.SearchStrategy[Rule] = st.sampled_from(Rule),
) -> st.SearchStrategy[RuleBook]:
    return st.builds(
        RuleBook,
        default=rules,
        entities=st.dictionaries(st.just(ENTITY), rules),
        fields=st.dictionaries(st.just(ENTITY), st.dictionaries(KEYS, rules)),
    )


NO_MANUAL = rulebooks(st.sampled_from([r for r in Rule if r is not Rule.MANUAL]))


def edited(base: dict[str, Any], edits: dict[str, Any]) -> dict[str, Any]:
    record = dict(base)
    for key, value in edits.items():
        if value is DELETE:
            record.pop(key, None)
        else:
            record[key] = value
    return record


def applied(side: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """What a side holds after taking the merge's changes (None clears a field)."""
    return normalise({**side, **changes})


def without(record: dict[str, Any], fields: set[str]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key not in fields}


def run(
    base: dict[str, Any] | None,
    app: dict[str, Any],
    xero: dict[str, Any],
    book: RuleBook,
    origin: Side,
    app_at: datetime | None,
    xero_at: datetime | None,
) -> MergeResult:
    return merge(
        base,
        app,
        xero,
        entity=ENTITY,
        rules=book,
        origin=origin,
        app_changed_at=app_at,
        xero_changed_at=xero_at,
    )


common = {
    "base": RECORDS,
    "app_edits": EDITS,
    "xero_edits": EDITS,
    "origin": st.sampled_from(Side),
    "app_at": TIMES,
    "xero_at": TIMES,
    "never_synced": st.booleans(),
}


@given(book=rulebooks(), **common)
def test_taking_the_changes_brings_each_side_to_merged_except_pending(
    base: dict[str, Any],
    app_edits: dict[str, Any],
    xero_edits: dict[str, Any],
    origin: Side,
    app_at: datetime | None,
    xero_at: datetime | None,
    never_synced: bool,
    book: RuleBook,
) -> None:
    app, xero = edited(base, app_edits), edited(base, xero_edits)
    result = run(None if never_synced else base, app, xero, book, origin, app_at, xero_at)
    waiting = {conflict.field for conflict in result.pending}
    merged = without(normalise(result.merged), waiting)
    assert without(applied(xero, result.to_xero), waiting) == merged
    assert without(applied(app, result.to_app), waiting) == merged
    assert not waiting & (result.to_xero.keys() | result.to_app.keys())
    for name in waiting:  # a pending field keeps Xero's value for now
        assert normalise(result.merged).get(name) == normalise(xero).get(name)


@given(book=NO_MANUAL, **common)
def test_without_manual_rules_both_sides_end_equal(
    base: dict[str, Any],
    app_edits: dict[str, Any],
    xero_edits: dict[str, Any],
    origin: Side,
    app_at: datetime | None,
    xero_at: datetime | None,
    never_synced: bool,
    book: RuleBook,
) -> None:
    app, xero = edited(base, app_edits), edited(base, xero_edits)
    result = run(None if never_synced else base, app, xero, book, origin, app_at, xero_at)
    assert result.pending == ()
    assert applied(app, result.to_app) == applied(xero, result.to_xero) == normalise(result.merged)


@given(book=rulebooks(), **common)
def test_every_two_sided_difference_under_manual_waits_and_nothing_else_does(
    base: dict[str, Any],
    app_edits: dict[str, Any],
    xero_edits: dict[str, Any],
    origin: Side,
    app_at: datetime | None,
    xero_at: datetime | None,
    never_synced: bool,
    book: RuleBook,
) -> None:
    app, xero = edited(base, app_edits), edited(base, xero_edits)
    result = run(None if never_synced else base, app, xero, book, origin, app_at, xero_at)
    n_app, n_xero = normalise(app), normalise(xero)
    n_base = None if never_synced else normalise(base)
    expected = {
        name
        for name in n_app.keys() | n_xero.keys()
        if n_app.get(name) != n_xero.get(name)
        and (n_base is None or n_base.get(name) not in (n_app.get(name), n_xero.get(name)))
        and book.rule_for(ENTITY, name) is Rule.MANUAL
    }
    assert {conflict.field for conflict in result.pending} == expected
    assert all(conflict.winner is None for conflict in result.pending)
    assert all(conflict.winner is not None for conflict in result.decided)


@given(book=rulebooks(), **common)
def test_a_field_only_one_side_changed_takes_that_change(
    base: dict[str, Any],
    app_edits: dict[str, Any],
    xero_edits: dict[str, Any],
    origin: Side,
    app_at: datetime | None,
    xero_at: datetime | None,
    never_synced: bool,
    book: RuleBook,
) -> None:
    app, xero = edited(base, app_edits), edited(base, xero_edits)
    result = run(base, app, xero, book, origin, app_at, xero_at)
    n_base, n_app, n_xero = normalise(base), normalise(app), normalise(xero)
    merged = normalise(result.merged)
    for name in n_base.keys() | n_app.keys() | n_xero.keys():
        b, a, x = n_base.get(name), n_app.get(name), n_xero.get(name)
        if (a != b) != (x != b):  # exactly one side changed it
            assert merged.get(name) == (a if a != b else x) != b


@given(
    base=st.one_of(st.none(), RECORDS),
    record=RECORDS,
    book=rulebooks(),
    origin=st.sampled_from(Side),
)
def test_identical_sides_are_in_step(
    base: dict[str, Any] | None, record: dict[str, Any], book: RuleBook, origin: Side
) -> None:
    result = merge(base, record, dict(record), entity=ENTITY, rules=book, origin=origin)
    assert result.in_step
    assert normalise(result.merged) == normalise(record)


CHOICES = st.one_of(st.sampled_from(Side), st.tuples(st.just("edit"), st.one_of(st.none(), VALUES)))


@given(book=rulebooks(), choices=st.lists(CHOICES, min_size=6, max_size=6), **common)
def test_settling_every_pending_field_brings_both_sides_in_step(
    base: dict[str, Any],
    app_edits: dict[str, Any],
    xero_edits: dict[str, Any],
    origin: Side,
    app_at: datetime | None,
    xero_at: datetime | None,
    never_synced: bool,
    book: RuleBook,
    choices: list[Any],
) -> None:
    app, xero = edited(base, app_edits), edited(base, xero_edits)
    result = run(None if never_synced else base, app, xero, book, origin, app_at, xero_at)
    settled = resolve(result, {c.field: choices[i] for i, c in enumerate(result.pending)})
    assert settled.pending == ()
    assert (
        applied(app, settled.to_app) == applied(xero, settled.to_xero) == normalise(settled.merged)
    )
    again = run(
        settled.merged,
        applied(app, settled.to_app),
        applied(xero, settled.to_xero),
        book,
        origin,
        app_at,
        xero_at,
    )
    assert again.in_step

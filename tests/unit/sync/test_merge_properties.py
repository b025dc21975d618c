"""Properties of the three-way merge over random records, edits on each side and rule books."""

from __future__ import annotations

from dataclasses import dataclass
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
ANY_RULE = st.sampled_from(Rule)
NO_MANUAL = st.sampled_from([rule for rule in Rule if rule is not Rule.MANUAL])


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


@dataclass(frozen=True)
class Case:
    base: dict[str, Any] | None  # None: never synced
    app: dict[str, Any]
    xero: dict[str, Any]
    book: RuleBook
    origin: Side
    app_at: datetime | None
    xero_at: datetime | None

    def merge(self) -> MergeResult:
        return merge(
            self.base,
            self.app,
            self.xero,
            entity=ENTITY,
            rules=self.book,
            origin=self.origin,
            app_changed_at=self.app_at,
            xero_changed_at=self.xero_at,
        )


@st.composite
def cases(draw: st.DrawFn, rules: st.SearchStrategy[Rule] = ANY_RULE, synced: bool = False) -> Case:
    base = draw(RECORDS)
    book = RuleBook(
        default=draw(rules),
        entities=draw(st.dictionaries(st.just(ENTITY), rules)),
        fields=draw(st.dictionaries(st.just(ENTITY), st.dictionaries(KEYS, rules))),
    )
    never_synced = not synced and draw(st.booleans())
    return Case(
        None if never_synced else base,
        edited(base, draw(EDITS)),
        edited(base, draw(EDITS)),
        book,
        draw(st.sampled_from(Side)),
        draw(TIMES),
        draw(TIMES),
    )


@given(cases())
def test_taking_the_changes_brings_each_side_to_merged_except_pending(case: Case) -> None:
    result = case.merge()
    waiting = {conflict.field for conflict in result.pending}
    merged = without(normalise(result.merged), waiting)
    assert without(applied(case.xero, result.to_xero), waiting) == merged
    assert without(applied(case.app, result.to_app), waiting) == merged
    assert not waiting & (result.to_xero.keys() | result.to_app.keys())
    for name in waiting:  # a pending field keeps Xero's value for now
        assert normalise(result.merged).get(name) == normalise(case.xero).get(name)


@given(cases(NO_MANUAL))
def test_without_manual_rules_both_sides_end_equal(case: Case) -> None:
    result = case.merge()
    assert result.pending == ()
    assert (
        applied(case.app, result.to_app)
        == applied(case.xero, result.to_xero)
        == normalise(result.merged)
    )


@given(cases())
def test_every_two_sided_difference_under_manual_waits_and_nothing_else_does(case: Case) -> None:
    result = case.merge()
    n_app, n_xero = normalise(case.app), normalise(case.xero)
    n_base = None if case.base is None else normalise(case.base)
    expected = {
        name
        for name in n_app.keys() | n_xero.keys()
        if n_app.get(name) != n_xero.get(name)
        and (n_base is None or n_base.get(name) not in (n_app.get(name), n_xero.get(name)))
        and case.book.rule_for(ENTITY, name) is Rule.MANUAL
    }
    assert {conflict.field for conflict in result.pending} == expected
    assert all(conflict.winner is None for conflict in result.pending)
    assert all(conflict.winner is not None for conflict in result.decided)


@given(cases(synced=True))
def test_a_field_only_one_side_changed_takes_that_change(case: Case) -> None:
    assert case.base is not None
    n_base, n_app, n_xero = normalise(case.base), normalise(case.app), normalise(case.xero)
    merged = normalise(case.merge().merged)
    for name in n_base.keys() | n_app.keys() | n_xero.keys():
        b, a, x = n_base.get(name), n_app.get(name), n_xero.get(name)
        if (a != b) != (x != b):  # exactly one side changed it
            assert merged.get(name) == (a if a != b else x) != b


@given(base=st.one_of(st.none(), RECORDS), record=RECORDS, case=cases())
def test_identical_sides_are_in_step(
    base: dict[str, Any] | None, record: dict[str, Any], case: Case
) -> None:
    result = merge(base, record, dict(record), entity=ENTITY, rules=case.book, origin=case.origin)
    assert result.in_step
    assert normalise(result.merged) == normalise(record)


CHOICES = st.one_of(st.sampled_from(Side), st.tuples(st.just("edit"), st.one_of(st.none(), VALUES)))


@given(cases(), st.lists(CHOICES, min_size=6, max_size=6))
def test_settling_every_pending_field_brings_both_sides_in_step(
    case: Case, choices: list[Any]
) -> None:
    result = case.merge()
    settled = resolve(result, {c.field: choices[i] for i, c in enumerate(result.pending)})
    assert settled.pending == ()
    app, xero = applied(case.app, settled.to_app), applied(case.xero, settled.to_xero)
    assert app == xero == normalise(settled.merged)
    again = Case(settled.merged, app, xero, case.book, case.origin, case.app_at, case.xero_at)
    assert again.merge().in_step

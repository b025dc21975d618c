"""Three-way merge of one record, and a person settling what the rules left to them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from xerosync.sync import FieldConflict, Rule, RuleBook, Side, merge, resolve

BASE = {"Name": "Acme", "Email": "a@acme.test", "Phone": "111", "Total": Decimal("10.00")}
EARLY = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
LATE = EARLY + timedelta(minutes=5)


def run(
    app: dict[str, object],
    xero: dict[str, object],
    *,
    rules: RuleBook = RuleBook(),
    origin: Side = Side.APP,
    base: dict[str, object] | None = BASE,
    **times: datetime,
):
    return merge(base, app, xero, entity="contacts", rules=rules, origin=origin, **times)


def test_unchanged_record_is_in_step() -> None:
    result = run(dict(BASE), {**BASE, "Total": Decimal("10")})
    assert result.in_step
    assert result.merged == BASE


def test_one_side_edits_flow_to_the_other_side() -> None:
    result = run({**BASE, "Name": "Acme Ltd"}, {**BASE, "Phone": "222"})
    assert result.merged == {**BASE, "Name": "Acme Ltd", "Phone": "222"}
    assert result.to_xero == {"Name": "Acme Ltd"}
    assert result.to_app == {"Phone": "222"}
    assert result.decided == result.pending == ()
    assert not result.in_step


def test_same_edit_on_both_sides_is_not_a_conflict() -> None:
    result = run(
        {**BASE, "Name": "Acme Ltd"},
        {**BASE, "Name": "Acme Ltd"},
        rules=RuleBook(default=Rule.MANUAL),
    )
    assert result.in_step
    assert result.merged["Name"] == "Acme Ltd"


@pytest.mark.parametrize(
    ("rule", "origin", "times", "winner"),
    [
        (Rule.ORIGIN_WINS, Side.APP, {}, Side.APP),
        (Rule.ORIGIN_WINS, Side.XERO, {}, Side.XERO),
        (Rule.APP_WINS, Side.XERO, {}, Side.APP),
        (Rule.XERO_WINS, Side.APP, {}, Side.XERO),
        (Rule.LATEST_WINS, Side.XERO, {"app_changed_at": LATE, "xero_changed_at": EARLY}, Side.APP),
        (Rule.LATEST_WINS, Side.APP, {"app_changed_at": EARLY, "xero_changed_at": LATE}, Side.XERO),
        (Rule.LATEST_WINS, Side.APP, {"app_changed_at": LATE}, Side.XERO),
    ],
)
def test_each_rule_settles_a_two_sided_edit(
    rule: Rule, origin: Side, times: dict[str, datetime], winner: Side
) -> None:
    app, xero = {**BASE, "Name": "App name"}, {**BASE, "Name": "Xero name"}
    result = run(app, xero, rules=RuleBook(default=rule), origin=origin, **times)
    expected = "App name" if winner is Side.APP else "Xero name"
    assert result.merged["Name"] == expected
    assert result.decided == (FieldConflict("Name", "Acme", "App name", "Xero name", rule, winner),)
    assert result.pending == ()
    assert (result.to_xero, result.to_app) == (
        ({"Name": expected}, {}) if winner is Side.APP else ({}, {"Name": expected})
    )


def test_manual_field_waits_while_every_other_field_merges() -> None:
    rules = RuleBook(fields={"contacts": {"Email": Rule.MANUAL}})
    app = {**BASE, "Email": "app@acme.test", "Name": "Acme Ltd"}
    xero = {**BASE, "Email": "xero@acme.test", "Phone": "222"}
    result = run(app, xero, rules=rules)
    assert result.pending == (
        FieldConflict("Email", "a@acme.test", "app@acme.test", "xero@acme.test", Rule.MANUAL, None),
    )
    assert result.merged["Email"] == "xero@acme.test"  # provisional: Xero's value
    assert result.to_xero == {"Name": "Acme Ltd"}  # nothing moves for Email ...
    assert result.to_app == {"Phone": "222"}  # ... but the rest does
    assert not result.in_step


def test_only_a_pending_conflict_is_not_in_step() -> None:
    rules = RuleBook(default=Rule.MANUAL)
    result = run({**BASE, "Name": "A"}, {**BASE, "Name": "X"}, rules=rules)
    assert (result.to_xero, result.to_app) == ({}, {})
    assert not result.in_step


def test_a_deletion_on_one_side_is_a_change_that_flows() -> None:
    app = {k: v for k, v in BASE.items() if k != "Phone"}
    xero = {**BASE, "Email": None}  # None is the same as absent
    result = run(app, xero)
    assert "Phone" not in result.merged
    assert "Email" not in result.merged
    assert result.to_xero == {"Phone": None}  # None: clear the field
    assert result.to_app == {"Email": None}


def test_a_field_added_on_one_side_is_kept() -> None:
    result = run({**BASE, "Website": "acme.test"}, dict(BASE))
    assert result.merged["Website"] == "acme.test"
    assert result.to_xero == {"Website": "acme.test"}


def test_delete_against_edit_is_a_conflict_the_rule_settles() -> None:
    app = {k: v for k, v in BASE.items() if k != "Phone"}
    xero = {**BASE, "Phone": "999"}
    kept = run(app, xero, rules=RuleBook(default=Rule.XERO_WINS))
    assert kept.merged["Phone"] == "999"
    assert kept.to_app == {"Phone": "999"}
    deleted = run(app, xero, rules=RuleBook(default=Rule.APP_WINS))
    assert "Phone" not in deleted.merged
    assert deleted.to_xero == {"Phone": None}
    assert deleted.decided[0].app is None


def test_never_synced_record_treats_every_difference_as_two_sided() -> None:
    app = {"Name": "Acme", "Phone": "111", "Email": "a@acme.test"}
    xero = {"Name": "Acme", "Phone": "222", "Website": "acme.test"}
    result = run(app, xero, base=None, rules=RuleBook(default=Rule.APP_WINS))
    assert result.merged == {"Name": "Acme", "Phone": "111", "Email": "a@acme.test"}
    assert {c.field for c in result.decided} == {"Phone", "Email", "Website"}
    assert all(c.base is None for c in result.decided)
    assert result.to_xero == {"Email": "a@acme.test", "Phone": "111", "Website": None}
    assert result.to_app == {}


def test_nested_values_are_compared_whole_and_money_by_value() -> None:
    base = {"Address": {"City": "Leeds", "Postcode": "LS1"}, "Total": Decimal("5")}
    app = {"Address": {"Postcode": "LS1", "City": "Leeds"}, "Total": Decimal("5.00")}
    xero = {"Address": {"City": "York", "Postcode": "LS1"}, "Total": Decimal("5.0")}
    result = run(app, xero, base=base)
    assert result.to_app == {"Address": {"City": "York", "Postcode": "LS1"}}
    assert result.to_xero == {}


def pending_result():
    rules = RuleBook(default=Rule.MANUAL)
    app = {**BASE, "Name": "App name", "Phone": "333"}
    xero = {**BASE, "Name": "Xero name", "Phone": "444", "Email": "new@acme.test"}
    return run(app, xero, rules=rules)


def test_resolve_keep_app() -> None:
    result = resolve(pending_result(), {"Name": Side.APP})
    assert result.merged["Name"] == "App name"
    assert result.to_xero == {"Name": "App name"}
    assert result.to_app == {"Email": "new@acme.test"}
    assert [c.field for c in result.pending] == ["Phone"]  # still waiting
    assert result.decided[-1].winner is Side.APP


def test_resolve_keep_xero_and_edit() -> None:
    result = resolve(pending_result(), {"Name": Side.XERO, "Phone": ("edit", "555")})
    assert result.pending == ()
    assert result.merged == {**BASE, "Name": "Xero name", "Phone": "555", "Email": "new@acme.test"}
    assert result.to_xero == {"Phone": "555"}
    assert result.to_app == {"Email": "new@acme.test", "Name": "Xero name", "Phone": "555"}
    assert [(c.field, c.winner) for c in result.decided] == [("Name", Side.XERO)]


def test_resolve_with_an_edit_that_clears_the_field() -> None:
    result = resolve(pending_result(), {"Phone": ("edit", None), "Name": Side.XERO})
    assert "Phone" not in result.merged
    assert result.to_xero == {"Phone": None}
    assert result.to_app["Phone"] is None


def test_resolve_refuses_fields_not_waiting_and_unknown_choices() -> None:
    with pytest.raises(ValueError, match=r"no pending conflict for field\(s\) 'Email'"):
        resolve(pending_result(), {"Email": Side.APP})
    with pytest.raises(ValueError, match=r"choose Side\.APP, Side\.XERO or"):
        resolve(pending_result(), {"Name": ("keep", "x")})  # type: ignore[dict-item]


def test_resolving_everything_brings_both_sides_in_step() -> None:
    first = resolve(pending_result(), {"Name": Side.APP, "Phone": Side.XERO})
    app = {**BASE, "Name": "App name", "Phone": "333", **first.to_app}
    xero = {**BASE, "Name": "Xero name", "Phone": "444", "Email": "new@acme.test", **first.to_xero}
    assert app == xero == first.merged
    assert merge(
        first.merged,
        app,
        xero,
        entity="contacts",
        rules=RuleBook(default=Rule.MANUAL),
        origin=Side.APP,
    ).in_step

"""Which side wins a field both sides changed, and how operators spell the rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from xerosync.sync import Rule, RuleBook, Side, winner

EARLY = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
LATE = EARLY + timedelta(seconds=1)


@pytest.mark.parametrize(
    ("rule", "origin", "app_at", "xero_at", "expected"),
    [
        (Rule.ORIGIN_WINS, Side.APP, None, None, Side.APP),
        (Rule.ORIGIN_WINS, Side.XERO, LATE, EARLY, Side.XERO),
        (Rule.APP_WINS, Side.XERO, EARLY, LATE, Side.APP),
        (Rule.XERO_WINS, Side.APP, LATE, EARLY, Side.XERO),
        (Rule.LATEST_WINS, Side.APP, LATE, EARLY, Side.APP),
        (Rule.LATEST_WINS, Side.APP, EARLY, LATE, Side.XERO),
        (Rule.LATEST_WINS, Side.APP, EARLY, EARLY, Side.XERO),  # tie: Xero is the ledger
        (Rule.LATEST_WINS, Side.APP, LATE, None, Side.XERO),  # unknown time: Xero
        (Rule.LATEST_WINS, Side.APP, None, EARLY, Side.XERO),
        (Rule.LATEST_WINS, Side.APP, None, None, Side.XERO),
        (Rule.MANUAL, Side.APP, LATE, EARLY, None),
        (Rule.MANUAL, Side.XERO, None, None, None),
    ],
)
def test_winner(
    rule: Rule,
    origin: Side,
    app_at: datetime | None,
    xero_at: datetime | None,
    expected: Side | None,
) -> None:
    assert winner(rule, origin=origin, app_changed_at=app_at, xero_changed_at=xero_at) is expected


def test_latest_wins_compares_instants_across_offsets_and_reads_naive_times_as_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    app_at = datetime(2026, 3, 1, 10, 30, tzinfo=plus_two)  # 08:30 UTC
    assert (
        winner(Rule.LATEST_WINS, origin=Side.APP, app_changed_at=app_at, xero_changed_at=EARLY)
        is Side.XERO
    )
    naive_later = datetime(2026, 3, 1, 9, 0, 5)
    assert (
        winner(
            Rule.LATEST_WINS, origin=Side.XERO, app_changed_at=naive_later, xero_changed_at=EARLY
        )
        is Side.APP
    )


BOOK = RuleBook(
    default=Rule.APP_WINS,
    entities={"contacts": Rule.MANUAL},
    fields={"contacts": {"EmailAddress": Rule.XERO_WINS}, "invoices": {"Status": Rule.XERO_WINS}},
)


@pytest.mark.parametrize(
    ("entity", "field", "expected"),
    [
        ("contacts", "EmailAddress", Rule.XERO_WINS),  # field rule beats entity rule
        ("contacts", "Name", Rule.MANUAL),  # entity rule
        ("invoices", "Status", Rule.XERO_WINS),  # field rule beats default
        ("invoices", "Reference", Rule.APP_WINS),  # default
        ("payments", "EmailAddress", Rule.APP_WINS),  # field rules are per entity
    ],
)
def test_rule_for_looks_up_field_then_entity_then_default(
    entity: str, field: str, expected: Rule
) -> None:
    assert BOOK.rule_for(entity, field) is expected


def test_default_rulebook_is_origin_wins() -> None:
    assert RuleBook().rule_for("invoices", "Total") is Rule.ORIGIN_WINS
    assert RuleBook.parse({}) == RuleBook()


def test_parse_reads_settings_text() -> None:
    book = RuleBook.parse(
        {
            "default": "latest_wins",
            "entities": {"contacts": "manual"},
            "fields": {"contacts": {"EmailAddress": "xero_wins"}},
        }
    )
    assert book.default is Rule.LATEST_WINS
    assert book.rule_for("contacts", "Name") is Rule.MANUAL
    assert book.rule_for("contacts", "EmailAddress") is Rule.XERO_WINS
    assert book.rule_for("invoices", "Total") is Rule.LATEST_WINS
    assert RuleBook.parse({"entities": {"contacts": Rule.MANUAL}}).entities == {
        "contacts": Rule.MANUAL
    }


ALLOWED = "allowed: app_wins, latest_wins, manual, origin_wins, xero_wins"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"default": "newest"}, f"unknown conflict rule 'newest' for default; {ALLOWED}"),
        (
            {"entities": {"contacts": "by_hand"}},
            f"unknown conflict rule 'by_hand' for contacts; {ALLOWED}",
        ),
        (
            {"fields": {"contacts": {"EmailAddress": "xero"}}},
            f"unknown conflict rule 'xero' for contacts.EmailAddress; {ALLOWED}",
        ),
        ({"entites": {}}, "unknown section(s) 'entites'; allowed: default, entities, fields"),
        ({"fields": {"contacts": "manual"}}, "fields.contacts must be a mapping, not str"),
    ],
)
def test_parse_refuses_typos_saying_where_and_what_is_allowed(
    data: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError) as caught:
        RuleBook.parse(data)
    assert message in str(caught.value)

"""The `where` / `order` language: a table of expressions, and Xero's QueryParseException."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.conftest import RunningEmulator
from tests.support.books_api import api_client
from xerosync.emulator.books.query import QueryError, parse_order, parse_where, sort_key

ACME = {
    "Name": "Acme Ltd",
    "Status": "AUTHORISED",
    "Type": "ACCREC",
    "Total": Decimal("115.00"),
    "Date": date(2026, 3, 31),
    "UpdatedDateUTC": datetime(2026, 4, 1, 9, 30, tzinfo=UTC),
    "EmailAddress": "ap@acme.example",
    "IsSupplier": False,
    "ContactID": "5cc8cf28-567e-4d43-b287-687cfcaec47c",
    "Contact": {"ContactID": "5cc8cf28-567e-4d43-b287-687cfcaec47c", "Name": "Acme Ltd"},
}
FIELDS = list(ACME)


def matches(expression: str, record: dict[str, Any] = ACME) -> bool:
    return parse_where(expression, FIELDS, "Invoice").predicate(record)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('Status=="AUTHORISED"', True),
        ('Status == "DRAFT"', False),
        ('Status = "AUTHORISED"', True),
        ('Status!="DRAFT"', True),
        ('status=="authorised"', True),
        ('Status=="AUTHORISED" AND Type=="ACCREC"', True),
        ('Status=="AUTHORISED" && Type=="ACCPAY"', False),
        ('Status=="DRAFT" OR Type=="ACCREC"', True),
        ('Status=="DRAFT" || Type=="ACCPAY"', False),
        ('(Status=="DRAFT" OR Status=="AUTHORISED") AND Type=="ACCREC"', True),
        ('NOT(Status=="DRAFT")', True),
        ("Total > 100", True),
        ("Total >= 115", True),
        ("Total < 115", False),
        ("Total <= 115.00", True),
        ("Total != 115", False),
        ('Name.Contains("acme")', True),
        ('Name.StartsWith("Ac")', True),
        ('Name.EndsWith("Ltd")', True),
        ('Name.EndsWith("Inc")', False),
        ('Name.ToLower()=="acme ltd"', True),
        ('EmailAddress!=null&&EmailAddress.StartsWith("ap@")', True),
        ("EmailAddress==null", False),
        ("IsSupplier==false", True),
        ("IsSupplier==true", False),
        ('ContactID==Guid("5CC8CF28-567E-4D43-B287-687CFCAEC47C")', True),
        ('Contact.ContactID==GUID("5cc8cf28-567e-4d43-b287-687cfcaec47c")', True),
        ('Contact.Name=="Acme Ltd"', True),
        ("Date >= DateTime(2026, 03, 31)", True),
        ("Date > DateTime(2026,3,31)", False),
        ("Date < DateTime(2026, 04, 01)", True),
        ("UpdatedDateUTC >= DateTime(2026, 4, 1, 9, 30, 0)", True),
        ("UpdatedDateUTC > DateTime(2026, 4, 1, 9, 30, 0)", False),
    ],
)
def test_where_expressions(expression: str, expected: bool) -> None:
    assert matches(expression) is expected


@pytest.mark.parametrize(
    "expression",
    [
        "",
        'Status=="AUTHORISED" AND',
        'Nope=="x"',
        'Status=="AUTHORISED"))',
        '(Status=="AUTHORISED"',
        'Name.Frobnicate("x")',
        'ContactID==Guid("not-a-guid")',
        "Date >= DateTime(2026, 13, 1)",
        "Date >= DateTime(2026, 1)",
        "Status",
        'Status=="unterminated',
        "Total > > 1",
    ],
)
def test_unparseable_where_raises(expression: str) -> None:
    with pytest.raises(QueryError):
        parse_where(expression, FIELDS, "Invoice")


def test_unknown_field_message_names_the_type() -> None:
    with pytest.raises(QueryError, match="No property or field 'hi' exists in type 'Invoice'"):
        parse_where('hi=="x"', FIELDS, "Invoice")


def test_equality_hints_are_only_top_level_conjuncts() -> None:
    hints = parse_where('Status=="PAID" AND Type=="ACCREC"', FIELDS, "Invoice").equality_hints
    assert hints == [("Status", "PAID"), ("Type", "ACCREC")]
    assert parse_where('Status=="PAID" OR Type=="ACCREC"', FIELDS, "I").equality_hints == []
    nested = parse_where('Type=="ACCREC" AND (Status=="A" OR Status=="B")', FIELDS, "I")
    assert nested.equality_hints == [("Type", "ACCREC")]


def test_order_parses_directions_and_sorts_nulls_first() -> None:
    keys = parse_order("Name ASC, Total desc", FIELDS, "Invoice")
    assert [(k.path, k.descending) for k in keys] == [(["Name"], False), (["Total"], True)]
    records = [{"Name": "b"}, {"Name": None}, {"Name": "A"}]
    records.sort(key=sort_key(["Name"]))
    assert [r["Name"] for r in records] == [None, "A", "b"]
    with pytest.raises(QueryError):
        parse_order("Name SIDEWAYS", FIELDS, "Invoice")
    with pytest.raises(QueryError):
        parse_order("Bogus", FIELDS, "Invoice")


# -- over HTTP -----------------------------------------------------------------------------


@pytest.fixture
def api(emulator: RunningEmulator) -> Iterator[httpx.Client]:
    with api_client(emulator) as (client, _):
        yield client


def test_bad_where_is_a_query_parse_exception(api: httpx.Client) -> None:
    response = api.get("/Contacts", params={"where": 'Nmae=="x"'})
    assert response.status_code == 400
    body = response.json()
    assert body["ErrorNumber"] == 16
    assert body["Type"] == "QueryParseException"
    assert "No property or field 'Nmae' exists in type 'Contact'" in body["Message"]
    bad_order = api.get("/Accounts", params={"order": "Nope DESC"})
    assert bad_order.status_code == 400
    assert bad_order.json()["Type"] == "QueryParseException"


def test_where_and_order_on_contacts(api: httpx.Client) -> None:
    response = api.get(
        "/Contacts",
        params={"where": 'Name.StartsWith("B") OR Name=="Rex Media Group"', "order": "Name DESC"},
    )
    assert response.status_code == 200
    assert [c["Name"] for c in response.json()["Contacts"]] == [
        "Rex Media Group",
        "Boom FM",
        "Bayside Club",
        "Basket Case",
    ]
    by_number = api.get("/Contacts", params={"where": 'ContactNumber=="C005"'}).json()
    assert [c["Name"] for c in by_number["Contacts"]] == ["Boom FM"]


def test_where_on_accounts_with_guid_and_class(api: httpx.Client) -> None:
    sales = api.get("/Accounts", params={"where": 'Code=="200"'}).json()["Accounts"][0]
    by_guid = api.get(
        "/Accounts", params={"where": f'AccountID==Guid("{sales["AccountID"].upper()}")'}
    ).json()["Accounts"]
    assert [a["Code"] for a in by_guid] == ["200"]
    revenue = api.get(
        "/Accounts", params={"where": 'Class=="REVENUE" && Status=="ACTIVE"', "order": "Code DESC"}
    ).json()["Accounts"]
    assert [a["Code"] for a in revenue] == ["270", "260", "200"]

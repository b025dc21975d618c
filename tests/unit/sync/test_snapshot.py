"""Snapshots: two spellings of the same record normalise and hash alike; real changes do not."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from enum import IntEnum, StrEnum
from uuid import UUID

import pytest

from xerosync.sync import changed_fields, normalise, snapshot_hash, xero_digest
from xerosync.xero.models import Invoice


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("100"), "100.00"),
        (Decimal("100.00"), "100.00"),
        (Decimal("100.000"), "100.00"),
        (Decimal("1E+2"), "100.00"),
        (Decimal("12.3400"), "12.34"),
        (Decimal("12.5"), "12.50"),
        (Decimal("1.2345"), "1.2345"),
        (Decimal("1.23450"), "1.2345"),
        (Decimal("-0"), "0.00"),
        (Decimal("-7.1"), "-7.10"),
    ],
)
def test_decimals_become_money_text(amount: Decimal, text: str) -> None:
    assert normalise({"Total": amount}) == {"Total": text}


def test_equal_amounts_hash_alike() -> None:
    assert snapshot_hash({"Total": Decimal("100")}) == snapshot_hash({"Total": Decimal("100.00")})
    assert snapshot_hash({"Total": Decimal("100")}) != snapshot_hash({"Total": Decimal("100.01")})


def test_key_order_and_none_values_do_not_matter() -> None:
    one = {"Name": "Acme", "Address": {"City": "Leeds", "Region": None}, "Phone": None}
    two = {"Address": {"City": "Leeds"}, "Name": "Acme"}
    assert normalise(one) == normalise(two) == {"Address": {"City": "Leeds"}, "Name": "Acme"}
    assert list(normalise(one)) == ["Address", "Name"]
    assert snapshot_hash(one) == snapshot_hash(two)


def test_lists_keep_their_order() -> None:
    lines = [{"Description": "b", "Amount": Decimal("2")}, {"Description": "a"}]
    assert normalise({"Lines": lines}) == {
        "Lines": [{"Amount": "2.00", "Description": "b"}, {"Description": "a"}]
    }
    assert snapshot_hash({"Lines": [1, 2]}) != snapshot_hash({"Lines": [2, 1]})


def test_dates_uuids_and_instants_become_text() -> None:
    plus_one = timezone(timedelta(hours=1))
    record = {
        "Date": date(2026, 1, 31),
        "Updated": datetime(2026, 1, 31, 13, 0, tzinfo=plus_one),
        "ContactID": UUID("00000000-0000-0000-0000-000000000001"),
    }
    assert normalise(record) == {
        "ContactID": "00000000-0000-0000-0000-000000000001",
        "Date": "2026-01-31",
        "Updated": "2026-01-31T12:00:00+00:00",
    }
    same_instant = {**record, "Updated": datetime(2026, 1, 31, 12, 0, tzinfo=UTC)}
    assert snapshot_hash(record) == snapshot_hash(same_instant)


def test_unsnapshotable_values_are_refused_by_name() -> None:
    with pytest.raises(TypeError, match="cannot snapshot a value of type object"):
        normalise({"x": object()})
    with pytest.raises(ValueError, match="non-finite"):
        normalise({"x": Decimal("NaN")})


def test_hash_is_sha256_hex() -> None:
    digest = snapshot_hash({"a": 1})
    assert len(digest) == 64
    assert int(digest, 16) >= 0


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (None, {"Name": "Acme", "Phone": None}, {"Name"}),
        ({"Name": "Acme"}, {"Name": "Acme"}, set()),
        ({"Total": Decimal("5")}, {"Total": Decimal("5.00")}, set()),
        ({"Name": "Acme"}, {"Name": "Acme Ltd"}, {"Name"}),
        ({"Name": "Acme", "Phone": "1"}, {"Name": "Acme"}, {"Phone"}),  # deleted
        ({"Name": "Acme", "Phone": "1"}, {"Name": "Acme", "Phone": None}, {"Phone"}),
        ({"Phone": None}, {"Email": None}, set()),  # missing/None on both sides
        ({"A": {"x": 1}}, {"A": {"x": 2}}, {"A"}),  # nested values compared whole
    ],
)
def test_changed_fields(
    before: dict[str, object] | None, after: dict[str, object], expected: set[str]
) -> None:
    assert changed_fields(before, after) == expected


_READ = {
    "InvoiceID": "00000000-0000-0000-0000-000000000001",
    "Type": "ACCREC",
    "Contact": {"ContactID": "00000000-0000-0000-0000-0000000000c1", "Name": "Acme"},
    "Date": "/Date(1793577600000+0000)/",
    "LineItems": [{"Description": "Widget", "Quantity": 1.0, "UnitAmount": 10.0}],
    "Total": 11.5,
    "AmountDue": 11.5,
    "UpdatedDateUTC": "/Date(1793664000000+0000)/",
    "BrandNewField2027": {"Nested": [1, 2]},
}


def _read(**changes: object) -> Invoice:
    return Invoice.model_validate({**_READ, **changes})


def test_a_record_read_again_digests_alike_in_any_field_order() -> None:
    again = Invoice.model_validate(dict(reversed(list(_READ.items()))))
    assert xero_digest(_read()) == xero_digest(again)
    assert xero_digest(_read()) == xero_digest(_read(Reference=None))  # None is absent
    assert len(xero_digest(_read())) == 64


@pytest.mark.parametrize(
    "changes",
    [
        {"AmountDue": 0.0},  # read-only to a push, but a change a pull must see
        {"Total": 11.51},
        {"Date": "/Date(1793664000000+0000)/"},
        {"UpdatedDateUTC": "/Date(1793664001000+0000)/"},
        {"LineItems": [{"Description": "Widget", "Quantity": 2.0, "UnitAmount": 10.0}]},
        {"Contact": {"ContactID": "00000000-0000-0000-0000-0000000000c1", "Name": "Acme Ltd"}},
        {"BrandNewField2027": {"Nested": [1, 3]}},  # kept, unknown to the models
    ],
)
def test_a_change_anywhere_in_the_record_changes_its_digest(changes: dict[str, object]) -> None:
    assert xero_digest(_read(**changes)) != xero_digest(_read())


@pytest.mark.parametrize(("odd", "other"), [(2**70, 2**70 + 1), ("\ud800", "\ud801")])
def test_a_record_beyond_orjson_still_digests_and_alike(odd: object, other: object) -> None:
    assert xero_digest(_read(Odd=odd)) == xero_digest(_read(Odd=odd))
    assert xero_digest(_read(Odd=odd)) != xero_digest(_read(Odd=other))


def test_enums_subclasses_and_tuples_normalise_as_their_plain_values() -> None:
    """The plain leaves take a shortcut by exact type: what merely looks like one (an enum, a
    subclass of str, a tuple) still goes the long way and comes out as its plain value."""

    class Kind(StrEnum):
        SALE = "ACCREC"

    class Rank(IntEnum):
        FIRST = 1

    class Code(str):
        pass

    record = {
        "kind": Kind.SALE,
        "rank": Rank.FIRST,
        "code": Code("200"),
        "pair": (Decimal("1"), None, True),
        2: {"b": 1.5, "a": False, "gone": None},
    }
    assert normalise(record) == {
        "2": {"a": False, "b": 1.5},
        "code": "200",
        "kind": "ACCREC",
        "pair": ["1.00", None, True],
        "rank": 1,
    }
    assert type(normalise(record)["rank"]) is int
    assert list(normalise(record)) == ["2", "code", "kind", "pair", "rank"]

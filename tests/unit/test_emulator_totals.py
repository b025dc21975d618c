"""Xero's line and invoice arithmetic, and its status rules, as tables."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from xerosync.emulator.books import lifecycle as lc
from xerosync.emulator.books.totals import (
    LineIn,
    amount_due,
    compute_line,
    compute_totals,
    money,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2.165", "2.17"), ("2.164", "2.16"), ("-2.165", "-2.17"), ("0.005", "0.01"), ("1", "1.00")],
)
def test_money_rounds_half_up_to_cents(value: str, expected: str) -> None:
    assert money(D(value)) == D(expected)


# (line, amount types, unitdp) -> (quantity, unit amount, line amount, tax, discount)
LINES = [
    # Exclusive 15%: 3 x 33.33 = 99.99, tax 14.9985 -> 15.00
    (
        LineIn(D("3"), D("33.33"), tax_rate=D("15")),
        "Exclusive",
        2,
        ("3", "33.33", "99.99", "15.00", "0"),
    ),
    # unit amount rounded to 2 dp before multiplying (10.005 -> 10.01)
    (
        LineIn(D("2"), D("10.005"), tax_rate=D("15")),
        "Exclusive",
        2,
        ("2", "10.01", "20.02", "3.00", "0"),
    ),
    # with unitdp=4 it keeps 4 dp: 2 x 10.005 = 20.01
    (
        LineIn(D("2"), D("10.005"), tax_rate=D("15")),
        "Exclusive",
        4,
        ("2", "10.005", "20.01", "3.00", "0"),
    ),
    # Inclusive 15%: 115.00 holds 15.00 tax
    (
        LineIn(D("1"), D("115"), tax_rate=D("15")),
        "Inclusive",
        2,
        ("1", "115", "115.00", "15.00", "0"),
    ),
    # Inclusive 20%: 10.00 holds 1.666.. -> 1.67
    (LineIn(D("1"), D("10"), tax_rate=D("20")), "Inclusive", 2, ("1", "10", "10.00", "1.67", "0")),
    # NoTax: no tax whatever the rate
    (LineIn(D("4"), D("2.50"), tax_rate=D("15")), "NoTax", 2, ("4", "2.50", "10.00", "0", "0")),
    # DiscountRate 10% on 3 x 19.99 = 59.97 -> 53.973 -> 53.97
    (
        LineIn(D("3"), D("19.99"), discount_rate=D("10"), tax_rate=D("15")),
        "Exclusive",
        2,
        ("3", "19.99", "53.97", "8.10", "6.00"),
    ),
    # DiscountAmount 5 off 100
    (
        LineIn(D("1"), D("100"), discount_amount=D("5"), tax_rate=D("15")),
        "Exclusive",
        2,
        ("1", "100", "95.00", "14.25", "5.00"),
    ),
    # tax per line, half up: 14.43 x 15% = 2.1645 -> 2.16
    (
        LineIn(D("1"), D("14.43"), tax_rate=D("15")),
        "Exclusive",
        2,
        ("1", "14.43", "14.43", "2.16", "0"),
    ),
    # 14.44 x 15% = 2.166 -> 2.17
    (
        LineIn(D("1"), D("14.44"), tax_rate=D("15")),
        "Exclusive",
        2,
        ("1", "14.44", "14.44", "2.17", "0"),
    ),
    # quantity missing: defaults to 1
    (LineIn(None, D("50"), tax_rate=D("0")), "Exclusive", 2, ("1", "50", "50.00", "0", "0")),
    # unit amount missing: worked out from LineAmount
    (LineIn(D("4"), None, line_amount=D("10")), "Exclusive", 2, ("4", "2.50", "10.00", "0", "0")),
    # only LineAmount: quantity 1
    (
        LineIn(line_amount=D("42.5"), tax_rate=D("15")),
        "Exclusive",
        2,
        ("1", "42.50", "42.50", "6.38", "0"),
    ),
    # a description-only line is zero
    (LineIn(), "Exclusive", 2, ("0", "0", "0.00", "0", "0")),
    # a client's TaxAmount overrides the computed tax
    (
        LineIn(D("1"), D("100"), tax_rate=D("15"), tax_amount=D("14.99")),
        "Exclusive",
        2,
        ("1", "100", "100.00", "14.99", "0"),
    ),
    # quantity to 4 dp: 0.33335 -> 0.3334; 0.3334 x 30 = 10.002 -> 10.00
    (LineIn(D("0.33335"), D("30")), "Exclusive", 2, ("0.3334", "30", "10.00", "0", "0")),
    # a credit line (negative quantity)
    (
        LineIn(D("-1"), D("10.10"), tax_rate=D("15")),
        "Exclusive",
        2,
        ("-1", "10.10", "-10.10", "-1.52", "0"),
    ),
]


@pytest.mark.parametrize(("line", "types", "unitdp", "expected"), LINES)
def test_line_amounts_and_tax(
    line: LineIn, types: str, unitdp: int, expected: tuple[str, ...]
) -> None:
    out = compute_line(line, types, unitdp)
    got = (out.quantity, out.unit_amount, out.line_amount, out.tax_amount, out.discount)
    assert got == tuple(D(x) for x in expected)


def test_exclusive_totals_add_tax_per_line_not_on_the_sum() -> None:
    # 3 lines of 14.43 at 15%: per line 2.16 each = 6.48 (on the sum it would be 6.49)
    lines = [compute_line(LineIn(D("1"), D("14.43"), tax_rate=D("15")), "Exclusive")] * 3
    totals = compute_totals(lines, "Exclusive")
    assert (totals.sub_total, totals.total_tax, totals.total) == (D("43.29"), D("6.48"), D("49.77"))


def test_inclusive_totals_take_tax_out_of_the_line_amounts() -> None:
    lines = [
        compute_line(LineIn(D("1"), D("115"), tax_rate=D("15")), "Inclusive"),
        compute_line(LineIn(D("2"), D("10"), tax_rate=D("0")), "Inclusive"),
    ]
    totals = compute_totals(lines, "Inclusive")
    assert (totals.sub_total, totals.total_tax, totals.total) == (
        D("120.00"),
        D("15.00"),
        D("135.00"),
    )


def test_total_discount_sums_the_line_discounts() -> None:
    lines = [
        compute_line(LineIn(D("1"), D("100"), discount_rate=D("12.5")), "NoTax"),
        compute_line(LineIn(D("2"), D("10"), discount_amount=D("1.5")), "NoTax"),
    ]
    totals = compute_totals(lines, "NoTax")
    assert totals.total_discount == D("14.00")
    assert totals.total == D("106.00")


def test_amount_due_is_total_less_paid_and_credited() -> None:
    assert amount_due(D("115.00"), D("40.00"), D("5.50")) == D("69.50")


# (current, requested, has payments) -> message or None
STATUS_CHANGES = [
    ("DRAFT", "SUBMITTED", False, None),
    ("DRAFT", "AUTHORISED", False, None),
    ("DRAFT", "DELETED", False, None),
    ("SUBMITTED", "DRAFT", False, None),
    ("SUBMITTED", "DELETED", False, None),
    ("DRAFT", "VOIDED", False, lc.NOT_VALID_FOR_MODIFICATION),
    ("DRAFT", "PAID", False, lc.NOT_VALID_FOR_MODIFICATION),
    ("AUTHORISED", "VOIDED", False, None),
    ("AUTHORISED", "VOIDED", True, lc.HAS_ALLOCATIONS),
    ("AUTHORISED", "DELETED", False, lc.NOT_VALID_FOR_MODIFICATION),
    ("AUTHORISED", "DRAFT", False, lc.NOT_VALID_FOR_MODIFICATION),
    ("AUTHORISED", "PAID", False, lc.NOT_VALID_FOR_MODIFICATION),
    ("PAID", "VOIDED", True, lc.HAS_ALLOCATIONS),
    ("PAID", "DELETED", True, lc.NOT_VALID_FOR_MODIFICATION),
    ("VOIDED", "AUTHORISED", False, lc.NOT_VALID_FOR_MODIFICATION),
    ("DELETED", "DRAFT", False, lc.NOT_VALID_FOR_MODIFICATION),
    ("PAID", "PAID", True, None),
    ("AUTHORISED", "authorised", False, None),
]


@pytest.mark.parametrize(("current", "requested", "paid", "expected"), STATUS_CHANGES)
def test_status_changes(current: str, requested: str, paid: bool, expected: str | None) -> None:
    assert lc.check_status_change(current, requested, has_payments=paid) == expected


@pytest.mark.parametrize(
    ("requested", "expected"),
    [
        (None, ("DRAFT", None)),
        ("AUTHORISED", ("AUTHORISED", None)),
        ("submitted", ("SUBMITTED", None)),
        ("PAID", ("PAID", lc.NOT_VALID_FOR_CREATION)),
        ("VOIDED", ("VOIDED", lc.NOT_VALID_FOR_CREATION)),
    ],
)
def test_creation_status(requested: str | None, expected: tuple[str, str | None]) -> None:
    assert lc.creation_status(requested) == expected


# (status, type, fields changed, has payments) -> message or None
EDITS = [
    ("DRAFT", "ACCREC", {"LineItems", "Contact"}, False, None),
    ("AUTHORISED", "ACCREC", {"LineItems"}, False, None),
    ("AUTHORISED", "ACCREC", {"LineItems"}, True, lc.HAS_ALLOCATIONS),
    ("AUTHORISED", "ACCREC", {"Reference", "DueDate"}, True, None),
    ("PAID", "ACCREC", {"SentToContact"}, True, None),
    ("PAID", "ACCREC", {"Reference"}, True, lc.HAS_ALLOCATIONS),
    ("PAID", "ACCPAY", {"Reference", "DueDate"}, True, None),
    ("PAID", "ACCPAY", {"LineItems"}, True, lc.HAS_ALLOCATIONS),
    ("VOIDED", "ACCREC", {"Reference"}, False, lc.NOT_VALID_FOR_MODIFICATION),
    ("DELETED", "ACCREC", {"LineItems"}, False, lc.NOT_VALID_FOR_MODIFICATION),
    ("PAID", "ACCREC", set(), True, None),
    ("PAID", "ACCREC", {"Status"}, True, None),
]


@pytest.mark.parametrize(("status", "kind", "fields", "paid", "expected"), EDITS)
def test_edits(status: str, kind: str, fields: set[str], paid: bool, expected: str | None) -> None:
    assert lc.check_edit(status, kind, fields, has_payments=paid) == expected


PAYMENTS = [
    ("AUTHORISED", "50.00", "115.00", None),
    ("AUTHORISED", "115.00", "115.00", None),
    ("AUTHORISED", "115.01", "115.00", lc.PAYMENT_EXCEEDS),
    ("AUTHORISED", "0", "115.00", lc.PAYMENT_NOT_POSITIVE),
    ("DRAFT", "10.00", "115.00", lc.PAYMENT_NOT_AUTHORISED),
    ("SUBMITTED", "10.00", "115.00", lc.PAYMENT_NOT_AUTHORISED),
    ("PAID", "10.00", "0.00", lc.PAYMENT_NOT_AUTHORISED),
    ("VOIDED", "10.00", "115.00", lc.PAYMENT_NOT_AUTHORISED),
]


@pytest.mark.parametrize(("status", "amount", "due", "expected"), PAYMENTS)
def test_payments(status: str, amount: str, due: str, expected: str | None) -> None:
    assert lc.check_payment(status, D(amount), D(due)) == expected


@pytest.mark.parametrize(
    ("status", "due", "expected"),
    [
        ("AUTHORISED", "0.00", "PAID"),
        ("AUTHORISED", "0.01", "AUTHORISED"),
        ("PAID", "10.00", "AUTHORISED"),
        ("PAID", "0.00", "PAID"),
        ("VOIDED", "0.00", "VOIDED"),
    ],
)
def test_status_follows_amount_due(status: str, due: str, expected: str) -> None:
    assert lc.status_after_payments(status, D(due)) == expected

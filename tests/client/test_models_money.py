"""Money rounded as Xero rounds it: Decimal, half up, per line, 2 dp (4 for unit amounts on request)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xerosync.xero.models.money import line_amount, round_money, round_unit_amount, total


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.005", "0.01"),
        ("0.004", "0.00"),
        ("2.675", "2.68"),
        ("-2.675", "-2.68"),
        ("10", "10.00"),
        ("1.015", "1.02"),
    ],
)
def test_half_up_to_two_places(value: str, expected: str) -> None:
    assert round_money(value) == Decimal(expected)
    assert str(round_money(value)) == expected


@pytest.mark.parametrize(
    ("quantity", "unit", "discount", "unitdp", "expected"),
    [
        ("3", "0.10", None, 2, "0.30"),
        ("1", "10.125", None, 2, "10.13"),  # unit amount rounded to 2 dp first
        ("1", "10.125", None, 4, "10.13"),  # 10.1250 x 1 then the line to 2 dp
        ("3", "3.3333", None, 4, "10.00"),
        ("3", "3.3333", None, 2, "9.99"),
        ("2", "19.99", "15", 2, "33.98"),  # 39.98 less 15% = 33.983
        ("0.5", "0.01", None, 2, "0.01"),  # 0.005 rounds up
    ],
)
def test_line_amounts(
    quantity: str, unit: str, discount: str | None, unitdp: int, expected: str
) -> None:
    assert line_amount(quantity, unit, discount_rate=discount, unitdp=unitdp) == Decimal(expected)


def test_totals_sum_rounded_lines() -> None:
    lines = [line_amount("1", "0.333", unitdp=4)] * 3  # 0.33 each
    assert total(lines) == Decimal("0.99")


def test_unitdp_is_2_or_4() -> None:
    with pytest.raises(ValueError, match="unitdp"):
        round_unit_amount("1", 3)

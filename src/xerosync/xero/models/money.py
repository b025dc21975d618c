"""Money as Xero counts it: Decimal throughout, rounded half up per line.

Xero rounds each line to 2 decimal places (half away from zero), unit amounts to 2 places unless the
request asks for `unitdp=4`, quantities to 4 places, and totals are sums of already-rounded lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["line_amount", "round_money", "round_quantity", "round_unit_amount", "total"]

_STEPS = {2: Decimal("0.01"), 4: Decimal("0.0001")}


def _quantize(value: Decimal | int | str, places: int) -> Decimal:
    step = _STEPS.get(places) or Decimal(1).scaleb(-places)
    return Decimal(value).quantize(step, rounding=ROUND_HALF_UP)


def round_money(value: Decimal | int | str) -> Decimal:
    return _quantize(value, 2)


def round_unit_amount(value: Decimal | int | str, unitdp: int = 2) -> Decimal:
    if unitdp not in (2, 4):
        raise ValueError(f"unitdp must be 2 or 4, not {unitdp}")
    return _quantize(value, unitdp)


def round_quantity(value: Decimal | int | str) -> Decimal:
    return _quantize(value, 4)


def line_amount(
    quantity: Decimal | int | str,
    unit_amount: Decimal | int | str,
    *,
    discount_rate: Decimal | int | str | None = None,
    unitdp: int = 2,
) -> Decimal:
    """Quantity x unit amount, less a percentage discount, rounded as Xero rounds a line."""
    gross = round_quantity(quantity) * round_unit_amount(unit_amount, unitdp)
    if discount_rate is not None:
        gross = gross * (Decimal(100) - Decimal(discount_rate)) / Decimal(100)
    return round_money(gross)


def total(amounts: Iterable[Decimal]) -> Decimal:
    """The sum of rounded line amounts (Xero never re-rounds a total from unrounded parts)."""
    return round_money(sum((round_money(a) for a in amounts), Decimal(0)))

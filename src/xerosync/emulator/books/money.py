"""Money as Decimal, rounded as Xero rounds: half up, 2 dp (4 dp for unit prices with unitdp=4).

Records keep Decimals; `render` turns them into JSON numbers (see `books.render`).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
_QUANTS = {0: Decimal("1"), 2: CENT, 4: Decimal("0.0001")}


def parse_decimal(value: object) -> Decimal:
    """A number from JSON (int, float or numeric string). Raises ValueError otherwise."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation as exc:
            raise ValueError(f"not a number: {value!r}") from exc
        if not result.is_finite():
            raise ValueError(f"not a number: {value!r}")
        return result
    raise ValueError(f"not a number: {value!r}")


def round_to(value: Decimal, dp: int = 2) -> Decimal:
    """Half-up rounding to `dp` places (2.165 -> 2.17)."""
    quant = _QUANTS.get(dp) or Decimal(1).scaleb(-dp)
    return value.quantize(quant, rounding=ROUND_HALF_UP)


def money(value: object) -> Decimal:
    """Parse and round to cents."""
    return round_to(parse_decimal(value), 2)

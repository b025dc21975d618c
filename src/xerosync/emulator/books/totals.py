"""Xero's arithmetic for invoice lines and invoice totals, as pure functions.

The rules (docs/xero-behaviour.md section 6, Xero's "Rounding in Xero"):
- `UnitAmount` is rounded to 2 dp first (4 dp when the request says `unitdp=4`),
  `Quantity` to 4 dp.
- A line's amount is Quantity x UnitAmount less its discount (`DiscountRate` as a
  percentage, or `DiscountAmount` in money), rounded to 2 dp, half up.
- Tax is worked out per line and rounded to 2 dp, half up, then summed:
  Exclusive: LineAmount x rate; Inclusive: LineAmount x rate / (1 + rate) (the line
  amount already holds the tax); NoTax: nothing. A line's `TaxAmount` sent by the
  client overrides the computed one (Xero allows the override).
- SubTotal is the sum of the lines without tax, Total = SubTotal + TotalTax, and the
  summary values are always 2 dp. Totals sent by the client are ignored: the server
  recomputes them (the spec: "ignored if it doesn't equal the sum of the LineAmounts").

When a line leaves Quantity or UnitAmount out but gives `LineAmount`, Xero works out the
missing one; a line with neither and no LineAmount (a description-only line) is zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
ONE = Decimal("1")
HUNDRED = Decimal("100")
CENT = Decimal("0.01")
TEN_THOUSANDTH = Decimal("0.0001")

LINE_AMOUNT_TYPES = ("Exclusive", "Inclusive", "NoTax")


def money(value: Decimal) -> Decimal:
    """Round to 2 dp, half up (2.165 -> 2.17, -2.165 -> -2.17), as Xero does."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def unit_amount(value: Decimal, unitdp: int = 2) -> Decimal:
    """A UnitAmount as Xero keeps it: 2 dp, or 4 dp with `unitdp=4`."""
    step = TEN_THOUSANDTH if unitdp == 4 else CENT
    return value.quantize(step, rounding=ROUND_HALF_UP)


def quantity(value: Decimal) -> Decimal:
    return value.quantize(TEN_THOUSANDTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineIn:
    """What a client sent for one line, with the tax rate (a percentage) already resolved."""

    quantity: Decimal | None = None
    unit_amount: Decimal | None = None
    line_amount: Decimal | None = None
    discount_rate: Decimal | None = None
    discount_amount: Decimal | None = None
    tax_rate: Decimal = ZERO
    tax_amount: Decimal | None = None


@dataclass(frozen=True)
class LineOut:
    """A line as Xero stores it."""

    quantity: Decimal
    unit_amount: Decimal
    line_amount: Decimal
    tax_amount: Decimal
    discount: Decimal  # money taken off by DiscountRate/DiscountAmount


@dataclass(frozen=True)
class Totals:
    sub_total: Decimal
    total_tax: Decimal
    total: Decimal
    total_discount: Decimal


def _gross(qty: Decimal, unit: Decimal) -> Decimal:
    return qty * unit


def _resolve_quantity_and_unit(line: LineIn, unitdp: int) -> tuple[Decimal, Decimal]:
    """Quantity and UnitAmount, working out a missing one from LineAmount as Xero does."""
    qty = None if line.quantity is None else quantity(line.quantity)
    unit = None if line.unit_amount is None else unit_amount(line.unit_amount, unitdp)
    given = line.line_amount
    if qty is not None and unit is not None:
        return qty, unit
    if unit is not None:  # quantity missing
        if given is not None and unit != ZERO:
            return quantity(given / unit), unit
        return ONE, unit
    if qty is not None:  # unit amount missing
        if given is not None and qty != ZERO:
            return qty, unit_amount(given / qty, unitdp)
        return qty, ZERO
    if given is not None:
        return ONE, unit_amount(given, unitdp)
    return ZERO, ZERO


def line_tax(amount: Decimal, rate: Decimal, amount_types: str) -> Decimal:
    """Tax on one line amount at `rate` percent, rounded per line."""
    if amount_types == "NoTax" or rate == ZERO:
        return ZERO.quantize(CENT)
    if amount_types == "Inclusive":
        return money(amount * rate / (HUNDRED + rate))
    return money(amount * rate / HUNDRED)


def compute_line(line: LineIn, amount_types: str, unitdp: int = 2) -> LineOut:
    """One line's Quantity, UnitAmount, LineAmount, TaxAmount and discount."""
    qty, unit = _resolve_quantity_and_unit(line, unitdp)
    gross = _gross(qty, unit)
    if line.discount_rate is not None and line.discount_rate != ZERO:
        amount = money(gross * (HUNDRED - line.discount_rate) / HUNDRED)
    elif line.discount_amount is not None and line.discount_amount != ZERO:
        amount = money(gross - line.discount_amount)
    else:
        amount = money(gross)
    discount = money(gross) - amount
    if line.tax_amount is not None and amount_types != "NoTax":
        tax = money(line.tax_amount)
    else:
        tax = line_tax(amount, line.tax_rate, amount_types)
    return LineOut(qty, unit, amount, tax, discount)


def compute_totals(lines: Iterable[LineOut], amount_types: str) -> Totals:
    """SubTotal, TotalTax, Total and TotalDiscount of an invoice from its computed lines."""
    amounts = ZERO
    tax = ZERO
    discount = ZERO
    for line in lines:
        amounts += line.line_amount
        tax += line.tax_amount
        discount += line.discount
    sub_total = amounts - tax if amount_types == "Inclusive" else amounts
    return Totals(money(sub_total), money(tax), money(sub_total + tax), money(discount))


def amount_due(total: Decimal, paid: Decimal, credited: Decimal = ZERO) -> Decimal:
    return money(total - paid - credited)

"""Charts as inline SVG, from pure functions: data in, an SVG string out (no JavaScript).

Every bar, segment and point carries its value twice: as text a person reads and as a
`data-value` attribute (a plain decimal) a test can read; each has a `<title>` for screen readers
and tooltips. Bars are proportional to their values on an axis that always includes zero, so a
negative balance hangs below the line. Text is escaped here, so the result is safe to embed.

The `*_chart` functions take the finance summary's shapes (any object with those attributes).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from html import escape
from typing import Protocol

__all__ = [
    "Bar",
    "aging_chart",
    "bank_balances_chart",
    "bar_chart",
    "money",
    "month_label",
    "paid_split_chart",
    "profit_and_loss_chart",
    "scale",
]

WIDTH = 640
HEIGHT = 280
TOP, BOTTOM, LEFT, RIGHT = 24, 48, 80, 16
INCOME, EXPENSES, NET, PLAIN, LATE = "#3b7d4f", "#c0663b", "#2f4a6d", "#4f6d8f", "#b04a4a"


def money(value: Decimal | float | int) -> str:
    """1234.5 -> "1,234.50"; -80 -> "-80.00"."""
    return f"{Decimal(value):,.2f}"


def _plain(value: Decimal | float | int) -> str:
    """The `data-value`: a decimal with two places and no separators."""
    return f"{Decimal(value):.2f}"


def _nice(step: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at least `step`."""
    if step <= 0:
        return 1.0
    power = math.pow(10, math.floor(math.log10(step)))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= step:
            return factor * power
    return 10 * power  # pragma: no cover - the loop always returns


def scale(values: Sequence[Decimal | float | int], ticks: int = 4) -> tuple[float, float, float]:
    """An axis for `values`: (low, high, step), always including zero, on round numbers."""
    numbers = [float(v) for v in values] or [0.0]
    low, high = min(0.0, *numbers), max(0.0, *numbers)
    if low == high:
        return 0.0, 1.0, 0.25
    step = _nice((high - low) / ticks)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    colour: str = PLAIN


class _Plot:
    """Maps values to y pixels on the plot area of a chart."""

    def __init__(self, values: Sequence[Decimal | float | int], height: int = HEIGHT) -> None:
        self.low, self.high, self.step = scale(values)
        self.top, self.bottom = TOP, height - BOTTOM

    def y(self, value: Decimal | float | int) -> float:
        span = self.high - self.low
        return self.bottom - (float(value) - self.low) / span * (self.bottom - self.top)

    def axis(self, width: int = WIDTH) -> str:
        lines = []
        for index in range(round((self.high - self.low) / self.step) + 1):
            tick = round(self.low + index * self.step, 6)
            y = self.y(tick)
            lines.append(
                f'<line class="grid" x1="{LEFT}" x2="{width - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                f'stroke="{"#8a8f98" if tick == 0 else "#e3e5e8"}"/>'
                f'<text class="tick" x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">'
                f"{escape(_short(tick))}</text>"
            )
        return "".join(lines)


def _short(value: float) -> str:
    """An axis label: 12,500 -> "12.5k", 2,000,000 -> "2M"."""
    size = abs(value)
    for limit, suffix in ((1e6, "M"), (1e3, "k")):
        if size >= limit:
            return f"{value / limit:,.1f}".rstrip("0").rstrip(".") + suffix
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def _svg(title: str, body: str, width: int = WIDTH, height: int = HEIGHT) -> str:
    return (
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _empty(title: str, message: str = "Nothing to show yet") -> str:
    return _svg(
        title,
        f'<text class="empty" x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">'
        f"{escape(message)}</text>",
    )


def bar_chart(title: str, bars: Sequence[Bar]) -> str:
    """Vertical bars, one per item, labelled below and valued above (below, if negative)."""
    if not bars:
        return _empty(title)
    plot = _Plot([b.value for b in bars])
    slot = (WIDTH - LEFT - RIGHT) / len(bars)
    width = min(slot * 0.6, 96)
    zero = plot.y(0)
    parts = [plot.axis()]
    for index, bar in enumerate(bars):
        x = LEFT + slot * index + (slot - width) / 2
        y = plot.y(bar.value)
        top, height = min(y, zero), abs(zero - y)
        centre = x + width / 2
        label_y = top - 6 if bar.value >= 0 else top + height + 14
        name = escape(bar.label)
        parts.append(
            f'<g class="bar" data-label="{name}">'
            f"<title>{name}: {money(bar.value)}</title>"
            f'<rect x="{x:.1f}" y="{top:.1f}" width="{width:.1f}" height="{height:.1f}" '
            f'fill="{bar.colour}" data-value="{_plain(bar.value)}"/>'
            f'<text class="value" x="{centre:.1f}" y="{label_y:.1f}" text-anchor="middle">'
            f"{money(bar.value)}</text>"
            f'<text class="label" x="{centre:.1f}" y="{HEIGHT - BOTTOM + 18}" '
            f'text-anchor="middle">{name}</text></g>'
        )
    return _svg(title, "".join(parts))


# -- the finance summary's shapes -------------------------------------------------------------


class BankBalanceLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def closing(self) -> Decimal: ...


class AgingLike(Protocol):
    @property
    def current(self) -> Decimal: ...
    @property
    def days_1_30(self) -> Decimal: ...
    @property
    def days_31_60(self) -> Decimal: ...
    @property
    def days_61_90(self) -> Decimal: ...
    @property
    def over_90(self) -> Decimal: ...


class MonthLike(Protocol):
    @property
    def label(self) -> str: ...
    @property
    def income(self) -> Decimal: ...
    @property
    def expenses(self) -> Decimal: ...
    @property
    def net(self) -> Decimal: ...


class PaidSplitLike(Protocol):
    @property
    def paid_count(self) -> int: ...
    @property
    def paid_amount(self) -> Decimal: ...
    @property
    def outstanding_count(self) -> int: ...
    @property
    def outstanding_amount(self) -> Decimal: ...
    @property
    def overdue_count(self) -> int: ...
    @property
    def overdue_amount(self) -> Decimal: ...


def bank_balances_chart(balances: Sequence[BankBalanceLike]) -> str:
    """The closing balance of each bank account."""
    return bar_chart(
        "Cash and bank balances",
        [Bar(b.name, b.closing, LATE if b.closing < 0 else PLAIN) for b in balances],
    )


def aging_chart(aging: AgingLike) -> str:
    """What customers owe, by how late it is."""
    buckets = (
        ("Current", aging.current, INCOME),
        ("1-30 days", aging.days_1_30, "#c9a13b"),
        ("31-60 days", aging.days_31_60, EXPENSES),
        ("61-90 days", aging.days_61_90, LATE),
        ("90+ days", aging.over_90, "#7d2f2f"),
    )
    return bar_chart(
        "Receivables aging", [Bar(name, value, colour) for name, value, colour in buckets]
    )


def month_label(label: str) -> str:
    """Xero's column title ("31 Dec 25", "28 Feb 2026") as a short month ("Dec 25")."""
    for form in ("%d %b %y", "%d %b %Y"):
        try:
            return datetime.strptime(label.strip(), form).strftime("%b %y")
        except ValueError:
            continue
    return label


def profit_and_loss_chart(months: Sequence[MonthLike]) -> str:
    """Income and expenses side by side per month, with the net result as a line. The chart
    widens with the months (a year fits); a zero figure is drawn flat and not written out."""
    title = "Profit and loss by month"
    if not months:
        return _empty(title)
    full = max(WIDTH, LEFT + RIGHT + 64 * len(months))
    values = [v for m in months for v in (m.income, m.expenses, m.net)]
    plot = _Plot(values)
    slot = (full - LEFT - RIGHT) / len(months)
    width = min(slot * 0.34, 40)
    zero = plot.y(0)
    parts = [plot.axis(full)]
    points = []
    for index, month in enumerate(months):
        left = LEFT + slot * index + slot / 2 - width
        label = escape(month.label)
        parts.append(f'<g class="month" data-label="{label}">')
        for offset, kind, value, colour in (
            (0.0, "income", month.income, INCOME),
            (width, "expenses", month.expenses, EXPENSES),
        ):
            y = plot.y(value)
            top, height = min(y, zero), abs(zero - y)
            written = (
                f'<text class="value small" x="{left + offset + width / 2 - 1:.1f}" '
                f'y="{top - 4:.1f}" text-anchor="middle">{_short(float(value))}</text>'
                if value
                else ""
            )
            parts.append(
                f'<g class="bar {kind}"><title>{label} {kind}: {money(value)}</title>'
                f'<rect x="{left + offset:.1f}" y="{top:.1f}" width="{width - 2:.1f}" '
                f'height="{height:.1f}" fill="{colour}" data-value="{_plain(value)}"/>'
                f"{written}</g>"
            )
        centre = LEFT + slot * index + slot / 2
        points.append((centre, plot.y(month.net), month))
        parts.append(
            f'<text class="label" x="{centre:.1f}" y="{HEIGHT - BOTTOM + 18}" '
            f'text-anchor="middle">{escape(month_label(month.label))}</text></g>'
        )
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
    parts.append(
        f'<polyline class="net" points="{line}" fill="none" stroke="{NET}" stroke-width="2"/>'
    )
    for x, y, month in points:
        label = escape(month.label)
        written = (
            f'<text class="value small net" x="{x + 6:.1f}" y="{y - 8:.1f}">'
            f"{money(month.net)}</text>"
            if month.net
            else ""
        )
        parts.append(
            f'<g class="point net"><title>{label} net: {money(month.net)}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{NET}" '
            f'data-value="{_plain(month.net)}"/>{written}</g>'
        )
    parts.append(_legend((("Income", INCOME), ("Expenses", EXPENSES), ("Net", NET))))
    return _svg(title, "".join(parts), width=full)


def _legend(items: Sequence[tuple[str, str]]) -> str:
    parts = []
    for index, (name, colour) in enumerate(items):
        x = LEFT + index * 110
        parts.append(
            f'<rect x="{x}" y="{HEIGHT - 18}" width="12" height="12" fill="{colour}"/>'
            f'<text class="legend" x="{x + 18}" y="{HEIGHT - 8}">{escape(name)}</text>'
        )
    return "".join(parts)


def paid_split_chart(split: PaidSplitLike) -> str:
    """Invoices paid against still outstanding, as one bar split in proportion to the amounts."""
    title = "Invoices paid vs outstanding"
    total = split.paid_amount + split.outstanding_amount
    if split.paid_count + split.outstanding_count == 0 and total == 0:
        return _empty(title, "No invoices yet")
    height = 150
    full = WIDTH - 2 * RIGHT
    paid_width = full * float(split.paid_amount / total) if total > 0 else full / 2
    parts = []
    for kind, x, width, count, amount, colour in (
        ("paid", RIGHT, paid_width, split.paid_count, split.paid_amount, INCOME),
        (
            "outstanding",
            RIGHT + paid_width,
            full - paid_width,
            split.outstanding_count,
            split.outstanding_amount,
            EXPENSES,
        ),
    ):
        name = "Paid" if kind == "paid" else "Outstanding"
        text = f"{name}: {count} invoice{'s' if count != 1 else ''}, {money(amount)}"
        anchor, tx = ("start", RIGHT) if kind == "paid" else ("end", WIDTH - RIGHT)
        parts.append(
            f'<g class="segment {kind}"><title>{escape(text)}</title>'
            f'<rect x="{x:.1f}" y="24" width="{width:.1f}" height="44" fill="{colour}" '
            f'data-value="{_plain(amount)}" data-count="{count}"/>'
            f'<text class="value" x="{tx}" y="90" text-anchor="{anchor}">{escape(text)}</text></g>'
        )
    overdue = (
        f"of which overdue: {split.overdue_count} invoice{'s' if split.overdue_count != 1 else ''}, "
        f"{money(split.overdue_amount)}"
    )
    parts.append(
        f'<g class="segment overdue"><title>{escape(overdue)}</title>'
        f'<text class="value" x="{WIDTH - RIGHT}" y="112" text-anchor="end" '
        f'data-value="{_plain(split.overdue_amount)}" data-count="{split.overdue_count}">'
        f"{escape(overdue)}</text></g>"
    )
    return _svg(title, "".join(parts), height=height)
